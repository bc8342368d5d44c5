"""The disclosure after a resident-code change (住民票コードの変更): the entries recorded under the
former codes are the resident's too, listed with the code each was recorded under so that their
inclusion proofs still verify; nobody else's entries come with them."""

from __future__ import annotations

import httpx

from tests.registry.accesslog.proofs import BASE, disclosed, proves, sign_checkpoint
from tests.registry.conftest import Headers, Register
from tests.registry.residents.test_missing_events import change_code


async def _read(client: httpx.AsyncClient, headers: Headers, code: str, client_id: str) -> httpx.Response:
    response = await client.get(f"{BASE}/{code}", headers=headers("registry:read", client_id=client_id))
    assert response.status_code == 200, response.text
    return response


async def test_the_disclosure_lists_entries_under_former_codes_with_proofs(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    first = await register()
    other = await register(given_name="花子", given_name_kana="ハナコ", sex="female")
    etag = (await _read(registry, headers, first, "pension-1")).headers["ETag"]
    await _read(registry, headers, other, "someone-else")
    second = (await change_code(registry, headers, first, etag=etag)).json()["resident_code"]
    etag = (await _read(registry, headers, second, "pension-2")).headers["ETag"]
    third = (await change_code(registry, headers, second, etag=etag)).json()["resident_code"]
    await _read(registry, headers, third, "pension-3")
    signed = await sign_checkpoint(registry, headers)

    page = await disclosed(registry, headers, third)
    assert [(r.client_id, r.resident_code) for r in page.items] == [
        ("pension-3", third),
        ("pension-2", second),
        ("pension-1", first),
    ]
    assert page.checkpoint is not None
    assert page.checkpoint.tree_size == signed.tree_size
    assert all(proves(record, record.resident_code, page.checkpoint) for record in page.items)
    # Proved against the code it was recorded under, not the current one: the field matters.
    assert not proves(page.items[-1], third, page.checkpoint)
    # Another resident's disclosure is untouched.
    assert [r.client_id for r in (await disclosed(registry, headers, other)).items] == ["someone-else"]


async def test_the_disclosure_pages_across_former_codes(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    first = await register()
    etag = ""
    for index in range(3):
        etag = (await _read(registry, headers, first, f"old-{index}")).headers["ETag"]
    current = (await change_code(registry, headers, first, etag=etag)).json()["resident_code"]
    for index in range(2):
        await _read(registry, headers, current, f"new-{index}")
    seen: list[str] = []
    token: str | None = None
    while True:
        params = {"page_size": 2} | ({"page_token": token} if token else {})
        page = await disclosed(registry, headers, current, **params)
        seen += [record.client_id for record in page.items]
        token = page.next_page_token
        if token is None:
            break
    assert seen == ["new-1", "new-0", "old-2", "old-1", "old-0"]

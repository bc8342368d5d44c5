"""Full-width digits in a URL read as ASCII digits in every parameter, path or query."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from shared.web.url_digits import with_ascii_digits
from tests.support.tokens import TokenFactory


def test_only_full_width_digits_change() -> None:
    scope = {
        "path": "/notes/１２/山田",
        "raw_path": quote("/notes/１２/山田").encode(),
        "query_string": ("page_size=" + quote("３") + "&name=" + quote("山田１") + "&raw=").encode()
        + "４".encode(),
    }
    normalised = with_ascii_digits(scope)
    assert normalised["path"] == "/notes/12/山田"
    assert normalised["raw_path"] == quote("/notes/12/山田").encode()
    assert normalised["query_string"] == ("page_size=3&name=" + quote("山田") + "1&raw=4").encode()
    assert scope["path"] == "/notes/１２/山田"


def test_an_ascii_url_is_left_as_it_is() -> None:
    scope = {"path": "/notes/12", "query_string": b"page_size=3&name=%E5%B1%B1"}
    assert with_ascii_digits(scope) is scope


async def test_every_parameter_reads_full_width_digits_alike(
    sample: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    write = tokens.headers("sample:write", audience="sample")
    note = {"municipality": "131016", "body": "x"}
    note_id = (await sample.post("/sample/v1/notes", json=note, headers=write)).json()["id"]
    full_width_id = str(note_id).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    found = await sample.get(
        f"/sample/v1/notes/{full_width_id}", headers=tokens.headers("sample:read", audience="sample")
    )
    assert found.status_code == 200
    listed = await sample.get("/sample/v1/notes", params={"municipality": "１３１０１６", "page_size": "１"})
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [note_id]

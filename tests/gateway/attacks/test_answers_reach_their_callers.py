"""Every caller gets its own answer and no one else's, whatever the others send.

The defect this guards: a request with `Expect: 100-continue` went upstream with that header,
the upstream's interim `100 Continue` was taken for the final answer, and the pooled connection
came back one answer behind, so the next caller on it, anonymous or not, got the previous
caller's resident.
"""

from __future__ import annotations

import asyncio
import itertools
import json

import httpx

from tests.gateway.attacks.conftest import Platform
from tests.gateway.attacks.wire import answers, exchange, request

PURPOSE = "X-Purpose: gateway-attack-suite"
WORKERS = 12
REQUESTS_PER_WORKER = 180


def _verification(code: str, reference: str) -> bytes:
    return json.dumps({"items": [{"resident_code": code, "reference": reference}]}).encode()


def _verifying(platform: Platform, *extra: str, body: bytes = b"") -> bytes:
    """A bulk verification by reader A, stating its purpose and expecting to be asked to continue."""
    return request(
        "POST",
        "/registry/v1/residents/verifications",
        f"Authorization: Bearer {platform.token_a}",
        PURPOSE,
        "Content-Type: application/json",
        "Expect: 100-continue",
        *extra,
        body=body,
    )


def _refused_without_personal_data(response: httpx.Response) -> bool:
    """A 401 problem, and nothing of a resident in it (its `instance` is the caller's own path)."""
    if response.status_code != 401 or response.headers["content-type"] != "application/problem+json":
        return False
    return not any(item in response.text for item in ("family_name", "birth_date", "address", "results"))


async def test_interleaved_callers_on_pooled_connections_each_get_their_own_answer(
    platform: Platform,
) -> None:
    mismatches: list[str] = []
    counter = itertools.count()

    async def worker(number: int) -> int:
        sent = 0
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{platform.port}", timeout=30, limits=httpx.Limits(max_connections=1)
        ) as client:
            for step in range(REQUESTS_PER_WORKER):
                kind = (number + step) % 5
                reference = f"ref-{next(counter)}"
                a = {"Authorization": f"Bearer {platform.token_a}", "X-Purpose": "attack-suite"}
                b = {"Authorization": f"Bearer {platform.token_b}", "X-Purpose": "attack-suite"}
                resident_a, resident_b = platform.resident_a, platform.resident_b
                if kind == 0:
                    response = await client.get(f"/registry/v1/residents/{resident_a}", headers=a)
                    ok = response.status_code == 200 and resident_a in response.text
                    ok = ok and resident_b not in response.text
                elif kind == 1:
                    response = await client.get(f"/registry/v1/residents/{resident_b}", headers=b)
                    ok = response.status_code == 200 and resident_b in response.text
                    ok = ok and resident_a not in response.text
                elif kind == 2:
                    response = await client.get(f"/registry/v1/residents/{resident_a}")
                    ok = _refused_without_personal_data(response)
                elif kind == 3:
                    response = await client.post(
                        "/registry/v1/residents/verifications",
                        content=_verification(resident_b, reference),
                        headers={**a, "Content-Type": "application/json", "Expect": "100-continue"},
                    )
                    ok = response.status_code == 200
                    ok = ok and response.json()["results"][0]["reference"] == reference
                else:
                    response = await client.post(
                        "/registry/v1/residents/verifications",
                        content=_verification(resident_a, reference),
                        headers={"Content-Type": "application/json", "Expect": "100-continue"},
                    )
                    ok = _refused_without_personal_data(response)
                if not ok:
                    mismatches.append(
                        f"worker {number} kind {kind}: {response.status_code} {response.text[:200]}"
                    )
                sent += 1
        return sent

    sent = sum(await asyncio.gather(*(worker(number) for number in range(WORKERS))))
    assert sent == WORKERS * REQUESTS_PER_WORKER >= 2_000
    assert mismatches == []


async def test_expect_100_continue_is_answered_by_the_gateway_itself(platform: Platform) -> None:
    body = _verification(platform.resident_a, "first")
    head = _verifying(platform, f"Content-Length: {len(body)}")
    follow_up = request(
        "GET",
        f"/registry/v1/residents/{platform.resident_b}",
        f"Authorization: Bearer {platform.token_b}",
        PURPOSE,
    )
    raw = await exchange(platform.port, head, body, follow_up, pause=0.3)
    got = answers(raw)
    assert [answer.status for answer in got] == [100, 200, 200]
    assert json.loads(got[1].body)["results"][0]["reference"] == "first"
    assert platform.resident_b in got[2].body.decode()


async def test_expect_100_continue_without_a_body_gets_one_final_answer(platform: Platform) -> None:
    lookup = request(
        "GET",
        f"/registry/v1/residents/{platform.resident_a}",
        f"Authorization: Bearer {platform.token_a}",
        PURPOSE,
        "Expect: 100-continue",
    )
    empty_post = _verifying(platform, "Content-Length: 0")
    raw = await exchange(platform.port, lookup, empty_post)
    finals = [answer for answer in answers(raw) if answer.status >= 200]
    assert [answer.status for answer in finals] == [200, 422]
    assert platform.resident_a in finals[0].body.decode()


async def test_after_expectations_anonymous_callers_see_no_one(platform: Platform) -> None:
    """The upstream pool stays in step: anonymous lookups right after many expectations get only 401."""
    expecting = _verifying(platform, body=_verification(platform.resident_a, "x"))
    await asyncio.gather(*(exchange(platform.port, expecting, idle=0.5) for _ in range(40)))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{platform.port}") as client:
        anonymous = await asyncio.gather(
            *(client.get(f"/registry/v1/residents/{platform.resident_a}") for _ in range(60))
        )
    assert all(_refused_without_personal_data(response) for response in anonymous)

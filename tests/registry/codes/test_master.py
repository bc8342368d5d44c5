"""The code master served from memory: its version as the ETag, a recorded change served at once
by the replica that recorded it and within the refresh interval by every other replica."""

from __future__ import annotations

import asyncio
from datetime import date

import httpx
import pytest

from services.registry.app import create_app
from services.registry.codes.master import Snapshot
from services.registry.settings import RegistrySettings
from tests.conftest import running
from tests.registry.codes.test_endpoints import CHANGES, CODES, HAMAMATSU
from tests.registry.conftest import Headers
from tests.support.tokens import TokenFactory, no_revocations

ON_THE_2018_LIST = pytest.mark.usefixtures("code_list_of_2018")
"""These tests record a change of their own (浜松's 2024 reorganization) on the 2018 list."""


@ON_THE_2018_LIST
async def test_a_lookup_carries_the_masters_version_and_answers_a_revalidation(
    registry: httpx.AsyncClient, headers: Headers
) -> None:
    first = await registry.get(f"{CODES}/221317")
    etag = first.headers["ETag"]
    assert (await registry.get(f"{CODES}/221317", headers={"If-None-Match": etag})).status_code == 304
    recorded = await registry.post(CHANGES, json=HAMAMATSU, headers=headers("registry:admin"))
    assert recorded.status_code == 201, recorded.text
    after = await registry.get(f"{CODES}/221317", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["ETag"] == f'"v{recorded.json()["change_id"]}"'
    assert after.json()["to_date"] == "2024-01-01"
    assert after.json()["successor_codes"] == ["221384"]
    assert (await registry.get(f"{CODES}/221384")).json()["predecessor_codes"] == [
        "221317", "221325", "221333", "221341", "221350",
    ]  # fmt: skip


@ON_THE_2018_LIST
async def test_another_replica_serves_a_change_within_its_refresh_interval(
    registry: httpx.AsyncClient, registry_db: str, tokens: TokenFactory, headers: Headers
) -> None:
    replica = create_app(
        RegistrySettings(database_url=registry_db, code_master_refresh_seconds=0.05),
        jwks_source=tokens.source(),
        revocation_source=no_revocations(),
    )
    async with running(replica) as other:
        assert (await other.get(f"{CODES}/221384")).status_code == 404
        recorded = await registry.post(CHANGES, json=HAMAMATSU, headers=headers("registry:admin"))
        assert recorded.status_code == 201, recorded.text
        for _ in range(100):
            answer = await other.get(f"{CODES}/221384")
            if answer.status_code == 200:
                break
            await asyncio.sleep(0.05)
        assert answer.status_code == 200
        assert answer.headers["ETag"] == f'"v{recorded.json()["change_id"]}"'


def test_successors_are_followed_through_several_changes() -> None:
    def code(name: str, from_date: date | None, to_date: date | None) -> dict[str, object]:
        return {
            "code": name, "prefecture": "p", "prefecture_kana": "p", "name": name, "name_kana": name,
            "kind": "municipality", "from_date": from_date, "to_date": to_date,
        }  # fmt: skip

    snapshot = Snapshot.of(
        2,
        [code("a", None, date(2000, 1, 1)), code("b", date(2000, 1, 1), date(2010, 1, 1)),
         code("c", date(2010, 1, 1), None), code("d", date(2010, 1, 1), None)],
        [{"code": "a", "successor_code": "b"}, {"code": "b", "successor_code": "c"},
         {"code": "b", "successor_code": "d"}],
    )  # fmt: skip
    assert [d["code"] for d in snapshot.successors_in_force("a", on=date(2020, 1, 1))] == ["c", "d"]
    assert [d["code"] for d in snapshot.successors_in_force("a", on=date(2005, 1, 1))] == ["b"]
    assert [d["code"] for d in snapshot.successors_in_force("c", on=date(2020, 1, 1))] == ["c"]


async def test_the_plain_lookup_refuses_a_bad_token_and_checks_the_code(registry: httpx.AsyncClient) -> None:
    assert (await registry.get(f"{CODES}/131016")).status_code == 200
    refused = await registry.get(f"{CODES}/131016", headers={"Authorization": "Bearer not-a-jwt"})
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    plain = await registry.get(f"{CODES}/131017")
    documented = await registry.get(f"{CODES}/131017", params={"as_of": "2024-01-01"})
    assert plain.status_code == documented.status_code == 422
    different = {"instance", "request_id"}
    assert {k: v for k, v in plain.json().items() if k not in different} == {
        k: v for k, v in documented.json().items() if k not in different
    }

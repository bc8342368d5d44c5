"""The code master's history since the Heisei mergers began (migration 0008, data/SOURCE.md):
well-known changes answered through the API, and the number of municipalities over time."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import create_async_engine

from services.registry.tables import local_government_code_changes, local_government_codes
from tests.registry.codes.test_endpoints import CHANGES, CODES

NORTHERN_TERRITORIES = ("016951", "016969", "016977", "016985", "016993", "017001")
"""The six villages of the Northern Territories: in the ministry's list, not in its counts."""


async def successors(client: httpx.AsyncClient, code: str, on: str) -> list[str]:
    response = await client.get(f"{CODES}/{code}/successors", params={"as_of": on})
    assert response.status_code == 200, response.text
    return [item["code"] for item in response.json()]


async def test_urawa_omiya_and_yono_became_saitama(registry: httpx.AsyncClient) -> None:
    for code, name in (("112046", "浦和市"), ("112054", "大宮市"), ("112208", "与野市")):
        body = (await registry.get(f"{CODES}/{code}")).json()
        assert (body["name"], body["to_date"]) == (name, "2001-05-01")
        assert body["successor_codes"] == ["112445"]
        assert await successors(registry, code, "2001-05-01") == ["112445"]
        # さいたま市 became a designated city on 2003-04-01, under a new code.
        assert await successors(registry, code, "2024-01-01") == ["111007"]
        assert (await registry.get(f"{CODES}/{code}", params={"as_of": "2001-04-30"})).status_code == 200
        gone = await registry.get(f"{CODES}/{code}", params={"as_of": "2001-05-01"})
        assert gone.status_code == 404
    saitama = (await registry.get(f"{CODES}/112445")).json()
    assert (saitama["from_date"], saitama["to_date"]) == ("2001-05-01", "2003-04-01")
    assert saitama["predecessor_codes"] == ["112046", "112054", "112208"]
    designated = (await registry.get(f"{CODES}/111007")).json()
    assert (designated["kind"], designated["from_date"]) == ("designated_city", "2003-04-01")


async def test_iwatsuki_was_absorbed_into_saitama(registry: httpx.AsyncClient) -> None:
    iwatsuki = (await registry.get(f"{CODES}/112135")).json()
    assert (iwatsuki["name"], iwatsuki["to_date"], iwatsuki["successor_codes"]) == (
        "岩槻市",
        "2005-04-01",
        ["111007"],
    )
    assert await successors(registry, "112135", "2005-04-01") == ["111007"]
    ward = (await registry.get(f"{CODES}/111104")).json()
    assert (ward["name"], ward["kind"], ward["from_date"]) == (
        "さいたま市岩槻区",
        "designated_city_ward",
        "2005-04-01",
    )
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"page_size": 500}
    while True:
        answer = await registry.get(CHANGES, params=params)
        assert answer.status_code == 200, answer.text
        items += answer.json()["items"]
        if not answer.json().get("next_page_token"):
            break
        params["page_token"] = answer.json()["next_page_token"]
    assert len(items) == 719
    absorption = [
        item for item in items if item["effective_date"] == "2005-04-01" and "112135" in item["retired_codes"]
    ]
    assert [item["kind"] for item in absorption] == ["absorption"]
    assert "e-Stat" in absorption[0]["description"]


async def test_nakagawa_town_became_a_city(registry: httpx.AsyncClient) -> None:
    town = (await registry.get(f"{CODES}/403059")).json()
    assert (town["name"], town["to_date"], town["successor_codes"]) == ("那珂川町", "2018-10-01", ["402311"])
    city = (await registry.get(f"{CODES}/402311")).json()
    assert (city["name"], city["from_date"], city["to_date"]) == ("那珂川市", "2018-10-01", None)
    assert await successors(registry, "403059", "2018-10-01") == ["402311"]
    assert (await registry.get(f"{CODES}/402311", params={"as_of": "2018-09-30"})).status_code == 404


async def test_a_designated_city_ward_reorganization_splits_a_ward(registry: httpx.AsyncClient) -> None:
    # 浜松市南区 (2024-01-01) went partly to 中央区 and partly to 浜名区.
    assert await successors(registry, "221350", "2024-01-01") == ["221384", "221392"]


async def test_municipalities_over_time(registry: httpx.AsyncClient, registry_db: str) -> None:
    """3,232 municipalities on 1999-03-31 (the day before the first Heisei merger), 1,718 since
    2014-04-05; the ministry's list adds the six villages of the Northern Territories."""
    engine = create_async_engine(registry_db)
    codes = local_government_codes.c

    async def count(on: date) -> int:
        statement = select(func.count()).where(
            codes.kind.in_(["municipality", "designated_city"]),
            codes.code.not_in(NORTHERN_TERRITORIES),
            or_(codes.from_date.is_(None), codes.from_date <= on),
            or_(codes.to_date.is_(None), codes.to_date > on),
        )
        async with engine.connect() as connection:
            return int((await connection.execute(statement)).scalar_one())

    try:
        figures = {on: await count(date.fromisoformat(on)) for on in (
            "1999-03-31", "1999-04-01", "2006-03-31", "2010-03-31", "2018-10-01", "2024-01-01",
        )}  # fmt: skip
        async with engine.connect() as connection:
            recorded = (
                await connection.execute(select(func.count()).select_from(local_government_code_changes))
            ).scalar()
    finally:
        await engine.dispose()
    # Published counts: 3,232 (1999-03-31), 1,821 (2006-03-31), 1,727 (2010-03-31), 1,718 since.
    assert figures == {
        "1999-03-31": 3232,
        "1999-04-01": 3229,  # 篠山市: four towns merged that day
        "2006-03-31": 1821,
        "2010-03-31": 1727,
        "2018-10-01": 1718,
        "2024-01-01": 1718,
    }
    assert recorded == 719

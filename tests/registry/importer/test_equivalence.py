"""An imported resident reads exactly like one registered through the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from services.registry.importer.command import import_file
from services.registry.settings import RegistrySettings
from tests.registry.conftest import ALL_READ, CHIYODA, Headers, Register

BASE = "/registry/v1/residents"
LINES = ["千代田１－１", "ハイツ　２０１"]
IMPORTED = "12345678903"
DIFFERENT = {"resident_code", "individual_number", "household", "known_at", "index"}


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in DIFFERENT}


async def test_imported_and_registered_residents_look_alike(
    registry: httpx.AsyncClient, headers: Headers, register: Register, registry_db: str, tmp_path: Path
) -> None:
    registered = await register(
        individual_number="123456789018",
        address={"local_government_code": CHIYODA, "address_lines": LINES},
    )
    source = tmp_path / "residents.jsonl"
    record = {
        "resident_code": IMPORTED, "family_name": "山田", "given_name": "太郎", "family_name_kana": "ヤマダ",
        "given_name_kana": "タロウ", "date_of_birth": "1990-04-01", "sex": "male",
        "individual_number": "000000000019", "local_government_code": CHIYODA, "address_lines": LINES,
        "address_since_date": "1990-04-01",
    }  # fmt: skip
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    summary = await import_file(
        source, settings=RegistrySettings(database_url=registry_db), workers=1, show_progress=False
    )
    assert summary.imported == 1
    read = headers(*ALL_READ)
    for params in ({}, {"as_of": "2000-01-01"}):
        registered_body, imported_body = [
            (await registry.get(f"{BASE}/{code}", headers=read, params=params)).json()
            for code in (registered, IMPORTED)
        ]
        assert _comparable(imported_body) == _comparable(registered_body)
    for code, number in ((registered, "123456789018"), (IMPORTED, "000000000019")):
        by_number = await registry.post(
            f"{BASE}/by-individual-number", json={"individual_number": number}, headers=read
        )
        assert by_number.json()["resident_code"] == code
    four_items = {
        "name": "山田　太郎", "name_kana": "やまだ たろう", "date_of_birth": "1990-04-01",
        "sex": "male", "local_government_code": CHIYODA, "address_line": "千代田1-1ハイツ201",
    }  # fmt: skip
    candidates = (await registry.post(f"{BASE}/matches", json=four_items, headers=read)).json()["candidates"]
    found = {c["resident"]["resident_code"]: (c["score"], sorted(c["matched_items"])) for c in candidates}
    assert set(found) == {registered, IMPORTED}
    assert found[IMPORTED] == found[registered]
    verified = await registry.post(
        f"{BASE}/verifications",
        json={"items": [{"resident_code": registered}, {"resident_code": IMPORTED}]},
        headers=read,
    )
    results = verified.json()["results"]
    assert [_comparable(r) for r in results[1:]] == [_comparable(r) for r in results[:1]]
    disclosure = headers("registry:disclosure")
    logged = [
        (await registry.get(f"{BASE}/{code}/access-records", headers=disclosure)).json()["items"]
        for code in (registered, IMPORTED)
    ]
    assert [entry["operation"] for entry in logged[1]] == [entry["operation"] for entry in logged[0]]
    feed = headers("registry:feed", *ALL_READ)
    events = (await registry.get("/registry/v1/events", headers=feed)).json()["items"]
    by_resident = {event["resident_code"]: event for event in events}
    imported_event, registered_event = by_resident[IMPORTED], by_resident[registered]
    assert [event["sequence"] for event in events] == sorted(event["sequence"] for event in events)
    assert _comparable(imported_event["resident"]) == _comparable(registered_event["resident"])
    assert imported_event["type"] == registered_event["type"]
    assert imported_event["to_local_government_code"] == CHIYODA
    assert imported_event["effective_date"] == "1990-04-01"
    history = (await registry.get(f"{BASE}/{IMPORTED}/events", headers=feed)).json()["items"]
    assert [event["sequence"] for event in history] == [imported_event["sequence"]]

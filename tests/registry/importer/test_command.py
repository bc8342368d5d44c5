"""The import command against the test database: COPY on PostgreSQL, inserts on SQLite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import create_async_engine

from services.registry.generator.generate import write
from services.registry.importer import loader
from services.registry.importer.command import import_file
from services.registry.settings import RegistrySettings
from tests.registry.conftest import ALL_READ, Headers


def jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8"
    )
    return path


async def test_generated_residents_import_and_are_readable(
    registry: httpx.AsyncClient, headers: Headers, registry_db: str, tmp_path: Path
) -> None:
    source = tmp_path / "residents.jsonl"
    assert write(300, 5, source) == 300
    summary = await import_file(
        source,
        settings=RegistrySettings(database_url=registry_db),
        batch_size=100,
        workers=1,
        show_progress=False,
    )
    assert (summary.imported, summary.rejected_lines) == (300, 0)
    assert summary.report.read_text() == ""
    record = json.loads(source.read_text().splitlines()[0])
    body = (
        await registry.get(f"/registry/v1/residents/{record['resident_code']}", headers=headers(*ALL_READ))
    ).json()
    assert body["family_name"] == record["family_name"]
    assert body["individual_number"] == record["individual_number"]
    assert body["residence_history"][-1]["local_government_code"] == record["local_government_code"]
    again = await import_file(
        source,
        settings=RegistrySettings(database_url=registry_db),
        batch_size=100,
        workers=1,
        show_progress=False,
    )
    # Run again: every resident is recognised by its code and left as it is.
    assert (again.imported, again.skipped, again.rejected_lines) == (0, 300, 0)


async def test_a_bad_line_holds_back_only_itself(
    registry: httpx.AsyncClient, headers: Headers, registry_db: str, tmp_path: Path
) -> None:
    source = tmp_path / "residents.jsonl"
    write(6, 9, source)
    records = [json.loads(text) for text in source.read_text().splitlines()]
    records[4]["date_of_birth"] = "1990-02-30"
    records[5]["resident_code"] = records[0]["resident_code"]
    jsonl(source, records)
    report = tmp_path / "errors.jsonl"
    summary = await import_file(
        source,
        settings=RegistrySettings(database_url=registry_db),
        batch_size=3,
        report=report,
        workers=1,
        show_progress=False,
    )
    assert (summary.imported, summary.rejected_lines) == (4, 2)
    lines = [json.loads(text) for text in report.read_text().splitlines()]
    assert lines == [
        {"line": 5, "field": "date_of_birth", "error": "must be a date YYYY-MM-DD"},
        {"line": 6, "field": "resident_code", "error": "repeats line 1"},
    ]
    for index, status in ((0, 200), (3, 200), (4, 404)):
        found = await registry.get(
            f"/registry/v1/residents/{records[index]['resident_code']}", headers=headers("registry:read")
        )
        assert found.status_code == status, index


async def test_csv_import(
    registry: httpx.AsyncClient, headers: Headers, registry_db: str, tmp_path: Path
) -> None:
    source = tmp_path / "residents.csv"
    assert write(20, 3, source) == 20
    summary = await import_file(
        source, settings=RegistrySettings(database_url=registry_db), workers=1, show_progress=False
    )
    assert (summary.imported, summary.rejected_lines) == (20, 0)
    code = source.read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    assert (
        await registry.get(f"/registry/v1/residents/{code}", headers=headers("registry:read"))
    ).status_code == 200


async def test_blank_lines_keep_line_numbers_and_a_bulk_load_restores_the_schema(
    registry: httpx.AsyncClient, registry_db: str, tmp_path: Path
) -> None:
    source = tmp_path / "residents.jsonl"
    write(4, 11, source)
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace('"sex":"', '"sex":"x')
    source.write_text("\n".join([lines[0], "", *lines[1:]]) + "\n", encoding="utf-8")
    engine = create_async_engine(registry_db)
    async with engine.connect() as connection:
        indexes_before, _ = await connection.run_sync(_schema)
    summary = await import_file(
        source,
        settings=RegistrySettings(database_url=registry_db),
        batch_size=2,
        workers=1,
        show_progress=False,
    )
    assert (summary.lines, summary.imported, summary.rejected_lines) == (4, 3, 1)
    report = [json.loads(text) for text in summary.report.read_text().splitlines()]
    assert report == [
        {"line": 4, "field": "sex", "error": "must be one of male, female, not_known, not_applicable"}
    ]
    async with engine.connect() as connection:
        indexes, foreign_keys = await connection.run_sync(_schema)
    await engine.dispose()
    # As the migrations made them for this database (one index is PostgreSQL's only).
    assert indexes == indexes_before
    assert len({index.name for index in loader.SECONDARY_INDEXES} & indexes) >= 5
    assert loader.VERSION_TO_RESIDENT.name in foreign_keys


def _schema(connection: Connection) -> tuple[set[str], set[str]]:
    inspector = inspect(connection)
    tables = ("residents", "resident_versions")
    indexes = {index["name"] for table in tables for index in inspector.get_indexes(table) if index["name"]}
    foreign_keys = {key["name"] for key in inspector.get_foreign_keys("resident_versions") if key["name"]}
    return indexes, foreign_keys

"""What a clerk relies on (issue 19): a bad line holds back only itself, a corrected file can be
run again, already registered residents are recognised (skipped, or updated on request), usage
errors get one message and their own exit status, and the planner's statistics are refreshed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.registry.__main__ import main
from services.registry.generator.generate import write
from services.registry.importer import loader
from services.registry.importer.command import CannotRunError, UsageError, import_file
from services.registry.settings import RegistrySettings
from tests.registry.conftest import Headers
from tests.registry.importer.test_command import jsonl


def records_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


async def run(path: Path, url: str, *, batch_size: int = 3, update: bool = False) -> Any:
    return await import_file(
        path,
        settings=RegistrySettings(database_url=url),
        batch_size=batch_size,
        workers=1,
        show_progress=False,
        update=update,
    )


async def test_a_corrected_file_run_again_imports_only_what_was_missing(
    registry: httpx.AsyncClient, headers: Headers, registry_db: str, tmp_path: Path
) -> None:
    source = tmp_path / "residents.jsonl"
    write(7, 21, source)
    records = records_of(source)
    good = records[4]["date_of_birth"]
    records[4]["date_of_birth"] = "1990-13-01"
    jsonl(source, records)
    first = await run(source, registry_db)
    assert (first.imported, first.skipped, first.rejected_lines) == (6, 0, 1)
    records[4]["date_of_birth"] = good
    jsonl(source, records)
    second = await run(source, registry_db)
    assert (second.imported, second.skipped, second.rejected_lines) == (1, 6, 0)
    assert second.report.read_text() == ""
    third = await run(source, registry_db)
    assert (third.imported, third.skipped, third.updated) == (0, 7, 0)
    feed = (await registry.get("/registry/v1/events?limit=100", headers=headers("registry:feed"))).json()
    assert len(feed["items"]) == 7  # one event per resident, none for the skipped lines


async def test_update_mode_restates_changed_residents_and_keeps_what_was_believed(
    registry: httpx.AsyncClient, headers: Headers, registry_db: str, tmp_path: Path
) -> None:
    source = tmp_path / "residents.jsonl"
    write(4, 22, source)
    assert (await run(source, registry_db)).imported == 4
    records = records_of(source)
    code = records[1]["resident_code"]
    old_name = records[1]["family_name"]
    records[1]["family_name"] = "訂正後"
    jsonl(source, records)
    skipped = await run(source, registry_db)
    assert (skipped.imported, skipped.updated, skipped.skipped) == (0, 0, 4)
    updated = await run(source, registry_db, update=True)
    assert (updated.imported, updated.updated, updated.skipped, updated.rejected_lines) == (0, 1, 3, 0)
    read = headers("registry:read", "registry:history")
    now = await registry.get(f"/registry/v1/residents/{code}", headers=read)
    assert now.json()["family_name"] == "訂正後"
    assert now.headers["etag"] == '"2"' or now.headers["etag"].endswith('2"')
    feed = (await registry.get("/registry/v1/events?limit=100", headers=headers("registry:feed"))).json()
    assert [item["type"] for item in feed["items"]][-1] == "correction"
    assert feed["items"][-1]["resident_code"] == code
    # The earlier belief is kept: as known before the update, the name was the old one.
    engine = create_async_engine(registry_db)
    async with engine.connect() as connection:
        kept = (
            (
                await connection.execute(
                    text(
                        "SELECT family_name FROM resident_versions "
                        "WHERE resident_code = :code AND superseded_at IS NOT NULL"
                    ),
                    {"code": code},
                )
            )
            .scalars()
            .all()
        )
    await engine.dispose()
    assert old_name in kept
    again = await run(source, registry_db, update=True)
    assert (again.updated, again.skipped) == (0, 4)


async def test_lines_without_a_code_are_recognised_by_number_or_four_items(
    registry: httpx.AsyncClient, registry_db: str, tmp_path: Path
) -> None:
    source = tmp_path / "residents.jsonl"
    write(6, 23, source)
    records = records_of(source)
    for record in records:
        del record["resident_code"]
        record["household_id"] = record.get("household_id") or None
    for record in records[3:]:
        record.pop("individual_number", None)
    for record in records:
        record.pop("household_head_code", None)
        record.pop("household_id", None)
        record.pop("relationship", None)
    jsonl(source, records)
    first = await run(source, registry_db)
    assert (first.imported, first.rejected_lines) == (6, 0)
    again = await run(source, registry_db)
    assert (again.imported, again.skipped, again.rejected_lines) == (0, 6, 0)
    refused = await run(source, registry_db, update=True)
    assert refused.rejected_lines == 6
    report = [json.loads(line) for line in refused.report.read_text().splitlines()]
    assert all("give its resident_code" in entry["error"] for entry in report)


async def test_an_individual_number_held_by_another_resident_is_rejected(
    registry: httpx.AsyncClient, registry_db: str, tmp_path: Path
) -> None:
    source = tmp_path / "residents.jsonl"
    write(3, 24, source)
    assert (await run(source, registry_db)).imported == 3
    records = records_of(source)
    other = tmp_path / "other.jsonl"
    write(2, 25, other)
    newcomers = records_of(other)
    newcomers[0]["individual_number"] = records[0]["individual_number"]
    jsonl(other, newcomers)
    summary = await run(other, registry_db)
    assert (summary.imported, summary.rejected_lines) == (1, 1)
    report = [json.loads(line) for line in summary.report.read_text().splitlines()]
    assert report == [
        {
            "line": 1,
            "field": "individual_number",
            "error": f"is registered to another resident ({records[0]['resident_code']})",
        }
    ]


async def test_a_line_the_database_refuses_holds_back_only_itself(
    registry: httpx.AsyncClient, registry_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resident written by someone else between the check and the write (simulated by a check
    that sees nothing): the batch is retried line by line."""
    source = tmp_path / "residents.jsonl"
    write(2, 26, source)
    assert (await run(source, registry_db)).imported == 2
    other = tmp_path / "other.jsonl"
    write(3, 27, other)
    newcomers = records_of(other)
    newcomers[1]["resident_code"] = records_of(source)[0]["resident_code"]
    jsonl(other, newcomers)

    async def sees_nothing(connection: Any, codes: Any) -> set[str]:
        return set()

    monkeypatch.setattr(loader, "taken_codes", sees_nothing)
    summary = await run(other, registry_db)
    assert (summary.imported, summary.rejected_lines) == (2, 1)
    report = [json.loads(line) for line in summary.report.read_text().splitlines()]
    assert [(entry["line"], entry["field"]) for entry in report] == [(2, "line")]
    assert report[0]["error"].startswith("the database refused it")


async def test_an_import_refreshes_the_planner_statistics(
    registry: httpx.AsyncClient, registry_db: str, tmp_path: Path
) -> None:
    source = tmp_path / "residents.jsonl"
    write(5, 28, source)
    engine = create_async_engine(registry_db)
    postgresql = engine.dialect.name == "postgresql"
    if not postgresql:
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
            await connection.execute(text("DELETE FROM sqlite_stat1"))
    before = await _analysed(engine, postgresql=postgresql)
    assert (await run(source, registry_db)).imported == 5
    after = await _analysed(engine, postgresql=postgresql)
    await engine.dispose()
    assert after > before


async def _analysed(engine: Any, *, postgresql: bool) -> int:
    """How many times the filled tables were analysed (PostgreSQL), or whether SQLite holds
    statistics of the residents table."""
    async with engine.connect() as connection:
        if postgresql:
            statement = (
                "SELECT coalesce(sum(analyze_count), 0) FROM pg_stat_user_tables "
                "WHERE relname IN ('residents', 'resident_versions', 'resident_events')"
            )
            await connection.execute(text("SELECT pg_stat_clear_snapshot()"))
            return int((await connection.execute(text(statement))).scalar_one())
        tables = await connection.execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'"))
        if tables.first() is None:
            return 0
        rows = await connection.execute(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'residents'"))
        return int(rows.scalar_one())


async def test_usage_errors_are_refused_before_anything_is_read(tmp_path: Path, registry_db: str) -> None:
    settings = RegistrySettings(database_url=registry_db)
    source = tmp_path / "residents.jsonl"
    write(1, 29, source)
    with pytest.raises(UsageError, match="--batch-size must be at least 1"):
        await import_file(source, settings=settings, batch_size=0, show_progress=False)
    with pytest.raises(UsageError, match="--workers must be at least 1"):
        await import_file(source, settings=settings, workers=0, show_progress=False)
    with pytest.raises(UsageError, match="no such file"):
        await import_file(tmp_path / "missing.jsonl", settings=settings, show_progress=False)
    with pytest.raises(UsageError, match="not a file"):
        await import_file(tmp_path, settings=settings, show_progress=False)


async def test_an_unmigrated_database_cannot_run(tmp_path: Path) -> None:
    source = tmp_path / "residents.jsonl"
    write(1, 30, source)
    settings = RegistrySettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(CannotRunError, match=r"never migrated.*python -m services\.registry migrate"):
        await import_file(source, settings=settings, show_progress=False)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["import", "{file}", "--batch-size", "0"], "argument --batch-size: must be at least 1 (got 0)"),
        (["import", "{file}", "--batch-size", "ten"], "argument --batch-size: must be an integer"),
        (["import", "{file}", "--workers", "-2"], "argument --workers: must be at least 1 (got -2)"),
        (["generate", "--count", "-1", "--out", "{file}"], "argument --count: must be at least 0 (got -1)"),
    ],
)
def test_the_command_line_refuses_bad_arguments_with_status_2(
    arguments: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "residents.jsonl"
    file.write_text("")
    with pytest.raises(SystemExit) as exit_:
        main([argument.replace("{file}", str(file)) for argument in arguments])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_exit_statuses_of_the_import_command(
    tmp_path: Path, registry_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGISTRY_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'never-migrated.db'}")
    source = tmp_path / "residents.jsonl"
    write(2, 31, source)
    assert main(["import", str(tmp_path / "missing.jsonl"), "--quiet"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"registry import: error: {tmp_path / 'missing.jsonl'}: no such file"
    )
    assert main(["import", str(source), "--quiet", "--workers", "1"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("registry import: error: the registry database is never migrated")
    assert "Traceback" not in err
    monkeypatch.setenv("REGISTRY_DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:9/none")
    assert main(["import", str(source), "--quiet", "--workers", "1"]) == 3
    assert "cannot reach the registry database" in capsys.readouterr().err


async def test_exit_status_0_and_1_from_a_migrated_database(
    registry: httpx.AsyncClient,
    tmp_path: Path,
    registry_db: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio

    monkeypatch.setenv("REGISTRY_DATABASE_URL", registry_db)
    source = tmp_path / "residents.jsonl"
    write(3, 32, source)
    arguments = ["import", str(source), "--quiet", "--workers", "1"]
    assert await asyncio.to_thread(main, arguments) == 0
    assert "3 residents imported" in capsys.readouterr().out
    assert await asyncio.to_thread(main, arguments) == 0
    assert "3 already registered (skipped)" in capsys.readouterr().out
    records = records_of(source)
    records[0]["sex"] = "unknown"
    jsonl(source, records)
    assert await asyncio.to_thread(main, arguments) == 1

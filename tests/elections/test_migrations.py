"""Migration 0006: every result certified before it becomes its version 1; it downgrades cleanly;
the migrated schema is the one the tables describe."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from services.elections.tables import metadata
from shared.db.migrations import alembic_config

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "elections" / "migrations"


def test_certified_results_become_version_1(tmp_path: Path) -> None:
    database = tmp_path / "elections.db"
    config = alembic_config(MIGRATIONS, f"sqlite+aiosqlite:///{database}")
    command.upgrade(config, "0004")
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO elections "
            "(id, name, announcement_date, polling_day, reference_date, version, created_at) "
            "VALUES (1, 'e', '2026-06-28', '2026-07-05', '2026-06-27', 1, '2026-06-01 00:00:00')"
        )
        connection.execute(
            "INSERT INTO contests (id, election_id, name, kind, seats, created_at) "
            "VALUES (7, 1, 'c', 'mayor', 1, '2026-06-01 00:00:00')"
        )
        connection.execute(
            "INSERT INTO certifications (contest_id, certified_at, certified_by, result) "
            "VALUES (7, '2026-07-06 00:00:00', 'chief', ?)",
            (json.dumps({"contest_id": 7}),),
        )
    command.upgrade(config, "head")
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT contest_id, version, issued_by, reason, changes, result FROM result_versions"
        ).fetchall()
        hours = connection.execute("SELECT opens_at, closes_at FROM polling_stations").fetchall()
    assert [(c, v, by, reason, json.loads(ch), json.loads(r)) for c, v, by, reason, ch, r in rows] == [
        (7, 1, "chief", None, [], {"contest_id": 7})
    ]
    assert hours == []
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []
    command.downgrade(config, "0004")
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not tables & {"result_versions", "objections", "replacements"}

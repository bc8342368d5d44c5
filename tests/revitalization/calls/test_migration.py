"""Migration 0005 creates the tables of calls and their review, and its downgrade removes them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from shared.db.migrations import alembic_config

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "revitalization" / "migrations"
TABLES = {"calls", "call_applications", "call_reviewers", "review_assignments", "review_scores", "call_audit"}


def _tables(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


def test_calls_tables_come_and_go(tmp_path: Path) -> None:
    database = tmp_path / "revitalization.db"
    config = alembic_config(MIGRATIONS, f"sqlite+aiosqlite:///{database}")
    command.upgrade(config, "0005")
    assert _tables(database) >= TABLES
    command.downgrade(config, "0004")
    assert not TABLES & _tables(database)
    assert "applications" in _tables(database)
    command.upgrade(config, "head")
    assert _tables(database) >= TABLES

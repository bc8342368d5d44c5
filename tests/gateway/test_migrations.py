"""Migration 0002 gives clients rotated or disabled before it the revocation they would get after it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from shared.db.migrations import alembic_config

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "gateway" / "migrations"
INSERT = (
    "INSERT INTO clients (client_id, name, secret_hash, scopes, created_at, secret_rotated_at, disabled_at) "
    "VALUES (?, ?, 'hash', 'registry:read', '2026-11-01 00:00:00.000000', ?, ?)"
)


def test_earlier_rotations_and_disablings_revoke_tokens(tmp_path: Path) -> None:
    database = tmp_path / "gateway.db"
    config = alembic_config(MIGRATIONS, f"sqlite+aiosqlite:///{database}")
    command.upgrade(config, "0001")
    earlier, later = "2026-11-10 09:00:00.000000", "2026-11-20 09:00:00.000000"
    with sqlite3.connect(database) as connection:
        connection.execute(INSERT, ("untouched", "untouched", None, None))
        connection.execute(INSERT, ("rotated", "rotated", earlier, None))
        connection.execute(INSERT, ("disabled", "disabled", None, earlier))
        connection.execute(INSERT, ("rotated-then-disabled", "rotated-then-disabled", earlier, later))
        connection.execute(INSERT, ("disabled-then-rotated", "disabled-then-rotated", later, earlier))
    command.upgrade(config, "head")
    with sqlite3.connect(database) as connection:
        valid_after = dict(connection.execute("SELECT client_id, tokens_valid_after FROM clients").fetchall())
    assert valid_after == {
        "untouched": None,
        "rotated": earlier,
        "disabled": earlier,
        "rotated-then-disabled": later,
        "disabled-then-rotated": later,
    }
    command.downgrade(config, "0001")
    command.upgrade(config, "head")

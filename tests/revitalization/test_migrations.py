"""Migration 0003 moves municipality categories written inside programme rules into the register."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from alembic import command

from shared.db.migrations import alembic_config

LOCAL10000_2024 = "programme_code = 'local10000' AND fiscal_year = 2024"
MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "revitalization" / "migrations"


def test_categories_in_rules_move_to_the_register(tmp_path: Path) -> None:
    database = tmp_path / "revitalization.db"
    config = alembic_config(MIGRATIONS, f"sqlite+aiosqlite:///{database}")
    command.upgrade(config, "0002")
    with sqlite3.connect(database) as connection:
        (document,) = connection.execute(
            f"SELECT rules FROM programme_years WHERE {LOCAL10000_2024}"
        ).fetchone()
        rules = json.loads(document)
        rules["national_share"]["municipality_categories"] = {"032018": "fiscally_weak"}
        connection.execute(
            f"UPDATE programme_years SET rules = ? WHERE {LOCAL10000_2024}",
            (json.dumps(rules),),
        )
    command.upgrade(config, "head")
    with sqlite3.connect(database) as connection:
        register = connection.execute(
            "SELECT fiscal_year, municipality_code, category, version FROM municipality_categories"
        ).fetchall()
        (document, version) = connection.execute(
            f"SELECT rules, version FROM programme_years WHERE {LOCAL10000_2024}"
        ).fetchone()
        changes = connection.execute(
            "SELECT fiscal_year, municipality_code, old_category, new_category "
            "FROM municipality_category_changes"
        ).fetchall()
    assert register == [(2024, "032018", "fiscally_weak", 1)]
    assert changes == [(2024, "032018", None, "fiscally_weak")]
    assert "municipality_categories" not in json.loads(document)["national_share"]
    assert version == 2
    command.downgrade(config, "0002")
    command.upgrade(config, "head")

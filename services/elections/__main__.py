"""`python -m services.elections migrate`."""

from __future__ import annotations

from pathlib import Path

from services.elections.settings import ElectionsSettings
from shared.cli import run_service_cli

MIGRATIONS = Path(__file__).parent / "migrations"

if __name__ == "__main__":
    raise SystemExit(run_service_cli("elections", MIGRATIONS, ElectionsSettings))

"""`python -m services.funds migrate`."""

from __future__ import annotations

from pathlib import Path

from services.funds.settings import FundsSettings
from shared.cli import run_service_cli

MIGRATIONS = Path(__file__).parent / "migrations"

if __name__ == "__main__":
    raise SystemExit(run_service_cli("funds", MIGRATIONS, FundsSettings))

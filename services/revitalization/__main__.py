"""`python -m services.revitalization migrate`."""

from __future__ import annotations

from pathlib import Path

from services.revitalization.settings import RevitalizationSettings
from shared.cli import run_service_cli

MIGRATIONS = Path(__file__).parent / "migrations"

if __name__ == "__main__":
    raise SystemExit(run_service_cli("revitalization", MIGRATIONS, RevitalizationSettings))

"""`python -m services.registry migrate`."""

from __future__ import annotations

from pathlib import Path

from services.registry.settings import RegistrySettings
from shared.cli import run_service_cli

MIGRATIONS = Path(__file__).parent / "migrations"

if __name__ == "__main__":
    raise SystemExit(run_service_cli("registry", MIGRATIONS, RegistrySettings))

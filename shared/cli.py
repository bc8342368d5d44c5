"""Command line shared by every service: `python -m services.<name> migrate`."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.engine import make_url

from shared.db.engine import resolve_database_url
from shared.db.migrations import upgrade_to_head
from shared.settings import ServiceSettings


def migrate(service: str, migrations_dir: Path, settings: ServiceSettings) -> str:
    url = resolve_database_url(service, settings.database_url)
    upgrade_to_head(migrations_dir, url)
    return url


def run_service_cli(
    service: str,
    migrations_dir: Path,
    settings_factory: Callable[[], ServiceSettings],
    argv: Sequence[str] | None = None,
    extra: Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None] | None = None,
) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m services.{service}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the service's database to the newest revision")
    if extra is not None:
        extra(commands)
    args = parser.parse_args(argv)
    if args.command == "migrate":
        url = migrate(service, migrations_dir, settings_factory())
        print(f"{service}: migrated {_redact(url)}")  # noqa: T201 - command output
        return 0
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


def _redact(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)

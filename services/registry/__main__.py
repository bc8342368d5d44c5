"""`python -m services.registry migrate | import FILE | generate --count N --seed S --out FILE |
verify-log --url URL --token TOKEN [--state FILE] [--full] [--resident CODE --purpose TEXT] | deliver`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from services.registry.settings import RegistrySettings
from shared.cli import run_service_cli

MIGRATIONS = Path(__file__).parent / "migrations"


EXIT_REJECTED, EXIT_USAGE, EXIT_CANNOT_RUN = 1, 2, 3
"""Exit statuses of `import` and `generate`: 0 all done, 1 some lines rejected (see the report),
2 the command was called wrongly, 3 it cannot run (database unreachable or not migrated)."""


def _fail(command: str, message: str, status: int) -> int:
    print(f"registry {command}: error: {message}", file=sys.stderr)  # noqa: T201 - command output
    return status


def _import(args: argparse.Namespace) -> int:
    from services.registry.importer.command import CannotRunError, UsageError, run_import

    try:
        summary = run_import(
            Path(args.file),
            settings=RegistrySettings(),
            batch_size=args.batch_size,
            report=Path(args.report) if args.report else None,
            workers=args.workers,
            show_progress=not args.quiet,
            update=args.update,
        )
    except UsageError as error:
        return _fail("import", str(error), EXIT_USAGE)
    except CannotRunError as error:
        return _fail("import", str(error), EXIT_CANNOT_RUN)
    except (OSError, DBAPIError) as error:
        return _fail("import", f"stopped: {type(error).__name__}: {_first_line(error)}", EXIT_CANNOT_RUN)
    rate = summary.imported / summary.seconds if summary.seconds else 0.0
    print(  # noqa: T201 - command output
        f"registry import: {summary.lines} lines, {summary.imported} residents imported, "
        f"{summary.updated} updated, {summary.skipped} already registered (skipped), "
        f"{summary.rejected_lines} lines rejected, "
        f"{summary.seconds:.1f} s ({rate:,.0f} residents/s); report: {summary.report}"
    )
    return 0 if summary.rejected_lines == 0 else EXIT_REJECTED


def _first_line(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else ""


def _generate(args: argparse.Namespace) -> int:
    from services.registry.generator.generate import write

    try:
        written = write(args.count, args.seed, Path(args.out))
    except OSError as error:
        return _fail("generate", f"{args.out}: {error.strerror or error}", EXIT_USAGE)
    print(f"registry generate: {written} residents written to {args.out}")  # noqa: T201 - command output
    return 0


def _at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer not below `minimum` (argparse exits 2 with the message)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer (got {text!r})") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum} (got {value})")
        return value

    return parse


def _verify_log(args: argparse.Namespace) -> int:
    import asyncio

    from services.registry.accesslog.verifier import run_command

    return asyncio.run(run_command(args))


def _deliver(_args: argparse.Namespace) -> int:
    import asyncio

    from services.registry.deliveries.worker import run_deliverer
    from shared.web.observability import configure_logging

    configure_logging()
    asyncio.run(run_deliverer(RegistrySettings()))
    return 0


def _commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importer = commands.add_parser("import", help="import residents from CSV or JSON Lines")
    importer.add_argument("file", help="a .csv file (with header) or JSON Lines (.jsonl)")
    importer.add_argument(
        "--batch-size", type=_at_least(1), default=10_000, help="lines per transaction (default 10000)"
    )
    importer.add_argument("--report", default=None, help="error report path (default FILE.errors.jsonl)")
    importer.add_argument(
        "--workers", type=_at_least(1), default=None, help="preparing processes (default: CPUs)"
    )
    importer.add_argument("--quiet", action="store_true", help="no progress bar")
    importer.add_argument(
        "--update",
        action="store_true",
        help="residents already registered (same resident code) take the file's record where it differs "
        "(default: they are skipped)",
    )
    importer.set_defaults(handler=_import)
    generator = commands.add_parser("generate", help="write synthetic residents in the import format")
    generator.add_argument("--count", type=_at_least(0), required=True)
    generator.add_argument("--seed", type=int, default=1)
    generator.add_argument("--out", required=True, help="FILE.jsonl (with histories) or FILE.csv")
    generator.set_defaults(handler=_generate)
    verifier = commands.add_parser(
        "verify-log", help="check the access log's checkpoints and proofs over the API (for third parties)"
    )
    verifier.add_argument("--url", required=True, help="the gateway's or the registry's base URL")
    verifier.add_argument("--token", required=True, help="a bearer token with registry:audit")
    verifier.add_argument(
        "--state", default=None, help="JSON file of the pinned keys and the last accepted checkpoint"
    )
    verifier.add_argument("--full", action="store_true", help="recompute the root from every leaf hash")
    verifier.add_argument(
        "--resident", default=None, help="check this resident's disclosure (registry:disclosure)"
    )
    verifier.add_argument("--purpose", default=None, help="the purpose sent with the disclosure request")
    verifier.set_defaults(handler=_verify_log)
    deliverer = commands.add_parser(
        "deliver", help="push subscriptions' events to their webhooks (a process of its own), until stopped"
    )
    deliverer.set_defaults(handler=_deliver)


def main(argv: Sequence[str] | None = None) -> int:
    return run_service_cli("registry", MIGRATIONS, RegistrySettings, argv, extra=_commands)


if __name__ == "__main__":
    raise SystemExit(main())

"""`python -m services.gateway migrate | serve | clients ... | keys rotate`."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.gateway import clients, keys, server
from services.gateway.settings import GatewaySettings
from shared.cli import run_service_cli
from shared.db.engine import Database, create_engine, resolve_database_url

MIGRATIONS = Path(__file__).parent / "migrations"


def _in_session(work: Callable[[AsyncSession, GatewaySettings], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        settings = GatewaySettings()
        database = Database(create_engine(resolve_database_url("gateway", settings.database_url)))
        try:
            async with database.sessionmaker() as session:
                result = await work(session, settings)
                await session.commit()
                return result
        finally:
            await database.dispose()

    return asyncio.run(run())


def _print(document: Any) -> int:
    print(json.dumps(document, indent=2, ensure_ascii=False))  # noqa: T201 - command output
    return 0


def _create(args: argparse.Namespace) -> int:
    async def work(session: AsyncSession, _settings: GatewaySettings) -> clients.IssuedCredentials:
        return await clients.create_client(
            session,
            name=args.name,
            scopes=clients.parse_scopes(args.scopes),
            rate_limit_per_second=args.rate_limit,
            pseudonym_domain=args.pseudonym_domain,
        )

    issued = _in_session(work)
    return _print({"client_id": issued.client_id, "client_secret": issued.client_secret})


def _list(_args: argparse.Namespace) -> int:
    async def work(session: AsyncSession, _settings: GatewaySettings) -> list[dict[str, Any]]:
        return await clients.list_clients(session)

    return _print(_in_session(work))


def _rotate(args: argparse.Namespace) -> int:
    async def work(session: AsyncSession, _settings: GatewaySettings) -> clients.IssuedCredentials:
        return await clients.rotate_secret(session, args.client_id)

    issued = _in_session(work)
    return _print({"client_id": issued.client_id, "client_secret": issued.client_secret})


def _disable(args: argparse.Namespace) -> int:
    async def work(session: AsyncSession, _settings: GatewaySettings) -> None:
        await clients.disable(session, args.client_id)

    _in_session(work)
    return _print({"client_id": args.client_id, "disabled": True})


def _rotate_key(_args: argparse.Namespace) -> int:
    async def work(session: AsyncSession, settings: GatewaySettings) -> str:
        return await keys.rotate(
            session,
            secret=settings.key_encryption_secret.get_secret_value(),
            token_ttl=settings.token_ttl_seconds,
        )

    return _print({"active_kid": _in_session(work)})


def _serve(args: argparse.Namespace) -> int:
    return server.serve(host=args.host, port=args.port)


def _commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser("serve", help="serve HTTP with the bounds the GATEWAY_* settings give")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=_serve)
    client_parser = commands.add_parser("clients", help="manage API clients")
    client_commands = client_parser.add_subparsers(dest="action", required=True)
    create = client_commands.add_parser("create", help="create a client; prints its id and secret once")
    create.add_argument("--name", required=True)
    create.add_argument("--scopes", required=True, help='space-separated, e.g. "registry:read"')
    create.add_argument("--rate-limit", type=float, default=None, help="requests per second")
    create.add_argument(
        "--pseudonym-domain",
        default=None,
        help="the registry shows this client its own pseudonyms (機関別符号) instead of resident codes; "
        "clients of one agency share a domain",
    )
    create.set_defaults(handler=_create)
    client_commands.add_parser("list", help="list clients").set_defaults(handler=_list)
    rotate = client_commands.add_parser(
        "rotate", help="issue a new secret; the old one and its tokens stop working"
    )
    rotate.add_argument("client_id")
    rotate.set_defaults(handler=_rotate)
    disable = client_commands.add_parser(
        "disable", help="refuse the client's token requests and the tokens it holds"
    )
    disable.add_argument("client_id")
    disable.set_defaults(handler=_disable)
    key_parser = commands.add_parser("keys", help="manage signing keys")
    key_commands = key_parser.add_subparsers(dest="action", required=True)
    key_commands.add_parser("rotate", help="sign with a new key").set_defaults(handler=_rotate_key)


def main() -> int:
    try:
        return run_service_cli("gateway", MIGRATIONS, GatewaySettings, extra=_commands)
    except clients.ClientError as error:
        print(f"error: {error}")  # noqa: T201 - command output
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

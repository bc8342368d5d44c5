"""Alembic, driven from code: each service keeps its revisions in `services/<name>/migrations/`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config

from shared.db.engine import is_sqlite


def alembic_config(migrations_dir: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d-%%(rev)s_%%(slug)s")
    return config


def upgrade_to_head(migrations_dir: Path, url: str) -> None:
    """Bring the database at `url` to the newest revision (safe to run again)."""
    command.upgrade(alembic_config(migrations_dir, url), "head")


async def upgrade_to_head_async(migrations_dir: Path, url: str) -> None:
    await asyncio.to_thread(upgrade_to_head, migrations_dir, url)


def run_alembic_env(target_metadata: MetaData) -> None:
    """Body of every service's `env.py`: online migrations over the async engine."""
    config = context.config

    def do_run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=is_sqlite(str(connection.engine.url)),
            compare_type=True,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Replicas' migration jobs may start together (also behind a transaction-mode
                # pooler): the first takes the lock for its transaction, the others wait, then
                # find nothing left to do.
                connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('jichi-migrations'))"))
            context.run_migrations()

    async def run_async() -> None:
        engine = async_engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
            hide_parameters=True,
        )
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()

    asyncio.run(run_async())

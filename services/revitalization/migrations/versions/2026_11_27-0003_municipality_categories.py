"""municipality categories

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 08:20:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIGRATED_BY = "migration 0003"

years = sa.table(
    "programme_years",
    sa.column("programme_code", sa.String),
    sa.column("fiscal_year", sa.Integer),
    sa.column("rules", sa.JSON),
    sa.column("version", sa.Integer),
)


def upgrade() -> None:
    op.create_table(
        "municipality_categories",
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("category", sa.String(length=63), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("fiscal_year", "municipality_code", name=op.f("pk_municipality_categories")),
    )
    op.create_table(
        "municipality_category_changes",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("old_category", sa.String(length=63), nullable=True),
        sa.Column("new_category", sa.String(length=63), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipality_category_changes")),
    )
    with op.batch_alter_table("municipality_category_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_municipality_category_changes_entry", ["fiscal_year", "municipality_code", "id"], unique=False
        )
    move_rule_categories_to_register()


def move_rule_categories_to_register() -> None:
    """Categories once listed inside a programme's rules become register entries of that fiscal year
    (the first programme listing a municipality wins), and the rules lose the list."""
    connection = op.get_bind()
    register = sa.table(
        "municipality_categories",
        sa.column("fiscal_year", sa.Integer),
        sa.column("municipality_code", sa.String),
        sa.column("category", sa.String),
        sa.column("version", sa.Integer),
        sa.column("updated_by", sa.String),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    changes = sa.table(
        "municipality_category_changes",
        sa.column("fiscal_year", sa.Integer),
        sa.column("municipality_code", sa.String),
        sa.column("old_category", sa.String),
        sa.column("new_category", sa.String),
        sa.column("actor", sa.String),
        sa.column("at", sa.DateTime(timezone=True)),
    )
    entries: dict[tuple[int, str], str] = {}
    rows = connection.execute(
        sa.select(years.c.programme_code, years.c.fiscal_year, years.c.rules, years.c.version).order_by(
            years.c.programme_code, years.c.fiscal_year
        )
    ).all()
    for code, fiscal_year, rules, version in rows:
        shares: dict[str, Any] | None = (rules or {}).get("national_share")
        if not shares or "municipality_categories" not in shares:
            continue
        for municipality, category in shares.pop("municipality_categories").items():
            entries.setdefault((fiscal_year, municipality), category)
        connection.execute(
            sa.update(years)
            .where(years.c.programme_code == code, years.c.fiscal_year == fiscal_year)
            .values(rules=rules, version=version + 1)
        )
    if entries:
        now = datetime.now(UTC)
        op.bulk_insert(
            register,
            [
                {
                    "fiscal_year": fiscal_year,
                    "municipality_code": municipality,
                    "category": category,
                    "version": 1,
                    "updated_by": MIGRATED_BY,
                    "updated_at": now,
                }
                for (fiscal_year, municipality), category in sorted(entries.items())
            ],
        )
        op.bulk_insert(
            changes,
            [
                {
                    "fiscal_year": fiscal_year,
                    "municipality_code": municipality,
                    "old_category": None,
                    "new_category": category,
                    "actor": MIGRATED_BY,
                    "at": now,
                }
                for (fiscal_year, municipality), category in sorted(entries.items())
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("municipality_category_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_municipality_category_changes_entry")
    op.drop_table("municipality_category_changes")
    op.drop_table("municipality_categories")

"""households and resident-code changes: a household index, former resident codes

`ix_residents_household` lets a household be read without walking the register; the feed's
events name a `former_resident_code` for 住民票コードの変更, and `resident_code_changes` keeps
every code a resident had.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db.types import UtcDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_residents_household", "residents", ["household_id"])
    with op.batch_alter_table("resident_events") as batch:
        batch.add_column(sa.Column("former_resident_code", sa.String(11), nullable=True))
    op.create_table(
        "resident_code_changes",
        sa.Column("former_resident_code", sa.String(11), nullable=False),
        sa.Column("resident_code", sa.String(11), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("former_resident_code", name=op.f("pk_resident_code_changes")),
    )
    op.create_index("ix_resident_code_changes_resident", "resident_code_changes", ["resident_code"])


def downgrade() -> None:
    op.drop_index("ix_resident_code_changes_resident", table_name="resident_code_changes")
    op.drop_table("resident_code_changes")
    with op.batch_alter_table("resident_events") as batch:
        batch.drop_column("former_resident_code")
    op.drop_index("ix_residents_household", table_name="residents")

"""an index of the feed's resident-code changes, for consumers that follow only them

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 19:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CODE_CHANGES = sa.text("type = 'resident_code_change'")


def upgrade() -> None:
    with op.batch_alter_table("resident_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_resident_events_code_changes",
            ["sequence"],
            unique=False,
            postgresql_where=CODE_CHANGES,
            sqlite_where=CODE_CHANGES,
        )


def downgrade() -> None:
    with op.batch_alter_table("resident_events", schema=None) as batch_op:
        batch_op.drop_index("ix_resident_events_code_changes")

"""client tokens_valid_after: tokens issued before a client was disabled or rotated are refused

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

clients = sa.table(
    "clients",
    sa.column("secret_rotated_at", sa.DateTime(timezone=True)),
    sa.column("disabled_at", sa.DateTime(timezone=True)),
    sa.column("tokens_valid_after", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    op.add_column("clients", sa.Column("tokens_valid_after", sa.DateTime(timezone=True), nullable=True))
    # Rotations and disablings made before this revision revoke what they would have revoked after it.
    op.execute(
        clients.update()
        .where(clients.c.secret_rotated_at.is_not(None))
        .values(tokens_valid_after=clients.c.secret_rotated_at)
    )
    op.execute(
        clients.update()
        .where(
            clients.c.disabled_at.is_not(None),
            sa.or_(
                clients.c.tokens_valid_after.is_(None),
                clients.c.disabled_at > clients.c.tokens_valid_after,
            ),
        )
        .values(tokens_valid_after=clients.c.disabled_at)
    )


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("tokens_valid_after")

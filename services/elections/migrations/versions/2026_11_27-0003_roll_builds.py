"""roll builds as asynchronous jobs; versions of contests, stations and candidates

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 08:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "roll_builds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("active_election_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("registration", sa.String(length=20), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("age_date", sa.Date(), nullable=False),
        sa.Column("residents_examined", sa.Integer(), nullable=False),
        sa.Column("voters", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.String(length=200), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("problem", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.id"], name=op.f("fk_roll_builds_election_id_elections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roll_builds")),
        sa.UniqueConstraint("active_election_id", name=op.f("uq_roll_builds_active_election_id")),
    )
    with op.batch_alter_table("roll_builds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roll_builds_election_id"), ["election_id"], unique=False)
    for table in ("contests", "polling_stations", "candidates"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    for table in ("contests", "polling_stations", "candidates"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
    with op.batch_alter_table("roll_builds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roll_builds_election_id"))
    op.drop_table("roll_builds")

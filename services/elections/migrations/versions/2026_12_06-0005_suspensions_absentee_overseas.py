"""suspended voting rights (art. 11, 252), absentee ballots (art. 49), the overseas roll (art. 30-2)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "suspensions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("resident_code", sa.String(length=11), nullable=False),
        sa.Column("basis", sa.String(length=60), nullable=False),
        sa.Column("suspends_voting", sa.Boolean(), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("until_date", sa.Date(), nullable=True),
        sa.Column("source_local_government_code", sa.String(length=6), nullable=False),
        sa.Column("document_reference", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_on", sa.Date(), nullable=True),
        sa.Column("lifted_by", sa.String(length=200), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
        sa.Column("lift_document_reference", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "until_date IS NULL OR until_date >= from_date", name=op.f("ck_suspensions_suspension_ordered")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suspensions")),
    )
    op.create_index("ix_suspensions_resident", "suspensions", ["resident_code", "from_date"], unique=False)
    op.create_table(
        "absentee_ballots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("resident_code", sa.String(length=11), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("voted_on", sa.Date(), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.Column("check_in_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_in_id"], ["check_ins.id"], name=op.f("fk_absentee_ballots_check_in_id_check_ins")
        ),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.id"], name=op.f("fk_absentee_ballots_election_id_elections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absentee_ballots")),
        sa.UniqueConstraint(
            "election_id", "resident_code", name=op.f("uq_absentee_ballots_election_id_resident_code")
        ),
    )

    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overseas_method", sa.String(length=20), nullable=True))
    op.create_table(
        "overseas_applications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("resident_code", sa.String(length=11), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("mission", sa.String(length=200), nullable=True),
        sa.Column("abroad_since", sa.Date(), nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("local_government_code", sa.String(length=6), nullable=True),
        sa.Column("registrable_on", sa.Date(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overseas_applications")),
    )
    op.create_index(
        op.f("ix_overseas_applications_resident_code"),
        "overseas_applications",
        ["resident_code"],
        unique=False,
    )
    op.create_table(
        "overseas_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("local_government_code", sa.String(length=6), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("resident_code", sa.String(length=11), nullable=False),
        sa.Column("active_resident_code", sa.String(length=11), nullable=True),
        sa.Column("sex", sa.String(length=20), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("removal_reason", sa.String(length=40), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["overseas_applications.id"],
            name=op.f("fk_overseas_entries_application_id_overseas_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overseas_entries")),
        sa.UniqueConstraint("active_resident_code", name=op.f("uq_overseas_entries_active_resident_code")),
        sa.UniqueConstraint(
            "local_government_code", "number", name=op.f("uq_overseas_entries_local_government_code_number")
        ),
    )


def downgrade() -> None:
    op.drop_table("overseas_entries")
    op.drop_index(op.f("ix_overseas_applications_resident_code"), table_name="overseas_applications")
    op.drop_table("overseas_applications")
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.drop_column("overseas_method")
    op.drop_table("absentee_ballots")
    op.drop_index("ix_suspensions_resident", table_name="suspensions")
    op.drop_table("suspensions")

"""carry-overs, results after award, cooperation frameworks

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 10:30:00.000000

Carry-overs (繰越): budgets count what came in from the previous year and went out to the next; an award
keeps how much was carried and paid from the next year; every payment names the budget year it came from.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db.types import UtcDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    _carry_overs()
    _results()
    _frameworks()


def downgrade() -> None:
    _drop_frameworks()
    _drop_results()
    _drop_carry_overs()


def _results() -> None:
    op.create_table(
        "award_milestones",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("application_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("planned_date", sa.Date(), nullable=False),
        sa.Column("achieved_date", sa.Date(), nullable=True),
        sa.Column("reported_by", sa.String(length=200), nullable=False),
        sa.Column("reported_at", UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_award_milestones_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_milestones")),
    )
    op.create_index("ix_award_milestones_application", "award_milestones", ["application_id", "id"])
    op.create_table(
        "award_outcomes",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("application_id", sa.BigInteger(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("reported_by", sa.String(length=200), nullable=False),
        sa.Column("reported_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_award_outcomes_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_award_outcomes_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_outcomes")),
    )
    op.create_index(
        "ix_award_outcomes_application", "award_outcomes", ["application_id", "measured_on", "id"]
    )


def _drop_results() -> None:
    op.drop_index("ix_award_outcomes_application", table_name="award_outcomes")
    op.drop_table("award_outcomes")
    op.drop_index("ix_award_milestones_application", table_name="award_milestones")
    op.drop_table("award_milestones")


def _carry_overs() -> None:
    with op.batch_alter_table("budgets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carried_in", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("carried_out", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.drop_constraint(op.f("ck_budgets_committed_within_amount"), type_="check")
        batch_op.create_check_constraint(
            "committed_within_amount", "committed >= 0 AND committed <= amount + carried_in - carried_out"
        )
        batch_op.create_check_constraint("carried_not_negative", "carried_in >= 0 AND carried_out >= 0")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carried_amount", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("carried_fiscal_year", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("carried_disbursed", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            "carried_disbursed", "carried_disbursed >= 0 AND carried_disbursed <= carried_amount"
        )
        batch_op.create_check_constraint(
            "award_year_disbursed",
            "disbursed_amount - carried_disbursed <= COALESCE(approved_amount, 0) - carried_amount",
        )
    with op.batch_alter_table("disbursements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fiscal_year", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE disbursements SET fiscal_year = (SELECT applications.fiscal_year FROM applications "
        "WHERE applications.id = disbursements.application_id)"
    )
    with op.batch_alter_table("disbursements", schema=None) as batch_op:
        batch_op.alter_column("fiscal_year", existing_type=sa.Integer(), nullable=False)
    op.create_table(
        "carry_overs",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("application_id", sa.BigInteger(), nullable=False),
        sa.Column("programme_code", sa.String(length=63), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("from_fiscal_year", sa.Integer(), nullable=False),
        sa.Column("to_fiscal_year", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("basis", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_carry_overs_amount_positive")),
        sa.CheckConstraint("to_fiscal_year = from_fiscal_year + 1", name=op.f("ck_carry_overs_next_year")),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_carry_overs_application_id_applications")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carry_overs")),
        sa.UniqueConstraint("application_id", name=op.f("uq_carry_overs_application_id")),
    )
    op.create_index(
        "ix_carry_overs_budget",
        "carry_overs",
        ["programme_code", "to_fiscal_year", "municipality_code", "id"],
        unique=False,
    )


def _drop_carry_overs() -> None:
    op.drop_index("ix_carry_overs_budget", table_name="carry_overs")
    op.drop_table("carry_overs")
    with op.batch_alter_table("disbursements", schema=None) as batch_op:
        batch_op.drop_column("fiscal_year")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_applications_award_year_disbursed"), type_="check")
        batch_op.drop_constraint(op.f("ck_applications_carried_disbursed"), type_="check")
        batch_op.drop_column("carried_disbursed")
        batch_op.drop_column("carried_fiscal_year")
        batch_op.drop_column("carried_amount")
    with op.batch_alter_table("budgets", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_budgets_carried_not_negative"), type_="check")
        batch_op.drop_constraint(op.f("ck_budgets_committed_within_amount"), type_="check")
        batch_op.create_check_constraint("committed_within_amount", "committed >= 0 AND committed <= amount")
        batch_op.drop_column("carried_out")
        batch_op.drop_column("carried_in")


def _frameworks() -> None:
    op.create_table(
        "cooperation_frameworks",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("agreement_reference", sa.String(length=200), nullable=False),
        sa.Column("established_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperation_frameworks")),
    )
    op.create_table(
        "framework_members",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("framework_id", sa.BigInteger(), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("prefecture", sa.String(length=2), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("leave_reason", sa.String(length=20), nullable=True),
        sa.Column("succeeded_from", sa.BigInteger(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "left_on IS NULL OR left_on > joined_on", name=op.f("ck_framework_members_left_after_joined")
        ),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["cooperation_frameworks.id"],
            name=op.f("fk_framework_members_framework_id_cooperation_frameworks"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_members")),
    )
    op.create_index("ix_framework_members_framework", "framework_members", ["framework_id", "id"])
    op.create_index("ix_framework_members_prefecture", "framework_members", ["prefecture", "framework_id"])


def _drop_frameworks() -> None:
    op.drop_index("ix_framework_members_prefecture", table_name="framework_members")
    op.drop_index("ix_framework_members_framework", table_name="framework_members")
    op.drop_table("framework_members")
    op.drop_table("cooperation_frameworks")

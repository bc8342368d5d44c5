"""calls for applications and their review

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 10:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[int]:
    return sa.Column(
        "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "calls",
        _id(),
        sa.Column("programme_code", sa.String(length=63), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("issuer_code", sa.String(length=6), nullable=False),
        sa.Column("prefecture", sa.String(length=2), nullable=False),
        sa.Column("owner_client_id", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("eligibility_summary", sa.Text(), nullable=False),
        sa.Column("budget_ceiling", sa.BigInteger(), nullable=False),
        sa.Column("awarded_total", sa.BigInteger(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rubric", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("closes_at > opens_at", name=op.f("ck_calls_window")),
        sa.CheckConstraint(
            "awarded_total >= 0 AND awarded_total <= budget_ceiling",
            name=op.f("ck_calls_awarded_within_ceiling"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_code", "fiscal_year"],
            ["programme_years.programme_code", "programme_years.fiscal_year"],
            name=op.f("fk_calls_programme_code_programme_years"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index("ix_calls_deadline", ["closes_at", "id"], unique=False)
        batch_op.create_index("ix_calls_prefecture", ["prefecture", "closes_at", "id"], unique=False)
        batch_op.create_index("ix_calls_programme", ["programme_code", "closes_at", "id"], unique=False)
    op.create_table(
        "call_applications",
        _id(),
        sa.Column("call_id", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.String(length=200), nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("organization_id", sa.String(length=13), nullable=True),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("requested_amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decision", sa.JSON(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_call_applications_call_id_calls")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_applications")),
    )
    with op.batch_alter_table("call_applications", schema=None) as batch_op:
        batch_op.create_index("ix_call_applications_call", ["call_id", "id"], unique=False)
        batch_op.create_index("ix_call_applications_client", ["client_id", "id"], unique=False)
    op.create_table(
        "call_reviewers",
        sa.Column("call_id", sa.BigInteger(), nullable=False),
        sa.Column("reviewer_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=True),
        sa.Column("organization_id", sa.String(length=13), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_call_reviewers_call_id_calls")),
        sa.PrimaryKeyConstraint("call_id", "reviewer_id", name=op.f("pk_call_reviewers")),
    )
    op.create_table(
        "review_assignments",
        sa.Column("application_id", sa.BigInteger(), nullable=False),
        sa.Column("reviewer_id", sa.String(length=200), nullable=False),
        sa.Column("assigned_by", sa.String(length=200), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["call_applications.id"],
            name=op.f("fk_review_assignments_application_id_call_applications"),
        ),
        sa.PrimaryKeyConstraint("application_id", "reviewer_id", name=op.f("pk_review_assignments")),
    )
    op.create_table(
        "review_scores",
        _id(),
        sa.Column("application_id", sa.BigInteger(), nullable=False),
        sa.Column("reviewer_id", sa.String(length=200), nullable=False),
        sa.Column("points", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id", "reviewer_id"],
            ["review_assignments.application_id", "review_assignments.reviewer_id"],
            name=op.f("fk_review_scores_application_id_review_assignments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_scores")),
        sa.UniqueConstraint(
            "application_id", "reviewer_id", name=op.f("uq_review_scores_application_id_reviewer_id")
        ),
    )
    op.create_table(
        "call_audit",
        _id(),
        sa.Column("call_id", sa.BigInteger(), nullable=False),
        sa.Column("application_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_audit")),
    )
    with op.batch_alter_table("call_audit", schema=None) as batch_op:
        batch_op.create_index("ix_call_audit_call", ["call_id", "id"], unique=False)


def downgrade() -> None:
    for table in ("call_audit", "review_scores", "review_assignments", "call_reviewers", "call_applications"):
        op.drop_table(table)
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index("ix_calls_programme")
        batch_op.drop_index("ix_calls_prefecture")
        batch_op.drop_index("ix_calls_deadline")
    op.drop_table("calls")

"""result versions (corrections after certification), objections with ordered recounts,
replacement winners (繰上補充), and polling stations' hours

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 10:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("polling_stations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("opens_at", sa.String(length=5), server_default="07:00", nullable=False)
        )
        batch_op.add_column(
            sa.Column("closes_at", sa.String(length=5), server_default="20:00", nullable=False)
        )
    op.create_table(
        "objections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("legal_basis", sa.String(length=200), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_reasons", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("resolved_by_version", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recounting_contest_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contests.id"], name=op.f("fk_objections_contest_id_contests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objections")),
        sa.UniqueConstraint("recounting_contest_id", name=op.f("uq_objections_recounting_contest_id")),
    )
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_objections_contest_id"), ["contest_id"], unique=False)
    op.create_table(
        "result_versions",
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("objection_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contests.id"], name=op.f("fk_result_versions_contest_id_contests")
        ),
        sa.ForeignKeyConstraint(
            ["objection_id"], ["objections.id"], name=op.f("fk_result_versions_objection_id_objections")
        ),
        sa.PrimaryKeyConstraint("contest_id", "version", name=op.f("pk_result_versions")),
    )
    # Every result certified before this revision is its version 1.
    op.execute(
        "INSERT INTO result_versions (contest_id, version, issued_at, issued_by, reason, objection_id, "
        "changes, result) SELECT contest_id, 1, certified_at, certified_by, NULL, NULL, '[]', result "
        "FROM certifications"
    )
    op.create_table(
        "replacements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("vacated_candidate_id", sa.Integer(), nullable=False),
        sa.Column("cause", sa.String(length=30), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("replacement_candidate_id", sa.Integer(), nullable=True),
        sa.Column("legal_basis", sa.String(length=200), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contests.id"], name=op.f("fk_replacements_contest_id_contests")
        ),
        sa.ForeignKeyConstraint(
            ["replacement_candidate_id"],
            ["candidates.id"],
            name=op.f("fk_replacements_replacement_candidate_id_candidates"),
        ),
        sa.ForeignKeyConstraint(
            ["vacated_candidate_id"],
            ["candidates.id"],
            name=op.f("fk_replacements_vacated_candidate_id_candidates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replacements")),
        sa.UniqueConstraint(
            "replacement_candidate_id", name=op.f("uq_replacements_replacement_candidate_id")
        ),
        sa.UniqueConstraint("vacated_candidate_id", name=op.f("uq_replacements_vacated_candidate_id")),
    )
    with op.batch_alter_table("replacements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_replacements_contest_id"), ["contest_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("replacements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replacements_contest_id"))
    op.drop_table("replacements")
    op.drop_table("result_versions")
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objections_contest_id"))
    op.drop_table("objections")
    with op.batch_alter_table("polling_stations", schema=None) as batch_op:
        batch_op.drop_column("closes_at")
        batch_op.drop_column("opens_at")

"""dual candidacy: a House of Representatives list entry names the same person's single-member
district candidacy; dual candidates may share a list rank

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 08:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district_candidate_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_candidates_district_candidate_id_candidates"),
            "candidates",
            ["district_candidate_id"],
            ["id"],
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_candidates_district_candidate_id"), ["district_candidate_id"]
        )
        batch_op.drop_constraint(batch_op.f("uq_candidates_contest_id_party_id_list_rank"), type_="unique")


def downgrade() -> None:
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_candidates_contest_id_party_id_list_rank"), ["contest_id", "party_id", "list_rank"]
        )
        batch_op.drop_constraint(batch_op.f("uq_candidates_district_candidate_id"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_candidates_district_candidate_id_candidates"), type_="foreignkey"
        )
        batch_op.drop_column("district_candidate_id")

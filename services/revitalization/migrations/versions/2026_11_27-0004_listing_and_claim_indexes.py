"""listing and claim indexes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 08:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A fiscal year and a state without a programme: the primary-key walk read ~3,300 rows per page of 50.
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index("ix_applications_year_state", ["fiscal_year", "state", "id"], unique=False)
    with op.batch_alter_table("spending_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_spending_lines_claims",
            ["fiscal_year", "claimant_code", "programme_code", "person_ref", "category", "id"],
            unique=False,
            postgresql_include=["amount", "months"],
        )


def downgrade() -> None:
    with op.batch_alter_table("spending_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_spending_lines_claims")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_year_state")

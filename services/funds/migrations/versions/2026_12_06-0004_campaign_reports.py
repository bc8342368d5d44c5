"""campaign reports

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 10:45:00

Campaign finance reports (選挙運動費用収支報告書): one per candidacy, its versions (each with the
spending cap it was checked against and its findings) and its donation and expenditure lines.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaign_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("candidate_name", sa.String(length=100), nullable=False),
        sa.Column("polling_day", sa.Date(), nullable=False),
        sa.Column("filer_client_id", sa.String(length=200), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("first_filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("public_until", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_reports")),
        sa.UniqueConstraint(
            "election_id", "candidate_id", name=op.f("uq_campaign_reports_election_id_candidate_id")
        ),
    )
    op.create_table(
        "campaign_report_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_by", sa.String(length=200), nullable=False),
        sa.Column("treasurer_name", sa.String(length=100), nullable=False),
        sa.Column("income_total", sa.BigInteger(), nullable=False),
        sa.Column("expenditure_total", sa.BigInteger(), nullable=False),
        sa.Column("counted_expenditure_total", sa.BigInteger(), nullable=False),
        sa.Column("spending_cap", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["campaign_reports.id"],
            name=op.f("fk_campaign_report_versions_report_id_campaign_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_report_versions")),
        sa.UniqueConstraint(
            "report_id", "version", name=op.f("uq_campaign_report_versions_report_id_version")
        ),
    )
    op.create_table(
        "campaign_report_lines",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("report_version_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=12), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("transaction_date", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("donor_kind", sa.String(length=30), nullable=True),
        sa.Column("purpose", sa.String(length=200), nullable=True),
        sa.Column("counts_toward_cap", sa.Boolean(), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("municipality_code", sa.String(length=6), nullable=True),
        sa.Column("prefecture_code", sa.String(length=2), nullable=True),
        sa.Column("published_address", sa.String(length=100), nullable=True),
        sa.Column("is_foreign", sa.Boolean(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_version_id"],
            ["campaign_report_versions.id"],
            name=op.f("fk_campaign_report_lines_report_version_id_campaign_report_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_report_lines")),
    )
    op.create_index(
        "ix_campaign_report_lines_version_line",
        "campaign_report_lines",
        ["report_version_id", "direction", "line_no"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ix_campaign_report_lines_version_line", table_name="campaign_report_lines")
    op.drop_table("campaign_report_lines")
    op.drop_table("campaign_report_versions")
    op.drop_table("campaign_reports")

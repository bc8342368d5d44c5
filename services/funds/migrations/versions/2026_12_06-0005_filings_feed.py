"""filings feed, politicians, corporate numbers

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 10:20:00

The filings feed (issue #17 item 3): `filings`, one row per filed version written in the filing's
transaction, numbered from `filing_feed_head` (see shared/db/sequence_head.py). Existing
versions are put in the feed in the order they were filed.
Politicians and the organizations' link to them, and donors' corporate numbers (item 4).
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
        "filings",
        sa.Column("sequence", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("organization_name", sa.String(length=200), nullable=False),
        sa.Column("organization_kind", sa.String(length=40), nullable=False),
        sa.Column("prefecture_code", sa.String(length=2), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("filed_late", sa.Boolean(), nullable=False),
        sa.Column("income_total", sa.BigInteger(), nullable=False),
        sa.Column("expenditure_total", sa.BigInteger(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("public_until", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_filings_report_id_reports")),
        sa.PrimaryKeyConstraint("sequence", name=op.f("pk_filings")),
    )
    op.create_index("ix_filings_kind", "filings", ["organization_kind", "sequence"])
    op.create_index("ix_filings_prefecture", "filings", ["prefecture_code", "sequence"])
    op.create_table(
        "filing_feed_head",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filing_feed_head")),
    )
    _backfill()
    op.create_table(
        "politicians",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("office", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_politicians")),
    )
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.add_column(sa.Column("politician_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_organizations_politician_id_politicians"), "politicians", ["politician_id"], ["id"]
        )
        batch_op.create_index(op.f("ix_organizations_politician_id"), ["politician_id"])
    with op.batch_alter_table("report_lines") as batch_op:
        batch_op.add_column(sa.Column("corporate_number", sa.String(length=13), nullable=True))


# Due dates as the rules of 2009 on have them (31 March; 31 May for Diet-member-related
# organizations); `filed_late` compares the first filing's day in Japan time.
_BACKFILL = """
INSERT INTO filings (sequence, report_id, organization_id, organization_name, organization_kind,
    prefecture_code, year, version, reason, filed_at, due_date, filed_late, income_total,
    expenditure_total, balance, line_count, public_until)
SELECT row_number() OVER (ORDER BY v.filed_at, v.id), r.id, o.id, o.name, o.kind,
    substr(o.office_municipality_code, 1, 2), r.year, v.version, v.reason, v.filed_at,
    {due}, {late}, v.income_total, v.expenditure_total, v.balance, v.line_count, r.public_until
FROM report_versions v JOIN reports r ON r.id = v.report_id JOIN organizations o ON o.id = r.organization_id
"""
_RELATED = (
    "(o.kind = 'diet_member_related' OR "
    "(o.kind = 'fund_management_organization' AND o.diet_member_name IS NOT NULL))"
)


def _backfill() -> None:
    if op.get_bind().dialect.name == "postgresql":
        due = f"make_date(r.year + 1, CASE WHEN {_RELATED} THEN 5 ELSE 3 END, 31)"
        late = f"(r.first_filed_at AT TIME ZONE 'Asia/Tokyo')::date > {due}"
    else:
        due = f"printf('%04d-%s', r.year + 1, CASE WHEN {_RELATED} THEN '05-31' ELSE '03-31' END)"
        late = f"date(r.first_filed_at, '+9 hours') > {due}"
    op.execute(_BACKFILL.format(due=due, late=late))
    op.execute("INSERT INTO filing_feed_head (id, last_sequence) SELECT 1, count(*) FROM filings")


def downgrade() -> None:
    with op.batch_alter_table("report_lines") as batch_op:
        batch_op.drop_column("corporate_number")
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.drop_index(op.f("ix_organizations_politician_id"))
        batch_op.drop_constraint(op.f("fk_organizations_politician_id_politicians"), type_="foreignkey")
        batch_op.drop_column("politician_id")
    op.drop_table("politicians")
    op.drop_table("filing_feed_head")
    op.drop_index("ix_filings_prefecture", table_name="filings")
    op.drop_index("ix_filings_kind", table_name="filings")
    op.drop_table("filings")

"""The funds service's own tables (its database is its own; no other service reads it)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)

from shared.db.base import new_metadata
from shared.db.types import UtcDateTime
from shared.web.idempotency import idempotency_table

metadata = new_metadata()
idempotency_keys = idempotency_table(metadata)

organizations = Table(
    "organizations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("filer_client_id", String(200), nullable=False, unique=True),
    Column("representative_name", String(100), nullable=False),
    Column("treasurer_name", String(100), nullable=False),
    Column("office_municipality_code", String(6), nullable=False),
    Column("office_address", String(200), nullable=False),
    Column("party_id", Integer, ForeignKey("organizations.id"), nullable=True),
    Column("diet_member_name", String(100), nullable=True),
    # The politician (candidate or member) the organization belongs to (issue #17 item 4).
    Column("politician_id", Integer, ForeignKey("politicians.id"), nullable=True, index=True),
    Column("registered_date", Date, nullable=False),
    Column("dissolved_date", Date, nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organization_id", Integer, ForeignKey("organizations.id"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("current_version", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("first_filed_at", UtcDateTime(), nullable=False),
    Column("public_until", Date, nullable=False),
    UniqueConstraint("organization_id", "year"),
)

report_versions = Table(
    "report_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("reason", String(200), nullable=True),
    Column("filed_at", UtcDateTime(), nullable=False),
    Column("filed_by", String(200), nullable=False),
    Column("carried_forward", BigInteger, nullable=False),
    Column("income_total", BigInteger, nullable=False),
    Column("expenditure_total", BigInteger, nullable=False),
    Column("balance", BigInteger, nullable=False),
    Column("category_totals", JSON, nullable=False),
    Column("line_count", Integer, nullable=False),
    UniqueConstraint("report_id", "version"),
)

# One row per itemized line of every version; the current version's lines carry is_current so
# that disclosure search reads one table. Search keys and the published flag are computed at filing;
# sort_date is the line's date, or 31 December for undated lines (membership fees), so that
# sorting by date is a keyset over non-null columns.
report_lines = Table(
    "report_lines",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("report_version_id", Integer, ForeignKey("report_versions.id"), nullable=False),
    Column("report_id", Integer, nullable=False),
    Column("organization_id", Integer, nullable=False),
    Column("year", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("published", Boolean, nullable=False),
    Column("public_until", Date, nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("category", String(40), nullable=False),
    Column("direction", String(12), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("transaction_date", Date, nullable=True),
    Column("sort_date", Date, nullable=False),
    Column("name", String(200), nullable=True),
    Column("name_key", String(200), nullable=True),
    Column("donor_key", String(500), nullable=True),
    Column("donor_kind", String(30), nullable=True),
    Column("address", String(200), nullable=True),
    Column("municipality_code", String(6), nullable=True),
    Column("prefecture_code", String(2), nullable=True),
    Column("published_address", String(100), nullable=True),
    Column("occupation", String(200), nullable=True),
    Column("payer_count", Integer, nullable=True),
    Column("event_name", String(200), nullable=True),
    Column("capital_yen", BigInteger, nullable=True),
    Column("union_members", Integer, nullable=True),
    Column("annual_expenses_yen", BigInteger, nullable=True),
    Column("is_foreign", Boolean, nullable=False),
    Column("listed_years", Integer, nullable=True),
    Column("receives_state_subsidy", Boolean, nullable=False),
    Column("at_public_meeting", Boolean, nullable=False),
    # A body donor's corporate number (法人番号): its donor key, so that spellings add up.
    Column("corporate_number", String(13), nullable=True),
    Index("ix_report_lines_version_line", "report_version_id", "line_no", unique=True),
    Index("ix_report_lines_public_date", "is_current", "published", "sort_date", "id"),
    Index("ix_report_lines_public_amount", "is_current", "published", "amount", "id"),
    Index("ix_report_lines_donor_year", "year", "donor_key"),
    Index("ix_report_lines_organization", "organization_id", "year"),
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("year", Integer, nullable=False),
    Column("kind", String(50), nullable=False),
    Column("donor_key", String(500), nullable=False),
    Column("donor_name", String(200), nullable=True),
    Column("donor_kind", String(30), nullable=True),
    Column("organization_id", Integer, nullable=True),
    Column("report_id", Integer, nullable=True),
    Column("amount", BigInteger, nullable=False),
    Column("limit_amount", BigInteger, nullable=True),
    Column("line_refs", JSON, nullable=False),
    Column("detail", String(500), nullable=False),
    Column("computed_at", UtcDateTime(), nullable=False),
    Index("ix_findings_year_donor", "year", "donor_key"),
    Index("ix_findings_report", "report_id"),
)

# A row per year, updated by every filing of that year before its findings are recomputed: the
# update takes the row lock, so two filings of one year recompute one after the other and
# each sees the other's lines.
finding_years = Table(
    "finding_years",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("recomputations", BigInteger, nullable=False),
)

subsidy_allocations = Table(
    "subsidy_allocations",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("request", JSON, nullable=False),
    Column("result", JSON, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

# Campaign finance reports (選挙運動費用収支報告書): one per candidacy of an election known to the
# elections service, filed by the candidate's treasurer; amendments are versions.
campaign_reports = Table(
    "campaign_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("election_id", Integer, nullable=False),
    Column("candidate_id", Integer, nullable=False),
    Column("contest_id", Integer, nullable=False),
    Column("candidate_name", String(100), nullable=False),
    Column("polling_day", Date, nullable=False),
    Column("filer_client_id", String(200), nullable=False),
    Column("current_version", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("first_filed_at", UtcDateTime(), nullable=False),
    Column("public_until", Date, nullable=False),
    UniqueConstraint("election_id", "candidate_id"),
)

campaign_report_versions = Table(
    "campaign_report_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", Integer, ForeignKey("campaign_reports.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("reason", String(200), nullable=True),
    Column("filed_at", UtcDateTime(), nullable=False),
    Column("filed_by", String(200), nullable=False),
    Column("treasurer_name", String(100), nullable=False),
    Column("income_total", BigInteger, nullable=False),
    Column("expenditure_total", BigInteger, nullable=False),
    Column("counted_expenditure_total", BigInteger, nullable=False),
    # The cap as computed for this version: the figures, the voters read from the roll, the result.
    Column("spending_cap", JSON, nullable=False),
    Column("findings", JSON, nullable=False),
    UniqueConstraint("report_id", "version"),
)

campaign_report_lines = Table(
    "campaign_report_lines",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("report_version_id", Integer, ForeignKey("campaign_report_versions.id"), nullable=False),
    Column("direction", String(12), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("transaction_date", Date, nullable=False),
    Column("name", String(200), nullable=True),
    Column("donor_kind", String(30), nullable=True),
    Column("purpose", String(200), nullable=True),
    Column("counts_toward_cap", Boolean, nullable=False),
    Column("address", String(200), nullable=True),
    Column("municipality_code", String(6), nullable=True),
    Column("prefecture_code", String(2), nullable=True),
    Column("published_address", String(100), nullable=True),
    Column("is_foreign", Boolean, nullable=False),
    Column("published", Boolean, nullable=False),
    Index("ix_campaign_report_lines_version_line", "report_version_id", "direction", "line_no", unique=True),
)

# The filings feed: one row per filed version (original or amendment), written in the filing's
# transaction (an outbox). `sequence` is taken from `filing_feed_head` as the filing's last
# statement; the head row stays locked until that transaction commits, so sequences become
# visible in the order they were taken: a reader that has seen n can never later find n - 1.
# The organization's name, kind and prefecture are those of the filing day (a filing record).
filings = Table(
    "filings",
    metadata,
    Column("sequence", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False),
    Column("report_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("organization_id", Integer, nullable=False),
    Column("organization_name", String(200), nullable=False),
    Column("organization_kind", String(40), nullable=False),
    Column("prefecture_code", String(2), nullable=False),
    Column("year", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("reason", String(200), nullable=True),
    Column("filed_at", UtcDateTime(), nullable=False),
    Column("due_date", Date, nullable=False),
    Column("filed_late", Boolean, nullable=False),
    Column("income_total", BigInteger, nullable=False),
    Column("expenditure_total", BigInteger, nullable=False),
    Column("balance", BigInteger, nullable=False),
    Column("line_count", Integer, nullable=False),
    Column("public_until", Date, nullable=False),
    Index("ix_filings_kind", "organization_kind", "sequence"),
    Index("ix_filings_prefecture", "prefecture_code", "sequence"),
)

filing_feed_head = Table(
    "filing_feed_head",
    metadata,
    Column("id", SmallInteger, primary_key=True, autoincrement=False),
    Column("last_sequence", BigInteger, nullable=False),
)

# Politicians (members and candidates) that organizations belong to. `office` decides whether
# their fund-management organization is Diet-member-related (a Diet member or Diet candidate).
politicians = Table(
    "politicians",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("office", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

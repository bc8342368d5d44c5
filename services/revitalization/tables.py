"""The revitalization service's own tables (its database is its own; no other service reads it)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from shared.db.base import new_metadata
from shared.db.types import UtcDateTime
from shared.web.idempotency import idempotency_table

metadata = new_metadata()
idempotency_keys = idempotency_table(metadata)

programmes = Table(
    "programmes",
    metadata,
    Column("code", String(63), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("texts", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

programme_years = Table(
    "programme_years",
    metadata,
    Column("programme_code", String(63), ForeignKey("programmes.code"), primary_key=True),
    Column("fiscal_year", Integer, primary_key=True),
    Column("rules", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# The register of municipality categories (fiscal strength) per fiscal year: a programme's rules give each
# category its national share and caps; a municipality the register does not list takes the rules' default.
municipality_categories = Table(
    "municipality_categories",
    metadata,
    Column("fiscal_year", Integer, primary_key=True),
    Column("municipality_code", String(6), primary_key=True),
    Column("category", String(63), nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_by", String(200), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# Every entry made or changed, with who, when and the old and new category: grants depend on it.
municipality_category_changes = Table(
    "municipality_category_changes",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("fiscal_year", Integer, nullable=False),
    Column("municipality_code", String(6), nullable=False),
    Column("old_category", String(63), nullable=True),
    Column("new_category", String(63), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Index("ix_municipality_category_changes_entry", "fiscal_year", "municipality_code", "id"),
)

applications = Table(
    "applications",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("programme_code", String(63), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("municipality_code", String(6), nullable=False),
    Column("client_id", String(200), nullable=False),
    Column("applicant", JSON, nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("requested_amount", BigInteger, nullable=False),
    Column("approved_amount", BigInteger, nullable=True),
    Column("disbursed_amount", BigInteger, nullable=False),
    Column("details", JSON, nullable=False),
    Column("state", String(20), nullable=False),
    Column("eligibility", JSON, nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("awarded_at", UtcDateTime(), nullable=True),
    # A carry-over (繰越) moves part of the award into the next fiscal year's budget: how much, into which
    # year, and how much of it has been paid (from that year's budget) since.
    Column("carried_amount", BigInteger, nullable=False, default=0, server_default="0"),
    Column("carried_fiscal_year", Integer, nullable=True),
    Column("carried_disbursed", BigInteger, nullable=False, default=0, server_default="0"),
    ForeignKeyConstraint(
        ["programme_code", "fiscal_year"], ["programme_years.programme_code", "programme_years.fiscal_year"]
    ),
    CheckConstraint(
        "disbursed_amount >= 0 AND disbursed_amount <= COALESCE(approved_amount, 0)", name="disbursed"
    ),
    CheckConstraint(
        "carried_disbursed >= 0 AND carried_disbursed <= carried_amount", name="carried_disbursed"
    ),
    CheckConstraint(
        "disbursed_amount - carried_disbursed <= COALESCE(approved_amount, 0) - carried_amount",
        name="award_year_disbursed",
    ),
    Index("ix_applications_filter", "programme_code", "fiscal_year", "state", "id"),
    Index("ix_applications_municipality", "municipality_code", "id"),
    Index("ix_applications_year_state", "fiscal_year", "state", "id"),
    Index("ix_applications_client", "client_id", "id"),
)

application_transitions = Table(
    "application_transitions",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("application_id", BigInteger, ForeignKey("applications.id"), nullable=False, index=True),
    Column("action", String(20), nullable=False),
    Column("from_state", String(20), nullable=True),
    Column("to_state", String(20), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("reason", String(200), nullable=True),
    Column("changes", JSON, nullable=False),
)

budgets = Table(
    "budgets",
    metadata,
    Column("programme_code", String(63), primary_key=True),
    Column("fiscal_year", Integer, primary_key=True),
    Column("municipality_code", String(6), primary_key=True),
    Column("amount", BigInteger, nullable=False),
    Column("committed", BigInteger, nullable=False),
    Column("disbursed", BigInteger, nullable=False),
    # Carried over (繰越) from the previous fiscal year with the awards it pays, and into the next one:
    # what a year may commit is its amount plus what came in less what went out, so a yen carried over
    # is available in exactly one year.
    Column("carried_in", BigInteger, nullable=False, default=0, server_default="0"),
    Column("carried_out", BigInteger, nullable=False, default=0, server_default="0"),
    Column("version", Integer, nullable=False),
    ForeignKeyConstraint(
        ["programme_code", "fiscal_year"], ["programme_years.programme_code", "programme_years.fiscal_year"]
    ),
    # No overspending, whatever runs: releases and disbursements keep it from firing with conditional
    # UPDATEs; an approval that lost the room after its statement's snapshot is refused by it
    # (applications/repository.py:_transition_statement).
    CheckConstraint(
        "committed >= 0 AND committed <= amount + carried_in - carried_out", name="committed_within_amount"
    ),
    CheckConstraint("carried_in >= 0 AND carried_out >= 0", name="carried_not_negative"),
    CheckConstraint("disbursed >= 0 AND disbursed <= committed", name="disbursed_within_committed"),
)

disbursements = Table(
    "disbursements",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("application_id", BigInteger, ForeignKey("applications.id"), nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),
    Column("paid_date", Date, nullable=False),
    # The budget year it was paid from: the award's, or the year the award was carried over into.
    Column("fiscal_year", Integer, nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

# Carry-overs (繰越) of an unspent award into the next fiscal year, each an audited event: at most one per
# award (a second carry-over from the next year would be a different legal act).
carry_overs = Table(
    "carry_overs",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("application_id", BigInteger, ForeignKey("applications.id"), nullable=False, unique=True),
    Column("programme_code", String(63), nullable=False),
    Column("municipality_code", String(6), nullable=False),
    Column("from_fiscal_year", Integer, nullable=False),
    Column("to_fiscal_year", Integer, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("basis", String(40), nullable=False),
    Column("reason", String(200), nullable=False),
    Column("decided_on", Date, nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    CheckConstraint("amount > 0", name="amount_positive"),
    CheckConstraint("to_fiscal_year = from_fiscal_year + 1", name="next_year"),
    Index("ix_carry_overs_budget", "programme_code", "to_fiscal_year", "municipality_code", "id"),
)

placements = Table(
    "placements",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("application_id", BigInteger, ForeignKey("applications.id"), nullable=False, unique=True),
    Column("programme_code", String(63), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("municipality_code", String(6), nullable=False),
    Column("resident_code", String(11), nullable=True),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("original_end_date", Date, nullable=False),
    Column("max_months", Integer, nullable=False),
    Column("extensions", Integer, nullable=False),
    Column("still_resident", Boolean, nullable=True),
    Column("settlement_checked_on", Date, nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_placements_municipality", "municipality_code", "id"),
)

# Calls for applications (公募): their window is an instant pair in UTC, their status follows the clock
# (forecast, open, closed) until the issuer archives them; public search walks (closes_at, id).
calls = Table(
    "calls",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("programme_code", String(63), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("issuer_code", String(6), nullable=False),
    Column("prefecture", String(2), nullable=False),
    Column("owner_client_id", String(200), nullable=False),
    Column("title", String(200), nullable=False),
    Column("eligibility_summary", Text, nullable=False),
    Column("budget_ceiling", BigInteger, nullable=False),
    Column("awarded_total", BigInteger, nullable=False),
    Column("opens_at", UtcDateTime(), nullable=False),
    Column("closes_at", UtcDateTime(), nullable=False),
    Column("archived_at", UtcDateTime(), nullable=True),
    Column("rubric", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    ForeignKeyConstraint(
        ["programme_code", "fiscal_year"], ["programme_years.programme_code", "programme_years.fiscal_year"]
    ),
    CheckConstraint("closes_at > opens_at", name="window"),
    # The last line of defence against over-awarding; the conditional UPDATE keeps it from firing.
    CheckConstraint("awarded_total >= 0 AND awarded_total <= budget_ceiling", name="awarded_within_ceiling"),
    Index("ix_calls_deadline", "closes_at", "id"),
    Index("ix_calls_prefecture", "prefecture", "closes_at", "id"),
    Index("ix_calls_programme", "programme_code", "closes_at", "id"),
)

call_applications = Table(
    "call_applications",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("call_id", BigInteger, ForeignKey("calls.id"), nullable=False),
    Column("client_id", String(200), nullable=False),
    Column("applicant_name", String(200), nullable=False),
    Column("organization_id", String(13), nullable=True),
    Column("municipality_code", String(6), nullable=False),
    Column("title", String(200), nullable=False),
    Column("summary", Text, nullable=False),
    Column("requested_amount", BigInteger, nullable=False),
    Column("status", String(20), nullable=False),
    Column("decision", JSON, nullable=True),
    Column("submitted_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_call_applications_call", "call_id", "id"),
    Index("ix_call_applications_client", "client_id", "id"),
)

# A call's reviewer panel; each reviewer is a gateway client that scores with its own token.
call_reviewers = Table(
    "call_reviewers",
    metadata,
    Column("call_id", BigInteger, ForeignKey("calls.id"), primary_key=True),
    Column("reviewer_id", String(200), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("municipality_code", String(6), nullable=True),
    Column("organization_id", String(13), nullable=True),
    Column("added_at", UtcDateTime(), nullable=False),
)

review_assignments = Table(
    "review_assignments",
    metadata,
    Column("application_id", BigInteger, ForeignKey("call_applications.id"), primary_key=True),
    Column("reviewer_id", String(200), primary_key=True),
    Column("assigned_by", String(200), nullable=False),
    Column("assigned_at", UtcDateTime(), nullable=False),
)

review_scores = Table(
    "review_scores",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("application_id", BigInteger, nullable=False),
    Column("reviewer_id", String(200), nullable=False),
    Column("points", JSON, nullable=False),
    Column("total", Integer, nullable=False),
    Column("comment", Text, nullable=True),
    Column("scored_at", UtcDateTime(), nullable=False),
    # Scores only what was assigned, and once: a second score of the same reviewer breaks the key.
    ForeignKeyConstraint(
        ["application_id", "reviewer_id"],
        ["review_assignments.application_id", "review_assignments.reviewer_id"],
    ),
    UniqueConstraint("application_id", "reviewer_id"),
)

# Every step of a call (publication, application, panel, assignment, score, decision, archival).
call_audit = Table(
    "call_audit",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("call_id", BigInteger, nullable=False),
    Column("application_id", BigInteger, nullable=True),
    Column("action", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("details", JSON, nullable=False),
    Index("ix_call_audit_call", "call_id", "id"),
)

spending_lines = Table(
    "spending_lines",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("claimant_code", String(6), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("programme_code", String(63), nullable=False),
    Column("person_ref", String(64), nullable=False),
    Column("category", String(63), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("months", Integer, nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    ForeignKeyConstraint(
        ["programme_code", "fiscal_year"], ["programme_years.programme_code", "programme_years.fiscal_year"]
    ),
    Index("ix_spending_lines_year", "fiscal_year", "claimant_code", "id"),
    # Claims group a year's lines by claimant, programme, person and category: read in that order, with
    # what they add up (PostgreSQL keeps amount and months in the index: an index-only scan).
    Index(
        "ix_spending_lines_claims",
        "fiscal_year",
        "claimant_code",
        "programme_code",
        "person_ref",
        "category",
        "id",
        postgresql_include=["amount", "months"],
    ),
)

hometown_people = Table(
    "hometown_people",
    metadata,
    # The calling system's client id and its reference for the person: two systems' references never collide.
    Column("client_id", String(200), primary_key=True),
    Column("person_ref", String(64), primary_key=True),
    Column("live_count", Integer, nullable=False),
    CheckConstraint("live_count >= 0", name="live_count_not_negative"),
)

hometown_registrations = Table(
    "hometown_registrations",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("client_id", String(200), nullable=False),
    Column("person_ref", String(64), nullable=False),
    Column("municipality_code", String(6), nullable=False),
    Column("tier", String(10), nullable=False),
    Column("status", String(20), nullable=False),
    # 1 while the registration holds a place, NULL after: UNIQUE ignores NULLs on both databases,
    # so at most one live registration per person and municipality, any number of past ones.
    Column("live", Integer, nullable=True),
    Column("identity_verified", Boolean, nullable=False),
    Column("activity", String(200), nullable=True),
    Column("review_reason", String(200), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    ForeignKeyConstraint(
        ["client_id", "person_ref"], ["hometown_people.client_id", "hometown_people.person_ref"]
    ),
    UniqueConstraint("client_id", "person_ref", "municipality_code", "live"),
    Index("ix_hometown_registrations_counts", "municipality_code", "status", "tier"),
)

# Results after award, reported by the municipality (the applying system) or a reviewer, published as
# open data: milestones with their planned and achieved dates, and dated outcome figures.
award_milestones = Table(
    "award_milestones",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("application_id", BigInteger, ForeignKey("applications.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("planned_date", Date, nullable=False),
    Column("achieved_date", Date, nullable=True),
    Column("reported_by", String(200), nullable=False),
    Column("reported_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_award_milestones_application", "application_id", "id"),
)

# Append-only: a corrected figure is a new report; open data gives every report, 360Giving the latest.
award_outcomes = Table(
    "award_outcomes",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("application_id", BigInteger, ForeignKey("applications.id"), nullable=False),
    Column("indicator", String(40), nullable=False),
    Column("value", BigInteger, nullable=False),
    Column("measured_on", Date, nullable=False),
    Column("reported_by", String(200), nullable=False),
    Column("reported_at", UtcDateTime(), nullable=False),
    CheckConstraint("value >= 0", name="value_not_negative"),
    Index("ix_award_outcomes_application", "application_id", "measured_on", "id"),
)

# The dated register of wide-area cooperation frameworks and their members (local-government codes).
cooperation_frameworks = Table(
    "cooperation_frameworks",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),
    Column("name", String(200), nullable=False),
    Column("agreement_reference", String(200), nullable=False),
    Column("established_on", Date, nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
)

# One row per membership period: joining opens it, leaving (withdrawal, or a merger that retired the
# code) closes it on `left_on` (exclusive); a successor code's membership names the one it continues.
framework_members = Table(
    "framework_members",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("framework_id", BigInteger, ForeignKey("cooperation_frameworks.id"), nullable=False),
    Column("municipality_code", String(6), nullable=False),
    Column("prefecture", String(2), nullable=False),
    Column("role", String(20), nullable=False),
    Column("joined_on", Date, nullable=False),
    Column("left_on", Date, nullable=True),
    Column("leave_reason", String(20), nullable=True),
    Column("succeeded_from", BigInteger, nullable=True),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    CheckConstraint("left_on IS NULL OR left_on > joined_on", name="left_after_joined"),
    Index("ix_framework_members_framework", "framework_id", "id"),
    Index("ix_framework_members_prefecture", "prefecture", "framework_id"),
)

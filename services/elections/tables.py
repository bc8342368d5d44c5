"""The elections service's own tables (its database is its own; no other service reads it)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
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

VOTES = Numeric(15, 3)

elections = Table(
    "elections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("announcement_date", Date, nullable=False),
    Column("polling_day", Date, nullable=False),
    Column("reference_date", Date, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    CheckConstraint("announcement_date < polling_day", name="announced_before_polling"),
    CheckConstraint("reference_date <= announcement_date", name="reference_by_announcement"),
)

contests = Table(
    "contests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("election_id", ForeignKey("elections.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("seats", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    UniqueConstraint("election_id", "name"),
    CheckConstraint("seats >= 1", name="seats_positive"),
)

contest_areas = Table(
    "contest_areas",
    metadata,
    Column("contest_id", ForeignKey("contests.id"), primary_key=True),
    Column("local_government_code", String(6), primary_key=True),
)

counting_districts = Table(
    "counting_districts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("election_id", ForeignKey("elections.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("local_government_code", String(6), nullable=False),
    UniqueConstraint("election_id", "name"),
)

polling_stations = Table(
    "polling_stations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("election_id", ForeignKey("elections.id"), nullable=False, index=True),
    Column("counting_district_id", ForeignKey("counting_districts.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("local_government_code", String(6), nullable=False),
    Column("address_areas", JSON, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    # Polling hours, "HH:MM" in JST (art. 40: 07:00-20:00 unless the commission moves them).
    Column("opens_at", String(5), nullable=False, server_default="07:00"),
    Column("closes_at", String(5), nullable=False, server_default="20:00"),
    UniqueConstraint("election_id", "name"),
)

parties = Table(
    "parties",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("election_id", ForeignKey("elections.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("abbreviation", String(50), nullable=True),
    UniqueConstraint("election_id", "name"),
)

candidates = Table(
    "candidates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("election_id", ForeignKey("elections.id"), nullable=False),
    Column("contest_id", ForeignKey("contests.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("kana", String(200), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("person_key", String(300), nullable=False),
    Column("party_id", ForeignKey("parties.id"), nullable=True),
    Column("deposit_yen", BigInteger, nullable=False),
    Column("list_rank", Integer, nullable=True),
    Column("priority_rank", Integer, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    # A House of Representatives list entry of a dual candidate (重複立候補, art. 86-2): the same
    # person's single-member district candidacy, on one list at most. Such an entry's person_key is
    # "dual:<that id>", so the person still has one key of their own per election.
    Column("district_candidate_id", ForeignKey("candidates.id"), nullable=True, unique=True),
    # One candidacy per person per election, whatever the contest.
    UniqueConstraint("election_id", "person_key"),
    # List ranks are not unique: dual candidates may share one (checked in setup).
    UniqueConstraint("contest_id", "party_id", "priority_rank"),
)

roll_entries = Table(
    "roll_entries",
    metadata,
    Column("election_id", ForeignKey("elections.id"), primary_key=True),
    Column("resident_code", String(11), primary_key=True),
    Column("local_government_code", String(6), nullable=False),
    Column("on_roll", Boolean, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("sex", String(20), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("address", String(500), nullable=True),
    Column("station_id", ForeignKey("polling_stations.id"), nullable=True),
    Column("decided_at", UtcDateTime(), nullable=False),
    Index("ix_roll_entries_election_station", "election_id", "station_id", "on_roll"),
)

roll_feeds = Table(
    "roll_feeds",
    metadata,
    Column("election_id", ForeignKey("elections.id"), primary_key=True),
    Column("cursor", String(200), nullable=True),
    Column("built_at", UtcDateTime(), nullable=False),
    Column("synced_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False),
)

roll_builds = Table(
    "roll_builds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("election_id", ForeignKey("elections.id"), nullable=False, index=True),
    # Equal to election_id while the build is queued or running, NULL once it ended: the unique
    # constraint then allows one build in progress per election, on SQLite and PostgreSQL alike.
    Column("active_election_id", Integer, nullable=True),
    Column("state", String(20), nullable=False),
    Column("registration", String(20), nullable=False),
    Column("reference_date", Date, nullable=False),
    Column("age_date", Date, nullable=False),
    Column("residents_examined", Integer, nullable=False),
    Column("voters", Integer, nullable=False),
    Column("cursor", String(200), nullable=True),
    Column("requested_by", String(200), nullable=False),
    Column("requested_at", UtcDateTime(), nullable=False),
    Column("started_at", UtcDateTime(), nullable=True),
    Column("finished_at", UtcDateTime(), nullable=True),
    Column("heartbeat_at", UtcDateTime(), nullable=False),
    Column("problem", JSON, nullable=True),
    UniqueConstraint("active_election_id"),
)

check_ins = Table(
    "check_ins",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("election_id", ForeignKey("elections.id"), nullable=False),
    Column("resident_code", String(11), nullable=False),
    # Equal to resident_code while the check-in stands, NULL once undone: the unique constraint
    # below then allows one standing check-in per voter and election on SQLite and PostgreSQL alike.
    Column("active_resident_code", String(11), nullable=True),
    Column("method", String(20), nullable=False),
    Column("station_id", ForeignKey("polling_stations.id"), nullable=True),
    Column("checked_in_at", UtcDateTime(), nullable=False),
    Column("clerk_id", String(200), nullable=False),
    Column("undone_at", UtcDateTime(), nullable=True),
    Column("undone_by", String(200), nullable=True),
    Column("undo_reason", Text, nullable=True),
    # A vote from the overseas roll (consulate, post, in_japan); NULL for the domestic roll.
    Column("overseas_method", String(20), nullable=True),
    UniqueConstraint("election_id", "active_resident_code"),
    Index("ix_check_ins_election_resident", "election_id", "resident_code"),
)

tally_sheets = Table(
    "tally_sheets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contest_id", ForeignKey("contests.id"), nullable=False),
    Column("counting_district_id", ForeignKey("counting_districts.id"), nullable=False),
    Column("station_id", ForeignKey("polling_stations.id"), nullable=True),
    Column("unit_key", String(40), nullable=False),
    Column("status", String(30), nullable=False),
    Column("differences", JSON, nullable=False),
    Column("problems", JSON, nullable=False),
    Column("ballots_issued", Integer, nullable=True),
    Column("invalid_ballots", Integer, nullable=True),
    Column("blank_ballots", Integer, nullable=True),
    Column("unreturned_ballots", Integer, nullable=True),
    Column("valid_votes", VOTES, nullable=True),
    Column("counted_at", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("contest_id", "unit_key"),
    Index("ix_tally_sheets_contest_district", "contest_id", "counting_district_id"),
)

tally_entries = Table(
    "tally_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sheet_id", ForeignKey("tally_sheets.id"), nullable=False),
    Column("clerk_id", String(200), nullable=False),
    Column("content", JSON, nullable=False),
    Column("entered_at", UtcDateTime(), nullable=False),
    UniqueConstraint("sheet_id", "clerk_id"),
)

tally_counts = Table(
    "tally_counts",
    metadata,
    Column("sheet_id", ForeignKey("tally_sheets.id"), primary_key=True),
    Column("selection", String(200), primary_key=True),
    Column("votes", VOTES, nullable=False),
)

lots = Table(
    "lots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contest_id", ForeignKey("contests.id"), nullable=False),
    Column("contenders_key", String(1000), nullable=False),
    Column("contenders", JSON, nullable=False),
    Column("seats_at_stake", Integer, nullable=False),
    Column("winners", JSON, nullable=False),
    Column("method", String(20), nullable=False),
    Column("seed", String(200), nullable=True),
    Column("drawn_by", String(200), nullable=False),
    Column("drawn_at", UtcDateTime(), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    UniqueConstraint("contest_id", "contenders_key", "seats_at_stake"),
)

certifications = Table(
    "certifications",
    metadata,
    Column("contest_id", ForeignKey("contests.id"), primary_key=True),
    Column("certified_at", UtcDateTime(), nullable=False),
    Column("certified_by", String(200), nullable=False),
    Column("result", JSON, nullable=False),
)

result_versions = Table(
    "result_versions",
    metadata,
    # Every issue of a certified result: 1 at certification, one more per correction; never updated.
    Column("contest_id", ForeignKey("contests.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("issued_by", String(200), nullable=False),
    Column("reason", Text, nullable=True),
    Column("objection_id", ForeignKey("objections.id"), nullable=True),
    Column("changes", JSON, nullable=False),
    Column("result", JSON, nullable=False),
)

objections = Table(
    "objections",
    metadata,
    # 異議申出, 審査申立 and 当選訴訟 against a certified result, and what was decided on them.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contest_id", ForeignKey("contests.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("legal_basis", String(200), nullable=False),
    Column("filed_on", Date, nullable=False),
    Column("grounds", Text, nullable=False),
    Column("state", String(20), nullable=False),
    Column("decided_on", Date, nullable=True),
    Column("decision_reasons", Text, nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("resolved_by_version", Integer, nullable=True),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    # Equal to contest_id while a recount it ordered is open, NULL otherwise: one open recount per contest.
    Column("recounting_contest_id", Integer, nullable=True),
    UniqueConstraint("recounting_contest_id"),
)

replacements = Table(
    "replacements",
    metadata,
    # 繰上補充 (art. 97, 97-2): a winner's seat fell vacant, and who (if anyone) took it.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contest_id", ForeignKey("contests.id"), nullable=False, index=True),
    Column("vacated_candidate_id", ForeignKey("candidates.id"), nullable=False),
    Column("cause", String(30), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("outcome", String(40), nullable=False),
    Column("replacement_candidate_id", ForeignKey("candidates.id"), nullable=True),
    Column("legal_basis", String(200), nullable=False),
    Column("explanation", Text, nullable=False),
    Column("skipped", JSON, nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    UniqueConstraint("vacated_candidate_id"),
    UniqueConstraint("replacement_candidate_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    # Records are chained per lane (chosen from the subject), so busy writers such as check-ins at
    # many stations do not all queue for one chain head.
    Column("lane", Integer, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(60), nullable=False),
    Column("election_id", Integer, nullable=True, index=True),
    Column("subject", String(200), nullable=False),
    Column("details", JSON, nullable=False),
    Column("previous_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    # Each record names the hash of the one before in its lane; unique, so two writers cannot fork it.
    UniqueConstraint("lane", "previous_hash"),
    Index("ix_audit_log_lane_seq", "lane", "seq"),
)

# Notices that a person does not have the vote (選挙権停止, art. 11, 11-2, 252; Political Funds Control
# Act art. 28). Kept per person, not per election: every roll the person is on shows the mark (art. 27).
suspensions = Table(
    "suspensions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("resident_code", String(11), nullable=False),
    Column("basis", String(60), nullable=False),
    Column("suspends_voting", Boolean, nullable=False),
    Column("from_date", Date, nullable=False),
    # Inclusive; NULL while the end is not known (e.g. serving a sentence).
    Column("until_date", Date, nullable=True),
    Column("source_local_government_code", String(6), nullable=False),
    Column("document_reference", String(200), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    # The first day with the vote again, when lifted before until_date.
    Column("lifted_on", Date, nullable=True),
    Column("lifted_by", String(200), nullable=True),
    Column("lifted_at", UtcDateTime(), nullable=True),
    Column("lift_reason", Text, nullable=True),
    Column("lift_document_reference", String(200), nullable=True),
    CheckConstraint("until_date IS NULL OR until_date >= from_date", name="suspension_ordered"),
    Index("ix_suspensions_resident", "resident_code", "from_date"),
)

# Absentee ballots (不在者投票, art. 49): one live ballot per voter and election; the receipt records
# the voter's vote as an absentee check-in unless they voted in person first.
absentee_ballots = Table(
    "absentee_ballots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("election_id", ForeignKey("elections.id"), nullable=False),
    Column("resident_code", String(11), nullable=False),
    Column("state", String(20), nullable=False),
    Column("requested_on", Date, nullable=False),
    Column("issued_on", Date, nullable=True),
    Column("voted_on", Date, nullable=True),
    Column("sent_on", Date, nullable=True),
    Column("received_on", Date, nullable=True),
    Column("outcome", String(20), nullable=True),
    Column("outcome_reason", Text, nullable=True),
    Column("check_in_id", ForeignKey("check_ins.id"), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("election_id", "resident_code"),
)

# The overseas roll (在外選挙人名簿, art. 30-2 ff.): applications and the entries they lead to.
overseas_applications = Table(
    "overseas_applications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("resident_code", String(11), nullable=False, index=True),
    Column("channel", String(20), nullable=False),
    Column("country_code", String(2), nullable=False),
    Column("mission", String(200), nullable=True),
    Column("abroad_since", Date, nullable=True),
    Column("applied_on", Date, nullable=False),
    Column("state", String(20), nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("local_government_code", String(6), nullable=True),
    Column("registrable_on", Date, nullable=True),
    Column("entry_id", Integer, nullable=True),
    Column("recorded_by", String(200), nullable=False),
    Column("decided_at", UtcDateTime(), nullable=True),
)

overseas_entries = Table(
    "overseas_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("local_government_code", String(6), nullable=False),
    # Each municipality numbers its overseas roll apart from its domestic roll.
    Column("number", Integer, nullable=False),
    Column("resident_code", String(11), nullable=False),
    # Equal to resident_code while the entry stands, NULL once removed: one standing entry per person.
    Column("active_resident_code", String(11), nullable=True),
    Column("sex", String(20), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("country_code", String(2), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("returned_on", Date, nullable=True),
    Column("removed_on", Date, nullable=True),
    Column("removal_reason", String(40), nullable=True),
    Column("application_id", ForeignKey("overseas_applications.id"), nullable=False),
    UniqueConstraint("local_government_code", "number"),
    UniqueConstraint("active_resident_code"),
)

# 住民票コードの変更 (Basic Resident Registers Act art. 30-4): how far the service has followed the
# registry's resident-code changes. One row; every record above keyed by a resident code moves to
# the new code as its change is followed (services/elections/codechanges).
code_change_follow = Table(
    "code_change_follow",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("cursor", BigInteger, nullable=False),
    # Bumped by every follow: the update takes the row's lock, so one follow runs at a time.
    Column("follows", BigInteger, nullable=False),
    Column("followed_at", UtcDateTime(), nullable=True),
)

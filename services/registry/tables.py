"""The registry service's own tables (its database is its own; no other service reads it).

Residents are bitemporal: `residents` holds the current state (as now believed, valid from
`valid_from` on), `resident_versions` every other state with its valid period
[`valid_from`, `valid_to`) and its knowledge period [`recorded_at`, `superseded_at`).
`resident_events` is both the event history and the transactional outbox of the change feed.
"""

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
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    text,
)

from shared.db.base import new_metadata
from shared.db.types import UtcDateTime
from shared.web.idempotency import idempotency_table

metadata = new_metadata()
idempotency_keys = idempotency_table(metadata)

BigId = BigInteger().with_variant(Integer(), "sqlite")

local_government_codes = Table(
    "local_government_codes",
    metadata,
    Column("code", String(6), primary_key=True),
    Column("prefecture", String(10), nullable=False),
    Column("prefecture_kana", String(40), nullable=False),
    Column("name", String(100), nullable=True),
    Column("name_kana", String(200), nullable=True),
    Column("kind", String(30), nullable=False),
    Column("from_date", Date, nullable=True),
    Column("to_date", Date, nullable=True),
)

local_government_code_changes = Table(
    "local_government_code_changes",
    metadata,
    Column("change_id", BigId, primary_key=True, autoincrement=True),
    Column("effective_date", Date, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("description", Text, nullable=False),
    Column("retired_codes", JSON, nullable=False),
    Column("new_codes", JSON, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

local_government_code_successions = Table(
    "local_government_code_successions",
    metadata,
    Column("code", String(6), ForeignKey("local_government_codes.code"), primary_key=True),
    Column("successor_code", String(6), ForeignKey("local_government_codes.code"), primary_key=True),
    Column("change_id", BigId, ForeignKey("local_government_code_changes.change_id"), nullable=False),
    Index("ix_local_government_code_successions_successor_code", "successor_code"),
)


def _state_columns() -> list[Column[object]]:
    """The columns of one state of a resident's record (shared by current and past states)."""
    return [
        Column("family_name", String(100), nullable=False),
        Column("given_name", String(100), nullable=False),
        Column("family_name_kana", String(100), nullable=False),
        Column("given_name_kana", String(100), nullable=False),
        Column("former_family_name", String(100), nullable=True),
        Column("alias", String(100), nullable=True),
        Column("name_key", String(200), nullable=False),
        Column("kana_key", String(200), nullable=False),
        Column("date_of_birth", Date, nullable=False),
        Column("sex", String(16), nullable=False),
        Column("nationality", String(2), nullable=False),
        Column("status_of_residence", String(100), nullable=True),
        Column("period_of_stay_until", Date, nullable=True),
        Column("local_government_code", String(6), nullable=False),
        Column("address", Text, nullable=False),
        Column("address_key", Text, nullable=False),
        Column("address_since", Date, nullable=False),
        Column("address_reason", String(20), nullable=False),
        Column("from_abroad", Boolean, nullable=False),
        Column("household_id", String(13), nullable=False),
        Column("household_head_code", String(11), nullable=False),
        Column("relationship", String(100), nullable=False),
        Column("status", String(16), nullable=False),
        Column("status_since", Date, nullable=False),
        Column("event_type", String(20), nullable=False),
        Column("valid_from", Date, nullable=False),
        Column("recorded_at", UtcDateTime(), nullable=False),
    ]


VERIFICATION_INCLUDES = ("status", "status_since", "protected", "local_government_code", "address")
"""What a bulk verification answers from besides the code: its index holds these, and its
query reads no more, so it never visits the table."""

residents = Table(
    "residents",
    metadata,
    Column("resident_code", String(11), primary_key=True),
    Column("individual_number_hash", LargeBinary(32), nullable=True, unique=True),
    Column("individual_number_ciphertext", LargeBinary(64), nullable=True),
    *_state_columns(),
    Column("protected", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_residents_municipality", "local_government_code", "resident_code"),
    Index("ix_residents_birth_name", "date_of_birth", "name_key"),
    Index("ix_residents_birth_kana", "date_of_birth", "kana_key"),
    Index("ix_residents_household", "household_id"),
    # What a bulk verification reads, readable from the index alone (see migration 0004).
    Index(
        "ix_residents_verification", "resident_code", postgresql_include=list(VERIFICATION_INCLUDES)
    ).ddl_if(dialect="postgresql"),
)

resident_versions = Table(
    "resident_versions",
    metadata,
    Column("version_id", BigId, primary_key=True, autoincrement=True),
    Column("resident_code", String(11), ForeignKey("residents.resident_code"), nullable=False),
    *_state_columns(),
    Column("valid_to", Date, nullable=True),
    Column("superseded_at", UtcDateTime(), nullable=True),
    Index("ix_resident_versions_resident", "resident_code", "valid_from"),
    Index("ix_resident_versions_municipality", "local_government_code", "valid_to"),
)

STATE_COLUMNS = tuple(column.name for column in _state_columns())

resident_events = Table(
    "resident_events",
    metadata,
    Column("sequence", BigId, primary_key=True, autoincrement=False),
    Column("resident_code", String(11), ForeignKey("residents.resident_code"), nullable=False),
    Column("type", String(20), nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("resident_version", Integer, nullable=False),
    Column("from_local_government_code", String(6), nullable=True),
    Column("to_local_government_code", String(6), nullable=True),
    Column("from_abroad", Boolean, nullable=True),
    Column("to_abroad", Boolean, nullable=True),
    Column("corrected_items", JSON, nullable=True),
    Column("reason", Text, nullable=True),
    Column("former_resident_code", String(11), nullable=True),
    Column("snapshot", JSON, nullable=False),
    Index("ix_resident_events_resident", "resident_code", "sequence"),
    # The feed filtered to resident-code changes (`?type=resident_code_change`, which the elections
    # service follows from the start of the feed): a few rows among all events, found without
    # walking the feed.
    Index(
        "ix_resident_events_code_changes",
        "sequence",
        postgresql_where=text("type = 'resident_code_change'"),
        sqlite_where=text("type = 'resident_code_change'"),
    ),
)

resident_code_changes = Table(
    "resident_code_changes",
    metadata,
    Column("former_resident_code", String(11), primary_key=True),
    Column("resident_code", String(11), nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Index("ix_resident_code_changes_resident", "resident_code"),
)
"""住民票コードの変更: the codes a resident had. A former code resolves to nothing (it is not
kept in `residents`); this table is the history, for the register's staff and audits."""

feed_head = Table(
    "feed_head",
    metadata,
    Column("id", SmallInteger, primary_key=True, autoincrement=False),
    Column("last_sequence", BigInteger, nullable=False),
)

access_log = Table(
    "access_log",
    metadata,
    Column("entry_id", BigId, primary_key=True, autoincrement=True),
    # The entry's leaf in the log's Merkle tree: dense from 0, in append order.
    Column("leaf_index", BigInteger, nullable=False, unique=True),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("served_by", String(200), nullable=False),
    Column("client_id", String(200), nullable=False),
    Column("purpose", String(200), nullable=False),
    Column("request_id", String(128), nullable=False),
    Column("operation", String(50), nullable=False),
    Column("resident_code", String(11), nullable=False),
    Column("items", String(100), nullable=False),
    Column("leaf_hash", LargeBinary(32), nullable=False),
    # GIN (btree_gin) on PostgreSQL: see migration 0004. Elsewhere a plain index, whose rows
    # carry the entry id (SQLite's rowid) and so come in entry order.
    Index("ix_access_log_resident", "resident_code", postgresql_using="gin"),
)

# The next leaf index: every append advances it in the transaction that writes its rows.
access_log_head = Table(
    "access_log_head",
    metadata,
    Column("id", SmallInteger, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
)

# The leaves the stored nodes and the latest checkpoint cover; locked while a checkpoint is built.
access_log_tree = Table(
    "access_log_tree",
    metadata,
    Column("id", SmallInteger, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
)

# Hashes of complete subtrees of 2**level leaves, at every NODE_STRIDE-th level (accesslog/tree.py).
access_log_nodes = Table(
    "access_log_nodes",
    metadata,
    Column("level", SmallInteger, primary_key=True, autoincrement=False),
    Column("node_index", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
)

access_log_checkpoints = Table(
    "access_log_checkpoints",
    metadata,
    Column("tree_size", BigInteger, primary_key=True, autoincrement=False),
    Column("root_hash", LargeBinary(32), nullable=False),
    Column("signed_at", UtcDateTime(), nullable=False),
    Column("origin", String(200), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", LargeBinary(64), nullable=False),
)

access_log_signing_keys = Table(
    "access_log_signing_keys",
    metadata,
    Column("key_id", String(16), primary_key=True),
    Column("public_key", LargeBinary(32), nullable=False),
    Column("private_key", LargeBinary, nullable=False),  # Fernet-encrypted PKCS#8 PEM
    Column("created_at", UtcDateTime(), nullable=False),
)

# --- subscriptions (watch-lists) and their webhook deliveries -----------------------------------

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("subscription_id", String(32), primary_key=True),
    Column("client_id", String(200), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("scopes", Text, nullable=False, doc="the creator's registry scopes: what deliveries show"),
    Column("pseudonym_domain", String(64), nullable=True, doc="deliveries name residents by its pseudonyms"),
    Column("webhook_url", Text, nullable=True),
    Column("webhook_secret", LargeBinary, nullable=True, doc="Fernet-encrypted whsec_ secret"),
    Column("delivery_cursor", BigInteger, nullable=False, doc="the last feed position the deliverer scanned"),
    Column("lease_until", UtcDateTime(), nullable=True, doc="a deliverer is working on it until then"),
    Column("created_at", UtcDateTime(), nullable=False),
)

subscription_members = Table(
    "subscription_members",
    metadata,
    Column(
        "subscription_id",
        String(32),
        ForeignKey("subscriptions.subscription_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("resident_code", String(11), primary_key=True),
    Column("purpose", String(80), nullable=False, doc="registered purpose code: the legal basis"),
    Column("added_at", UtcDateTime(), nullable=False),
)

subscription_deliveries = Table(
    "subscription_deliveries",
    metadata,
    Column("delivery_id", String(40), primary_key=True, doc="the webhook-id: the same on every retry"),
    Column(
        "subscription_id",
        String(32),
        ForeignKey("subscriptions.subscription_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("after_sequence", BigInteger, nullable=False),
    Column("through_sequence", BigInteger, nullable=False),
    Column("event_count", Integer, nullable=False),
    Column("status", String(12), nullable=False, doc="pending, delivered or dead"),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime(), nullable=True),
    Column("last_error", String(200), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("delivered_at", UtcDateTime(), nullable=True),
    Column("body", LargeBinary, nullable=True, doc="the signed body; cleared once acknowledged"),
    Index("ix_subscription_deliveries_status", "subscription_id", "status", "created_at"),
)

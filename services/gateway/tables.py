"""The gateway's own tables: API clients and signing keys."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, LargeBinary, String, Table, Text

from shared.db.base import new_metadata
from shared.db.types import UtcDateTime
from shared.web.idempotency import idempotency_table

metadata = new_metadata()
idempotency_keys = idempotency_table(metadata)

clients = Table(
    "clients",
    metadata,
    Column("client_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("secret_hash", Text, nullable=False),
    Column("scopes", Text, nullable=False, doc="space-separated"),
    Column("rate_limit_per_second", Float, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("secret_rotated_at", UtcDateTime(), nullable=True),
    Column("disabled_at", UtcDateTime(), nullable=True),
    Column(
        "tokens_valid_after",
        UtcDateTime(),
        nullable=True,
        doc="tokens issued before are refused; set when the client is disabled or its secret rotated",
    ),
    Column(
        "pseudonym_domain",
        String(64),
        nullable=True,
        doc="set: the registry shows this client its own pseudonyms (機関別符号) instead of resident codes",
    ),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("private_key", LargeBinary, nullable=False, doc="PKCS#8, encrypted with the key secret"),
    Column("public_jwk", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("retired_at", UtcDateTime(), nullable=True, doc="signs no more from then"),
    Column("expires_at", UtcDateTime(), nullable=True, doc="verifies no more from then"),
)

"""The revitalization service's own tables (its database is its own; no other service reads it)."""

from __future__ import annotations

from shared.db.base import new_metadata
from shared.web.idempotency import idempotency_table

metadata = new_metadata()
idempotency_keys = idempotency_table(metadata)

"""The append-only, hash-chained audit log of administrative actions."""

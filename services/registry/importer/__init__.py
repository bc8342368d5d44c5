"""Bulk import of residents from CSV or JSON Lines (PostgreSQL COPY; a portable path on SQLite)."""

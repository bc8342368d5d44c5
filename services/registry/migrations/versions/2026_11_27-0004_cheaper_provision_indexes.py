"""cheaper provision indexes: the access log's resident index as GIN, a covering index for bulk verification

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 16:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERIFICATION_COLUMNS = ["status", "status_since", "protected", "local_government_code", "address"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite keeps its plain index on resident_code; a covering index buys it nothing
    # Every provision adds an access-log row, and a B-tree on (resident_code, entry_id) took each
    # one to a random leaf: at 7.5 million rows (509 MB of index, beyond shared_buffers) that
    # insert cost 6-7 us of database CPU per entry, two thirds of the log's cost and a third of a
    # bulk-verified record's. A GIN index queues its inserts in a pending list and merges them
    # key-sorted, a resident's entries in one compressed posting list: 47 MB for the same rows,
    # and an entry costs what it costs without the index (3.6-5.6 us against 10.6-11.8). The
    # disclosure, rare beside provisions, reads a resident's entries through it and sorts them
    # (26 ms for a resident provided 5,968 times). btree_gin is a trusted extension shipped with
    # PostgreSQL: the database's owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.drop_index("ix_access_log_resident", table_name="access_log")
    op.create_index("ix_access_log_resident", "access_log", ["resident_code"], postgresql_using="gin")
    # A bulk verification of a thousand random residents read a thousand random heap pages of
    # `residents`; with the columns it answers from in the index, an index-only scan: 5.5-6 us of
    # database CPU per record instead of 9.5-10.8, at 1 M residents.
    op.create_index(
        "ix_residents_verification",
        "residents",
        ["resident_code"],
        postgresql_include=VERIFICATION_COLUMNS,
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_residents_verification", table_name="residents")
    op.drop_index("ix_access_log_resident", table_name="access_log")
    op.create_index("ix_access_log_resident", "access_log", ["resident_code", "entry_id"])

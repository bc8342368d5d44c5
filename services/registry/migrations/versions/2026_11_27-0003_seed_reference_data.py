"""seed reference data: the ministry's code list, the feed head, the access-log lanes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 05:00:00.000000
"""

import csv
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEED_CSV = Path(__file__).resolve().parents[2] / "data" / "local_government_codes.csv"
# The lanes of the hash chain this revision had (retired by 0005); migrations do not import the service.
ACCESS_LOG_LANES = 64
GENESIS_HASH = bytes(32)


def upgrade() -> None:
    codes = sa.table(
        "local_government_codes",
        sa.column("code", sa.String),
        sa.column("prefecture", sa.String),
        sa.column("prefecture_kana", sa.String),
        sa.column("name", sa.String),
        sa.column("name_kana", sa.String),
        sa.column("kind", sa.String),
        sa.column("from_date", sa.Date),
        sa.column("to_date", sa.Date),
    )
    with SEED_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [
            {
                "code": row["code"],
                "prefecture": row["prefecture"],
                "prefecture_kana": row["prefecture_kana"],
                "name": row["name"] or None,
                "name_kana": row["name_kana"] or None,
                "kind": row["kind"],
                "from_date": None,
                "to_date": None,
            }
            for row in csv.DictReader(handle)
        ]
    op.bulk_insert(codes, rows)
    feed_head = sa.table(
        "feed_head", sa.column("id", sa.SmallInteger), sa.column("last_sequence", sa.BigInteger)
    )
    op.bulk_insert(feed_head, [{"id": 1, "last_sequence": 0}])
    heads = sa.table(
        "access_log_heads",
        sa.column("lane", sa.SmallInteger),
        sa.column("sequence", sa.BigInteger),
        sa.column("last_hash", sa.LargeBinary),
    )
    op.bulk_insert(
        heads, [{"lane": lane, "sequence": 0, "last_hash": GENESIS_HASH} for lane in range(ACCESS_LOG_LANES)]
    )


def downgrade() -> None:
    op.execute("DELETE FROM access_log_heads")
    op.execute("DELETE FROM feed_head")
    op.execute("DELETE FROM local_government_codes")

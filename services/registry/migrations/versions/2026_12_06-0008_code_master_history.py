"""code master history: every dated change since the Heisei mergers began (1999-04-01)

Loads `data/local_government_code_history.csv` (see `data/SOURCE.md`: e-Stat's 廃置分合等情報, as
collected by the jpcity project) onto the ministry list of 2018-10-01 that 0003 seeded: codes
retired since 1999-04-01 are added with their `to_date`, codes issued since then get their
`from_date`, and each dated change is recorded with its successions, so that a code ever issued
since then resolves to the codes that succeeded it. 郡 (district) changes touch no code and are
left out.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:50:00.000000
"""

import csv
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op

from shared.db.types import UtcDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HISTORY_CSV = Path(__file__).resolve().parents[2] / "data" / "local_government_code_history.csv"
RECORDED_AT = datetime(2026, 12, 6, 0, 0, tzinfo=UTC)
"""When the history was recorded (a fixed instant: the migration gives the same rows anywhere)."""
ISSUING = frozenset(
    {"新設合併", "市制施行", "町制施行", "政令指定都市施行", "区の新設|郡の新設", "郡の区域変更", "名称変更"}
)
"""Source event types whose successor codes (when they differ from the old one) are issued by the
change itself; a 区の再編 issues the successors not seen before; a 編入合併 issues none."""

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
changes = sa.table(
    "local_government_code_changes",
    sa.column("change_id", sa.BigInteger),
    sa.column("effective_date", sa.Date),
    sa.column("kind", sa.String),
    sa.column("description", sa.Text),
    sa.column("retired_codes", sa.JSON),
    sa.column("new_codes", sa.JSON),
    sa.column("recorded_at", UtcDateTime()),
)
successions = sa.table(
    "local_government_code_successions",
    sa.column("code", sa.String),
    sa.column("successor_code", sa.String),
    sa.column("change_id", sa.BigInteger),
)


def _grouped(rows: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    """The file's rows (one per retired → successor pair) as changes, in file order."""
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault((row["effective_date"], row["description"]), []).append(row)
    return sorted(groups.values(), key=lambda group: group[0]["effective_date"])


def _kind(name: str, parent: str, event_type: str) -> str:
    if event_type == "政令指定都市施行":
        return "designated_city"
    if parent.endswith("市") and name != parent:
        return "designated_city_ward"
    return "municipality"


def upgrade() -> None:
    connection = op.get_bind()
    known: dict[str, dict[str, Any]] = {
        row.code: dict(row._mapping) for row in connection.execute(sa.select(codes))
    }
    prefecture_kana = {row["prefecture"]: row["prefecture_kana"] for row in known.values()}
    with HISTORY_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    inserted: dict[str, dict[str, Any]] = {}
    from_dates: dict[str, date] = {}
    to_dates: dict[str, date] = {}
    change_rows: list[dict[str, Any]] = []
    succession_rows: list[dict[str, Any]] = []
    linked: set[tuple[str, str]] = set()

    def ensure(code: str, name: str, kana: str, kind: str, prefecture: str) -> None:
        if code not in known and code not in inserted:
            inserted[code] = {
                "code": code,
                "prefecture": prefecture,
                "prefecture_kana": prefecture_kana[prefecture],
                "name": name,
                "name_kana": kana,
                "kind": kind,
                "from_date": None,
                "to_date": None,
            }

    for change_id, group in enumerate(_grouped(rows), start=1):
        first = group[0]
        effective = date.fromisoformat(first["effective_date"])
        retired: list[str] = []
        new: list[str] = []
        pairs: set[tuple[str, str]] = set()
        # A 新設合併 may keep one of the merged bodies' codes (静岡市 2003): that code continues.
        continuing = {row["retired_code"] for row in group}
        successors_here = {row["successor_code"] for row in group}
        for row in group:
            old, successor = row["retired_code"], row["successor_code"]
            prefecture = row["prefecture"]
            if old and old not in successors_here and old not in retired:
                retired.append(old)
                ward = row["retired_name"].endswith("区") and "市" in row["retired_name"][:-1]
                kind = "designated_city_ward" if ward else "municipality"
                ensure(old, row["retired_name"], row["retired_name_kana"], kind, prefecture)
                to_dates[old] = effective
            if not successor:
                continue
            kind = _kind(row["successor_name"], row["successor_parent"], row["source_event_type"])
            unseen = successor not in known and successor not in inserted and successor not in from_dates
            issues = row["source_event_type"] in ISSUING or (
                row["source_event_type"] == "区の再編" and unseen
            )
            if issues and successor not in continuing and successor not in from_dates:
                new.append(successor)
                from_dates[successor] = effective
            ensure(successor, row["successor_name"], row["successor_name_kana"], kind, prefecture)
            if old and old != successor:
                pairs.add((old, successor))
        change_rows.append(
            {
                "change_id": change_id,
                "effective_date": effective,
                "kind": first["kind"],
                "description": (
                    f"{first['description']} ({first['source_event_type']}; source: {first['source']})"
                ),
                "retired_codes": retired,
                "new_codes": new,
                "recorded_at": RECORDED_AT,
            }
        )
        # 上九一色村 (2006-03-01) is split between two changes that both name 甲府市: one link.
        succession_rows += [
            {"code": old, "successor_code": successor, "change_id": change_id}
            for old, successor in sorted(pairs - linked)
        ]
        linked |= pairs
    if inserted:
        op.bulk_insert(codes, list(inserted.values()))
    for code, starts in from_dates.items():
        connection.execute(codes.update().where(codes.c.code == code).values(from_date=starts))
    for code, ends in to_dates.items():
        connection.execute(codes.update().where(codes.c.code == code).values(to_date=ends))
    op.bulk_insert(changes, change_rows)
    op.bulk_insert(successions, succession_rows)
    if connection.dialect.name == "postgresql":
        # The ids were given here: the next change recorded through the API takes the one after.
        connection.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('local_government_code_changes', 'change_id'), "
                "(SELECT max(change_id) FROM local_government_code_changes))"
            )
        )


SEED_CSV = Path(__file__).resolve().parents[2] / "data" / "local_government_codes.csv"


def downgrade() -> None:
    """Back to the 2018-10-01 list as 0003 seeded it (changes recorded since are dropped too)."""
    with SEED_CSV.open(encoding="utf-8", newline="") as handle:
        seeded = [row["code"] for row in csv.DictReader(handle)]
    op.execute("DELETE FROM local_government_code_successions")
    op.execute("DELETE FROM local_government_code_changes")
    connection = op.get_bind()
    connection.execute(codes.delete().where(codes.c.code.not_in(seeded)))
    connection.execute(codes.update().values(from_date=None, to_date=None))

"""A bare baseline must run the statement the service runs: the same columns from the same tables.
Otherwise a ratio to it measures the difference of the two reads, not the service's own layers."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Select
from sqlalchemy.dialects import postgresql

from services.elections.setup.repository import _ELECTION
from services.funds.organizations.repository import _BY_ID
from tests.bench.elections import ELECTION_SQL
from tests.bench.funds import ORGANIZATION_SQL


def _columns(sql: str) -> list[str]:
    selected = re.search(r"SELECT (.*?) FROM ", sql, re.DOTALL)
    assert selected is not None
    return [part.strip().split(" AS ")[-1].split(".")[-1] for part in selected.group(1).split(",")]


def _tables(sql: str) -> set[str]:
    return set(re.findall(r"(?:FROM|JOIN) (\w+)", sql))


@pytest.mark.parametrize(
    ("baseline", "statement"),
    [(ORGANIZATION_SQL, _BY_ID.statement), (ELECTION_SQL, _ELECTION.statement)],
    ids=["funds_organization_get", "elections_get_election"],
)
def test_the_baseline_reads_what_the_service_reads(baseline: str, statement: Select[object]) -> None:
    service_sql = str(statement.compile(dialect=postgresql.asyncpg.dialect()))  # type: ignore[no-untyped-call]
    assert _columns(baseline) == [column.name for column in statement.selected_columns]
    assert _tables(baseline) == _tables(service_sql)

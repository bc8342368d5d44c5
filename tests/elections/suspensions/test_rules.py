"""The days a suspension covers, hand-computed around one election (polling day 2026-07-05, announced
2026-06-28: voting open from 2026-06-29)."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from services.elections.suspensions.rules import BASES_FILE, Period, bases, describe, voting_period
from shared.contracts.elections import SuspensionBasis

POLLING = date(2026, 7, 5)
FIRST, LAST = voting_period(date(2026, 6, 28), POLLING)


def test_the_voting_period_runs_from_the_day_after_the_announcement_to_polling_day() -> None:
    assert (date(2026, 6, 29), POLLING) == (FIRST, LAST)


@pytest.mark.parametrize(
    ("period", "on_polling_day", "marked", "last_day"),
    [
        # Ends the day before polling day: the vote is back on polling day, but early voting days are
        # still covered, so the roll shows the mark.
        (Period(date(2021, 7, 5), date(2026, 7, 4)), False, True, date(2026, 7, 4)),
        # Ends on polling day (inclusive): no vote on polling day.
        (Period(date(2021, 7, 5), date(2026, 7, 5)), True, True, date(2026, 7, 5)),
        # Open-ended (serving a sentence): marked until lifted.
        (Period(date(2025, 1, 1), None), True, True, None),
        # Open-ended, lifted from polling day: the vote is back that day.
        (Period(date(2025, 1, 1), None, lifted_on=date(2026, 7, 5)), False, True, date(2026, 7, 4)),
        # Lifted before the voting period: nothing left to mark.
        (Period(date(2025, 1, 1), None, lifted_on=date(2026, 6, 29)), False, False, date(2026, 6, 28)),
        # Ended long before.
        (Period(date(2015, 1, 1), date(2020, 1, 1)), False, False, date(2020, 1, 1)),
        # Starts after polling day.
        (Period(date(2026, 7, 6), None), False, False, None),
        # Starts on polling day.
        (Period(date(2026, 7, 5), date(2031, 7, 4)), True, True, date(2031, 7, 4)),
        # A notice lifted from its first day (it was wrong): never in effect.
        (
            Period(date(2026, 7, 1), date(2030, 1, 1), lifted_on=date(2026, 7, 1)),
            False,
            False,
            date(2026, 6, 30),
        ),
    ],
)
def test_covered_days(period: Period, on_polling_day: bool, marked: bool, last_day: date | None) -> None:
    assert period.covers(POLLING) is on_polling_day
    assert period.overlaps(FIRST, LAST) is marked
    assert period.last_day == last_day


def test_every_basis_is_rule_data_with_an_article() -> None:
    data = bases()
    assert set(data) == set(SuspensionBasis)
    assert data[SuspensionBasis.ELECTION_OFFENCE].article == "公職選挙法第252条"
    assert data[SuspensionBasis.POLITICAL_FUNDS_OFFENCE].article == "政治資金規正法第28条"
    # Art. 11-2 takes only the right to stand: no mark on the voting roll.
    assert not data[SuspensionBasis.CANDIDACY_BRIBERY].suspends_voting
    assert all(b.suspends_voting for c, b in data.items() if c != SuspensionBasis.CANDIDACY_BRIBERY)
    # The Act's articles were read in a mirror of e-Gov's text; the Political Funds Control Act's was not.
    unread = {c for c, b in data.items() if not b.verified}
    assert unread == {SuspensionBasis.POLITICAL_FUNDS_OFFENCE}
    sources = tomllib.loads(BASES_FILE.read_text(encoding="utf-8"))
    assert all(item["source"] for item in sources.values())  # each says where it was checked
    assert BASES_FILE.read_text(encoding="utf-8").count("article = ") == len(SuspensionBasis)


def test_the_reason_names_article_dates_and_notice() -> None:
    text = describe(
        SuspensionBasis.ELECTION_OFFENCE, Period(date(2024, 4, 1), date(2029, 3, 31)), "通知第7号"
    )
    assert "公職選挙法第252条" in text
    assert "from 2024-04-01 until 2029-03-31" in text
    assert "通知第7号" in text
    assert "until further notice" in describe(
        SuspensionBasis.SERVING_SENTENCE, Period(date(2024, 4, 1), None), "x"
    )

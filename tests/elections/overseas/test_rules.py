"""Overseas roll rules, hand-computed (today 2026-06-06 unless said)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.elections.overseas.rules import Check, Emigrant, decide, is_national, review, roll_number
from services.elections.overseas.source import emigrant_of
from services.elections.roll.source import RollPeriod, RollResident
from shared.contracts.elections import OverseasApplicationState, OverseasChannel, OverseasRemovalReason
from shared.contracts.registry import EventType, LifeEvent, ResidentStatus
from tests.elections.fake_registry import code

TODAY = date(2026, 6, 6)
ABROAD = Emigrant(
    nationality="JP",
    birth_date=date(1980, 5, 5),
    deceased=False,
    moved_abroad_on=date(2026, 1, 10),
    last_municipality="131016",
    last_period_from=date(2000, 1, 1),
)
CONSULATE = OverseasChannel.CONSULATE
MOVE = OverseasChannel.MOVE_ABROAD


def failed(decision: object) -> set[Check]:
    return {r.code for r in decision.reasons if not r.satisfied}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("abroad_since", "state", "registrable_on"),
    [
        (date(2026, 3, 6), OverseasApplicationState.REGISTERED, None),  # 3 months exactly on 6 June
        (date(2026, 3, 7), OverseasApplicationState.PENDING, date(2026, 6, 7)),
        (date(2026, 3, 31), OverseasApplicationState.PENDING, date(2026, 6, 30)),
    ],
)
def test_three_months_in_the_consulate_area(
    abroad_since: date, state: OverseasApplicationState, registrable_on: date | None
) -> None:
    decision = decide(CONSULATE, abroad_since, ABROAD, TODAY)
    assert (decision.state, decision.registrable_on) == (state, registrable_on)


def test_month_end_is_clamped() -> None:
    # 30 November + 3 months = 28 February (2026 is a common year).
    assert (
        decide(CONSULATE, date(2025, 11, 30), ABROAD, date(2026, 2, 28)).state
        == OverseasApplicationState.REGISTERED
    )
    assert decide(CONSULATE, date(2025, 11, 30), ABROAD, date(2026, 2, 27)).registrable_on == date(
        2026, 2, 28
    )


@pytest.mark.parametrize(
    ("birth", "state"),
    [
        (date(2008, 6, 7), OverseasApplicationState.REGISTERED),  # 18 on 6 June, the day before the birthday
        (date(2008, 6, 8), OverseasApplicationState.REFUSED),
    ],
)
def test_age_18_on_the_day_of_the_decision(birth: date, state: OverseasApplicationState) -> None:
    emigrant = Emigrant(
        nationality="JP",
        birth_date=birth,
        deceased=False,
        moved_abroad_on=ABROAD.moved_abroad_on,
        last_municipality="131016",
        last_period_from=date(2020, 1, 1),
    )
    assert decide(CONSULATE, date(2026, 1, 10), emigrant, TODAY).state == state


def test_refusals_name_what_failed() -> None:
    foreign = Emigrant(
        "US", date(1980, 5, 5), False, moved_abroad_on=date(2026, 1, 10), last_municipality="131016"
    )
    assert failed(decide(CONSULATE, date(2026, 1, 10), foreign, TODAY)) == {Check.JAPANESE_NATIONAL}
    returned = Emigrant(
        "JP",
        date(1980, 5, 5),
        False,
        moved_abroad_on=date(2025, 1, 10),
        last_municipality="131016",
        returned_on=date(2026, 1, 1),
    )
    decision = decide(CONSULATE, date(2025, 1, 10), returned, TODAY)
    assert (decision.state, failed(decision)) == (OverseasApplicationState.REFUSED, {Check.LIVES_ABROAD})
    twice = decide(CONSULATE, date(2026, 1, 10), ABROAD, TODAY, registered_as="在外131016-000001")
    assert (twice.state, failed(twice)) == (OverseasApplicationState.REFUSED, {Check.NOT_REGISTERED})
    dead = Emigrant(
        "JP", date(1980, 5, 5), True, moved_abroad_on=date(2026, 1, 10), last_municipality="131016"
    )
    assert Check.ALIVE in failed(decide(CONSULATE, date(2026, 1, 10), dead, TODAY))


@pytest.mark.parametrize(
    ("period_from", "moved", "state"),
    [
        (date(2026, 1, 10), date(2026, 4, 10), OverseasApplicationState.REGISTERED),  # 3 months to the day
        (date(2026, 1, 11), date(2026, 4, 10), OverseasApplicationState.REFUSED),  # one day short
        (None, None, OverseasApplicationState.PENDING),  # the move abroad is not recorded yet
    ],
)
def test_transfer_when_moving_abroad(
    period_from: date | None, moved: date | None, state: OverseasApplicationState
) -> None:
    emigrant = Emigrant(
        "JP",
        date(1980, 5, 5),
        False,
        moved_abroad_on=moved,
        last_municipality="131016" if moved else None,
        last_period_from=period_from,
    )
    assert decide(MOVE, None, emigrant, TODAY).state == state


def test_review_removes_and_marks() -> None:
    assert review(Emigrant("JP", date(1980, 5, 5), True), TODAY).removal == OverseasRemovalReason.DECEASED
    assert (
        review(Emigrant("US", date(1980, 5, 5), False), TODAY).removal
        == OverseasRemovalReason.LOST_NATIONALITY
    )
    back = Emigrant(
        "JP", date(1980, 5, 5), False, moved_abroad_on=date(2020, 1, 1), returned_on=date(2026, 2, 6)
    )
    # Four months after 6 February is 6 June: marked until 5 June, removed from 6 June.
    assert review(back, date(2026, 6, 5)).removal is None
    assert review(back, date(2026, 6, 5)).returned_on == date(2026, 2, 6)
    assert review(back, date(2026, 6, 6)).removal == OverseasRemovalReason.RETURNED_TO_JAPAN
    assert review(ABROAD, TODAY) == review(ABROAD, TODAY).__class__(None, None)


def test_national_elections_and_numbering() -> None:
    assert is_national({"house_of_councillors_national", "governor"})
    assert is_national({"house_of_representatives_district"})
    assert not is_national({"mayor", "municipal_assembly"})
    assert not is_national(set())
    assert roll_number("131016", 1) == "在外131016-000001"


def test_the_move_abroad_and_the_last_municipality_come_from_the_events() -> None:
    resident = RollResident(
        resident_code=code(1),
        date_of_birth=date(1980, 5, 5),
        nationality="JP",
        status=ResidentStatus.MOVED_OUT,
        residence_history=[
            RollPeriod(local_government_code="011002", from_date=date(1990, 1, 1), to_date=date(2010, 4, 1)),
            RollPeriod(local_government_code="131016", from_date=date(2010, 4, 1), to_date=date(2026, 1, 10)),
        ],
    )

    def event(sequence: int, kind: EventType, on: date, **extra: object) -> LifeEvent:
        return LifeEvent.model_validate(
            {
                "sequence": sequence,
                "type": kind,
                "resident_code": code(1),
                "effective_date": on,
                "recorded_at": datetime.now(UTC),
                "resident_version": sequence,
                **extra,
            }
        )

    events = [
        event(
            1,
            EventType.MOVE_OUT,
            date(2010, 4, 1),
            from_local_government_code="011002",
            to_local_government_code="131016",
        ),
        event(2, EventType.MOVE_OUT, date(2026, 1, 10), from_local_government_code="131016", to_abroad=True),
    ]
    found = emigrant_of(resident, events)
    assert (found.moved_abroad_on, found.last_municipality, found.last_period_from, found.returned_on) == (
        date(2026, 1, 10),
        "131016",
        date(2010, 4, 1),
        None,
    )
    back = emigrant_of(resident, [*events, event(3, EventType.MOVE_IN, date(2026, 5, 1), from_abroad=True)])
    assert back.returned_on == date(2026, 5, 1)
    assert emigrant_of(resident, events[:1]).moved_abroad_on is None

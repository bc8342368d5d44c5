"""Who is registered on the overseas roll, and when an entry is marked or removed (pure).

Public Offices Election Act (text as published, 令和四年法律第五十二号 amendment, in force 2024-04-01,
read from https://iuris.jp quoting e-Gov, 2026-12-06):
- art. 30-4(1): registration on a consulate application: a Japanese national aged 18 or more, not on the
  overseas roll, without the vote suspended, living in the consulate's area continuously for 3 months.
- art. 30-4(2): transfer to the overseas roll (出国時申請, art. 30-5(4)): a Japanese national aged 18 or
  more on the roll of the municipality of their last address (最終住所) who now lives abroad. Being on
  that roll is taken here as: three months recorded in the municipality when they left (art. 21).
- art. 30-3(1): the roll records the last address (最終住所: the address just before moving abroad); the
  roll is the municipality's of that address.
- art. 30-11(1): removal on death or loss of nationality (i); four months after the date a person marked
  under art. 30-10(1) set up a domestic address (ii); wrongly registered (iii, not automated here).
Age is counted like the domestic roll (the day before the birthday); periods of months end on the same
calendar day (clamped to the month's end), as in `roll/eligibility.py`.
Not modelled: people who never lived in Japan (registered by their 本籍, art. 30-3), the suspension of
registration around an election (art. 30-6(?); unverified), the 指定在外選挙投票区 (art. 30-3(2)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from services.elections.roll.eligibility import JAPANESE, VOTING_AGE, add_months, attains_age_on
from shared.contracts.elections import (
    ContestKind,
    OverseasApplicationState,
    OverseasChannel,
    OverseasRemovalReason,
)

NATIONAL_KINDS = frozenset(
    {
        ContestKind.HOUSE_OF_REPRESENTATIVES_DISTRICT,
        ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL,
        ContestKind.HOUSE_OF_COUNCILLORS_DISTRICT,
        ContestKind.HOUSE_OF_COUNCILLORS_NATIONAL,
    }
)
"""Overseas voters vote in elections of both Houses only, district and proportional (art. 49-2)."""

MONTHS_ABROAD = 3
MONTHS_AFTER_RETURN = 4


def is_national(kinds: set[str]) -> bool:
    return any(ContestKind(kind) in NATIONAL_KINDS for kind in kinds)


@dataclass(frozen=True, slots=True)
class Emigrant:
    """What the registry shows of an applicant: the move abroad (its date and the municipality left, from
    the move-out event with `to_abroad`), the start of that last domestic residence, a later return."""

    nationality: str | None
    birth_date: date | None
    deceased: bool
    sex: str = "not_known"
    moved_abroad_on: date | None = None
    last_municipality: str | None = None
    last_period_from: date | None = None
    returned_on: date | None = None


class Check(StrEnum):
    JAPANESE_NATIONAL = "japanese_national"
    AGE_18 = "age_18"
    ALIVE = "alive"
    LIVES_ABROAD = "lives_abroad"
    THREE_MONTHS_ABROAD = "resident_3_months_in_consulate_area"
    ON_LAST_ROLL = "resident_3_months_in_last_municipality"
    NOT_REGISTERED = "not_on_overseas_roll"


@dataclass(frozen=True, slots=True)
class Reason:
    code: Check
    satisfied: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Decision:
    state: OverseasApplicationState
    reasons: list[Reason] = field(default_factory=list)
    registrable_on: date | None = None


def _identity(emigrant: Emigrant, today: date) -> list[Reason]:
    adult_on = attains_age_on(emigrant.birth_date, VOTING_AGE) if emigrant.birth_date else None
    return [
        Reason(
            Check.JAPANESE_NATIONAL, emigrant.nationality == JAPANESE, f"nationality {emigrant.nationality}"
        ),
        Reason(
            Check.AGE_18,
            adult_on is not None and adult_on <= today,
            f"18 from {adult_on}" if adult_on else "no date of birth in the registry",
        ),
        Reason(Check.ALIVE, not emigrant.deceased, "deceased" if emigrant.deceased else "living"),
    ]


def _abroad(emigrant: Emigrant) -> Reason:
    living_abroad = emigrant.moved_abroad_on is not None and emigrant.returned_on is None
    detail = (
        f"moved abroad from {emigrant.last_municipality} on {emigrant.moved_abroad_on}"
        if living_abroad
        else "the registry shows no move abroad without a later return"
    )
    return Reason(Check.LIVES_ABROAD, living_abroad, detail)


def decide(
    channel: OverseasChannel,
    abroad_since: date | None,
    emigrant: Emigrant,
    today: date,
    *,
    registered_as: str | None = None,
) -> Decision:
    """Registered when every condition holds; pending when only the time abroad (or the move abroad of an
    application made while filing it) is still to come; refused otherwise. `registered_as` is the
    person's standing entry on an overseas roll, if any."""
    reasons = [
        *_identity(emigrant, today),
        Reason(
            Check.NOT_REGISTERED,
            registered_as is None,
            f"on the overseas roll as {registered_as}" if registered_as else "not on an overseas roll",
        ),
        _abroad(emigrant),
    ]
    waiting_for: date | None = None
    if channel == OverseasChannel.CONSULATE:
        assert abroad_since is not None
        ready_on = add_months(abroad_since, MONTHS_ABROAD)
        reasons.append(
            Reason(Check.THREE_MONTHS_ABROAD, ready_on <= today, f"3 months in the area on {ready_on}")
        )
        waiting_for = ready_on if ready_on > today else None
    else:
        left, since = emigrant.moved_abroad_on, emigrant.last_period_from
        enough = left is not None and since is not None and add_months(since, MONTHS_ABROAD) <= left
        reasons.append(
            Reason(
                Check.ON_LAST_ROLL, enough, f"recorded in {emigrant.last_municipality} from {since} to {left}"
            )
        )
    failed = {r.code for r in reasons if not r.satisfied}
    if not failed:
        return Decision(OverseasApplicationState.REGISTERED, reasons)
    if failed == {Check.THREE_MONTHS_ABROAD}:
        return Decision(OverseasApplicationState.PENDING, reasons, waiting_for)
    if (
        channel == OverseasChannel.MOVE_ABROAD
        and failed <= {Check.LIVES_ABROAD, Check.ON_LAST_ROLL}
        and (emigrant.moved_abroad_on is None)
    ):
        return Decision(OverseasApplicationState.PENDING, reasons)  # the move abroad is not recorded yet
    return Decision(OverseasApplicationState.REFUSED, reasons)


@dataclass(frozen=True, slots=True)
class Review:
    """What a review of a standing entry finds: a removal, a mark (returned to Japan), or nothing."""

    removal: OverseasRemovalReason | None = None
    returned_on: date | None = None


def review(emigrant: Emigrant, today: date) -> Review:
    if emigrant.deceased:
        return Review(OverseasRemovalReason.DECEASED)
    if emigrant.nationality != JAPANESE:
        return Review(OverseasRemovalReason.LOST_NATIONALITY)
    returned = emigrant.returned_on
    if returned is not None and add_months(returned, MONTHS_AFTER_RETURN) <= today:
        return Review(OverseasRemovalReason.RETURNED_TO_JAPAN, returned)
    return Review(None, returned)


def roll_number(local_government_code: str, number: int) -> str:
    return f"在外{local_government_code}-{number:06d}"

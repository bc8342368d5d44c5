"""Seat allocation: plurality with the statutory minimum, D'Hondt, and filling a party's seats.

Ties are never broken by order. When equal contenders compete for fewer seats than there are
of them, allocation stops with a `Tie`; a recorded `Lot` for exactly that tie lets it go on.
Contenders are opaque string keys (e.g. "candidate:12", "party:3").
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Tie:
    """Equal contenders for fewer seats than there are of them: a lot is required."""

    contenders: tuple[str, ...]
    seats_at_stake: int
    value: Fraction


@dataclass(frozen=True, slots=True)
class Lot:
    """The outcome of a drawn lot: who won the seats at stake among the tied contenders."""

    contenders: frozenset[str]
    seats_at_stake: int
    winners: tuple[str, ...]


def find_lot(lots: Iterable[Lot], tie: Tie) -> Lot | None:
    for lot in lots:
        if lot.contenders == frozenset(tie.contenders) and lot.seats_at_stake == tie.seats_at_stake:
            return lot
    return None


def draw_with_seed(seed: str, contenders: Iterable[str], seats: int) -> tuple[str, ...]:
    """A lot drawn from a seed committed before the count: reproducible by anyone holding it."""
    ranked = sorted(contenders, key=lambda c: hashlib.sha256(f"{seed}\x00{c}".encode()).hexdigest())
    return tuple(ranked[:seats])


def _groups(values: Mapping[str, Fraction]) -> list[tuple[Fraction, list[str]]]:
    by_value: dict[Fraction, list[str]] = {}
    for key, value in values.items():
        by_value.setdefault(value, []).append(key)
    return [(value, sorted(by_value[value])) for value in sorted(by_value, reverse=True)]


@dataclass(frozen=True, slots=True)
class Filled:
    elected: tuple[str, ...]
    tie: Tie | None
    lots_applied: tuple[Lot, ...] = ()


def fill_by_rank(values: Mapping[str, Fraction], seats: int, lots: Sequence[Lot]) -> Filled:
    """The `seats` highest values; a tie across the last seats needs a lot."""
    elected: list[str] = []
    applied: list[Lot] = []
    for value, group in _groups(values):
        remaining = seats - len(elected)
        if remaining <= 0:
            break
        if len(group) <= remaining:
            elected.extend(group)
            continue
        tie = Tie(tuple(group), remaining, value)
        lot = find_lot(lots, tie)
        if lot is None:
            return Filled(tuple(elected), tie, tuple(applied))
        elected.extend(lot.winners)
        applied.append(lot)
        break
    return Filled(tuple(elected), None, tuple(applied))


@dataclass(frozen=True, slots=True)
class PluralityResult:
    elected: tuple[str, ...]
    qualified: frozenset[str]
    tie: Tie | None
    seats_unfilled: int
    lots_applied: tuple[Lot, ...] = ()

    @property
    def re_election_required(self) -> bool:
        return self.tie is None and self.seats_unfilled > 0


def plurality(
    votes: Mapping[str, Decimal], seats: int, minimum: Fraction, lots: Sequence[Lot] = ()
) -> PluralityResult:
    """Most votes win among those reaching the minimum; too few reaching it leaves seats unfilled."""
    qualified = {key: Fraction(value) for key, value in votes.items() if Fraction(value) >= minimum}
    # A contest where nobody polled a vote elects nobody, whatever the minimum.
    qualified = {key: value for key, value in qualified.items() if value > 0}
    filled = fill_by_rank(qualified, seats, lots)
    unfilled = 0 if filled.tie else seats - len(filled.elected)
    return PluralityResult(filled.elected, frozenset(qualified), filled.tie, unfilled, filled.lots_applied)


@dataclass(frozen=True, slots=True)
class Quotient:
    party: str
    divisor: int
    value: Fraction
    seat: int | None = None


@dataclass(frozen=True, slots=True)
class DhondtResult:
    seats: dict[str, int]
    steps: tuple[Quotient, ...]
    tie: Tie | None
    lots_applied: tuple[Lot, ...] = field(default=())


def dhondt(
    votes: Mapping[str, Decimal],
    seats: int,
    *,
    capacity: Mapping[str, int] | None = None,
    lots: Sequence[Lot] = (),
) -> DhondtResult:
    """D'Hondt highest averages. A party's quotients stop at its list length (`capacity`), so seats it
    cannot fill pass to the next quotients. `steps` are every quotient considered, highest first,
    with the seat number each one won."""
    quotients: list[Quotient] = []
    for party, party_votes in votes.items():
        if party_votes <= 0:
            continue
        limit = seats if capacity is None else min(seats, capacity.get(party, 0))
        quotients.extend(Quotient(party, d, Fraction(party_votes) / d) for d in range(1, limit + 1))
    by_value: dict[Fraction, list[Quotient]] = {}
    for quotient in quotients:
        by_value.setdefault(quotient.value, []).append(quotient)
    won = dict.fromkeys(votes, 0)
    steps: list[Quotient] = []
    applied: list[Lot] = []
    next_seat = 1
    tie: Tie | None = None
    for value in sorted(by_value, reverse=True):
        group = sorted(by_value[value], key=lambda q: q.party)
        remaining = seats - next_seat + 1
        if remaining <= 0 or tie is not None:
            steps.extend(group)
            continue
        if len(group) <= remaining:
            ordered = [q.party for q in group]
        else:
            candidate_tie = Tie(tuple(q.party for q in group), remaining, value)
            lot = find_lot(lots, candidate_tie)
            if lot is None:
                tie = candidate_tie
                steps.extend(group)
                continue
            ordered = list(lot.winners)
            applied.append(lot)
        by_party = {q.party: q for q in group}
        for party in ordered:
            steps.append(Quotient(party, by_party[party].divisor, value, next_seat))
            won[party] += 1
            next_seat += 1
        steps.extend(q for q in group if q.party not in set(ordered))
    return DhondtResult(won, tuple(steps), tie, tuple(applied))


@dataclass(frozen=True, slots=True)
class PartyFill:
    elected: tuple[str, ...]
    tie: Tie | None
    lots_applied: tuple[Lot, ...] = ()


def fill_party_seats(
    seats: int,
    *,
    ranked_first: Sequence[str],
    by_votes: Mapping[str, Decimal],
    lots: Sequence[Lot] = (),
) -> PartyFill:
    """A party's seats: first `ranked_first` in order (a ranked list, or the 特定枠 priority list),
    then the others by personal votes, highest first."""
    elected = list(ranked_first[:seats])
    remaining = seats - len(elected)
    if remaining <= 0:
        return PartyFill(tuple(elected), None)
    rest = {key: Fraction(value) for key, value in by_votes.items() if key not in set(ranked_first)}
    filled = fill_by_rank(rest, remaining, lots)
    return PartyFill(tuple(elected) + filled.elected, filled.tie, filled.lots_applied)

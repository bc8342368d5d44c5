"""Pure rules of corrections after certification and of replacement winners (繰上補充).

Rule data carries its article and whether the article's text was read (`verified`); see the
module-level tables. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from services.elections.roll.eligibility import add_months
from shared.contracts.elections import ContestKind, ContestResult, ObjectionKind, ResultChange

LOCAL = frozenset(
    {
        ContestKind.GOVERNOR,
        ContestKind.MAYOR,
        ContestKind.PREFECTURAL_ASSEMBLY,
        ContestKind.MUNICIPAL_ASSEMBLY,
    }
)
MUNICIPAL = frozenset({ContestKind.MAYOR, ContestKind.MUNICIPAL_ASSEMBLY})


@dataclass(frozen=True, slots=True)
class Basis:
    article: str
    verified: bool


# Art. 109 para. 1 item 4 names arts. 202-208 as the objections, reviews and lawsuits that can change
# winners (read). Checked 2026-12-06 in the iuris.jp mirror of the e-Gov text (version of 2024-04-01):
# art. 208 para. 1 (https://iuris.jp/…/jpn/a/22037) is the Diet elections' lawsuit on who won, against
# the prefectural commission or the Central Election Management Council, within 30 days of the notice,
# at a High Court. Arts. 206 and 207 (the local elections' objection, review and lawsuit on who won)
# were not read: the mirror's chapter page (…/jpn/c/1049) shows arts. 202-204 only, whose wording
# (objection within 14 days, review within 21, High Court within 30) they follow for the election's
# validity; so the lawsuit's basis stays unverified for its art. 207 half.
OBJECTION_BASIS: dict[ObjectionKind, Basis] = {
    ObjectionKind.OBJECTION: Basis("公職選挙法 art. 206 para. 1 (当選の効力に関する異議の申出)", False),
    ObjectionKind.REVIEW: Basis("公職選挙法 art. 206 para. 2 (審査の申立て)", False),
    ObjectionKind.LAWSUIT: Basis("公職選挙法 art. 207, 208 (当選訴訟)", False),
}


def objection_problem(kind: ObjectionKind, contest_kind: ContestKind) -> str | None:
    """Objections and reviews exist for local elections only (reviews for municipal ones, heard by the
    prefecture's commission); a national result is contested in court."""
    if kind == ObjectionKind.OBJECTION and contest_kind not in LOCAL:
        return "an objection (異議申出) lies against local election results only; national ones go to court"
    if kind == ObjectionKind.REVIEW and contest_kind not in MUNICIPAL:
        return "a review (審査申立) lies against municipal election results only"
    return None


def result_changes(before: ContestResult, after: ContestResult) -> list[ResultChange]:
    """What differs between two issues of a result: totals, each candidate's votes and election, each
    party's votes and seats, and whether a re-election is needed."""
    changes: list[ResultChange] = []

    def compare(item: str, old: object, new: object) -> None:
        if old != new:
            changes.append(ResultChange(item=item, before=_text(old), after=_text(new)))

    compare("valid_votes", before.valid_votes, after.valid_votes)
    compare("invalid_ballots", before.invalid_ballots, after.invalid_ballots)
    compare("ballots_issued", before.ballots_issued, after.ballots_issued)
    old_candidates = {c.candidate_id: c for c in before.candidates}
    for candidate in after.candidates:
        old = old_candidates.get(candidate.candidate_id)
        key = f"candidate:{candidate.candidate_id}"
        compare(f"{key}.votes", old and old.votes, candidate.votes)
        compare(f"{key}.elected", old and old.elected, candidate.elected)
    old_parties = {p.party_id: p for p in before.parties}
    for party in after.parties:
        old_party = old_parties.get(party.party_id)
        key = f"party:{party.party_id}"
        compare(f"{key}.votes", old_party and old_party.votes, party.votes)
        compare(f"{key}.seats", old_party and old_party.seats, party.seats)
    compare("re_election_required", before.re_election_required, after.re_election_required)
    return changes


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# Replacement winners (繰上補充). Art. 97-2 para. 1 (a Diet list's winner dead, disqualified or whose
# win is void: the next on the same list, in its order, not yet elected) read 2026-12-06 as quoted
# verbatim at scrapbox.io/nishio (比例代表選挙の繰り上げ当選), not e-Gov's copy. Art. 97: kotobank
# (平凡社 世界大百科事典, 当選人) puts the three-month limit in art. 97 para. 2, not para. 1: unverified.
DISTRICT_BASIS = Basis("公職選挙法 art. 97 para. 1 (within three months of polling day)", False)
PROPORTIONAL_BASIS = Basis("公職選挙法 art. 97-2 (next eligible person on the party's list)", True)
REPLACEMENT_MONTHS = 3


@dataclass(frozen=True, slots=True)
class Replacement:
    outcome: str  # replaced | no_eligible_candidate | period_expired
    candidate_id: int | None
    basis: Basis
    explanation: str


def within_period(polling_day: date, occurred_on: date) -> bool:
    """'Within three months from polling day': on or before the same calendar day three months later
    (month-end clamped)."""
    return occurred_on <= add_months(polling_day, REPLACEMENT_MONTHS)


def district_replacement(
    *,
    polling_day: date,
    occurred_on: date,
    result: ContestResult,
    unavailable: Iterable[int],
) -> Replacement:
    """District and local races: the candidate with the most votes among those who reached the
    statutory minimum and did not win, if the seat fell vacant within three months of polling day.
    Equal votes for the seat are a lot, which this refuses to decide by order (None candidate with
    outcome 'lot_required')."""
    basis = DISTRICT_BASIS
    if not within_period(polling_day, occurred_on):
        return Replacement(
            "period_expired",
            None,
            basis,
            f"the seat fell vacant on {occurred_on}, more than three months after polling day {polling_day}: "
            "a by-election (補欠選挙) fills it",
        )
    skip = set(unavailable)
    runners = sorted(
        (c for c in result.candidates if not c.elected and c.reached_minimum and c.candidate_id not in skip),
        key=lambda c: (-Fraction(c.votes), c.candidate_id),
    )
    if not runners:
        return Replacement(
            "no_eligible_candidate", None, basis, "no candidate who did not win reached the statutory minimum"
        )
    tied = [c for c in runners if c.votes == runners[0].votes]
    if len(tied) > 1:
        names = ", ".join(f"candidate:{c.candidate_id}" for c in tied)
        return Replacement("lot_required", None, basis, f"equal votes for the seat ({names}): a lot decides")
    best = runners[0]
    return Replacement(
        "replaced",
        best.candidate_id,
        basis,
        f"most votes ({best.votes}) among those who reached the statutory minimum and did not win",
    )


def list_replacement(
    *, party_order: Sequence[int], result: ContestResult, unavailable: Iterable[int]
) -> Replacement:
    """Proportional lists, at any time in the term: the next person in the party's order (rank, then
    惜敗率 in the House of Representatives) who did not win and can be elected from the list."""
    skip = set(unavailable)
    elected = {c.candidate_id for c in result.candidates if c.elected}
    for candidate_id in party_order:
        if candidate_id not in elected and candidate_id not in skip:
            return Replacement(
                "replaced", candidate_id, PROPORTIONAL_BASIS, "the next eligible person on the party's list"
            )
    return Replacement(
        "no_eligible_candidate",
        None,
        PROPORTIONAL_BASIS,
        "the party's list has nobody left who can take the seat",
    )


def party_order(result: ContestResult, party_id: int | None) -> list[int]:
    """A party's list in the order its seats were filled: House of Representatives blocks by their
    place (rank, then 惜敗率; district winners and those under the tenth have none and are left
    out), other lists by personal votes after any priority list, as the result placed them."""
    listed = [c for c in result.candidates if c.party_id == party_id]
    places = {c.candidate_id: c.list_standing.place for c in listed if c.list_standing is not None}
    if places:
        placed = {cid: place for cid, place in places.items() if place is not None}
        return sorted(placed, key=lambda cid: placed[cid])
    return [
        c.candidate_id
        for c in sorted(listed, key=lambda c: (not c.elected, -Fraction(c.votes), c.candidate_id))
    ]

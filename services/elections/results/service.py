"""Computing a contest's result from the counted sheets; lots; certification."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import orjson
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit import service as audit
from services.elections.overseas import service as overseas
from services.elections.results import export, repository
from services.elections.results.allocation import Lot as LotOutcome
from services.elections.results.allocation import (
    Quotient,
    Tie,
    dhondt,
    draw_with_seed,
    fill_party_seats,
    plurality,
)
from services.elections.results.apportionment import apportion, truncate_thousandths
from services.elections.results.block_lists import (
    DistrictStanding,
    ListEntry,
    Placed,
    eligible,
    fill_block_list,
)
from services.elections.results.reelection import re_election
from services.elections.results.thresholds import forfeits_deposit, reaches_minimum, statutory_lines
from services.elections.setup import repository as setup_repository
from services.elections.setup.service import require_contest, require_election
from services.elections.tallies.sheets import ambiguous_selections
from shared.contracts.elections import (
    CandidateResult,
    ContestKind,
    ContestResult,
    DistrictResult,
    ElectionResults,
    ListStanding,
    Lot,
    LotIn,
    LotRequired,
    PartyResult,
    QuotientStep,
    ResultChange,
    ResultStatus,
    SelectionCount,
)
from shared.values import is_prefecture_code, is_valid_local_government_code
from shared.web.problems import Conflict

ZERO = Decimal("0.000")


class District:
    """A contest's district as a lookup: the codes it lists, and the prefectures it names whole. Built
    once per contest, so that placing every counting district of a general election costs a set probe
    each rather than a check digit per listed code."""

    def __init__(self, areas: list[str]) -> None:
        self._codes = frozenset(areas)
        self._prefectures = frozenset(a[:2] for a in areas if is_prefecture_code(a))

    def __contains__(self, code: str) -> bool:
        if code in self._codes:
            return True
        return code[:2] in self._prefectures and is_valid_local_government_code(code)


class DistrictIndex:
    """An election's counting districts indexed by municipality and by prefecture, built once per
    request: a contest finds its counting districts by looking up the codes it lists, so a general
    election costs the sum of its contests' areas rather than every contest times every counting
    district. Membership is `District`'s: a listed code, or a valid code of a prefecture listed whole."""

    def __init__(self, rows: list[Row[Any]]) -> None:
        self._rows = rows
        self._by_code: dict[str, list[int]] = defaultdict(list)
        self._by_prefecture: dict[str, list[int]] = defaultdict(list)
        for position, row in enumerate(rows):
            code = row.local_government_code
            self._by_code[code].append(position)
            if is_valid_local_government_code(code):
                self._by_prefecture[code[:2]].append(position)

    def within(self, areas: list[str]) -> list[Row[Any]]:
        """The counting districts of a contest listing `areas`, in the election's order."""
        positions: set[int] = set()
        for area in areas:
            positions.update(self._by_code.get(area, ()))
            if is_prefecture_code(area):
                positions.update(self._by_prefecture.get(area[:2], ()))
        return [self._rows[position] for position in sorted(positions)]


def covers(areas: list[str], code: str) -> bool:
    """A counting district belongs to a contest whose district lists its municipality or its prefecture."""
    return code in District(areas)


@dataclass
class Decided:
    """What one request has read and decided so far, so that a whole election costs one pass: each
    contest's result (a block reads its districts' from here), and per election its counting districts
    and the stations counted in each."""

    results: dict[int, ContestResult] = field(default_factory=dict)
    districts: dict[int, DistrictIndex] = field(default_factory=dict)
    stations: dict[int, dict[int, int]] = field(default_factory=dict)


@dataclass
class Tallied:
    districts_total: int
    districts_reported: int
    candidate_votes: dict[int, Decimal]
    party_name_votes: dict[int, Decimal]
    ballots_issued: int
    invalid_ballots: int
    unreturned_ballots: int
    by_district: list[DistrictResult]


async def _election_districts(session: AsyncSession, election_id: int, decided: Decided) -> DistrictIndex:
    if election_id not in decided.districts:
        decided.districts[election_id] = DistrictIndex(await repository.districts_of(session, election_id))
    return decided.districts[election_id]


async def _tally(session: AsyncSession, contest: Row[Any], decided: Decided) -> Tallied:
    areas = (await setup_repository.areas_of(session, [contest.id]))[contest.id]
    districts = (await _election_districts(session, contest.election_id, decided)).within(areas)
    ours = {d.id for d in districts}
    if contest.election_id not in decided.stations:
        decided.stations[contest.election_id] = await repository.station_counts(session, contest.election_id)
    stations = decided.stations[contest.election_id]
    issued = invalid = unreturned = 0
    reported_ids: set[int] = set()
    for row in await repository.counted_sheets(session, contest.id):
        if row.counting_district_id not in ours:
            continue
        issued += int(row.ballots_issued)
        invalid += int(row.invalid_ballots)
        unreturned += int(row.unreturned_ballots)
        station_total = stations.get(row.counting_district_id, 0)
        whole = row.sheets > row.station_sheets
        if whole or (station_total > 0 and row.station_sheets >= station_total):
            reported_ids.add(row.counting_district_id)
    per_district: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in await repository.counts_by_district(session, contest.id):
        if row.counting_district_id in ours:
            per_district[row.counting_district_id][row.selection] = Decimal(row.votes).quantize(ZERO)
    candidate_votes: dict[int, Decimal] = defaultdict(lambda: ZERO)
    party_votes: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_district = []
    for district in districts:
        counts = per_district.get(district.id, {})
        clear = {int(k.split(":")[1]): v for k, v in counts.items() if k.startswith("candidate:")}
        clear_parties = {int(k.split(":")[1]): v for k, v in counts.items() if k.startswith("party:")}
        here_candidates: dict[int, Decimal] = defaultdict(lambda: ZERO, clear)
        here_parties: dict[int, Decimal] = defaultdict(lambda: ZERO, clear_parties)
        for key, votes in counts.items():
            if key.startswith("ambiguous:"):
                # Apportioned per counting district, by that district's clear votes of each candidate
                # (art. 68-2) or each party's clear party-name votes (art. 68-3). A candidate's share
                # is the candidate's votes, and so counts for the party in the national block.
                candidate_ids, party_ids = ambiguous_selections(key.split(":", 1)[1])
                named = {("candidate", i): clear.get(i, ZERO) for i in candidate_ids}
                named |= {("party", i): clear_parties.get(i, ZERO) for i in party_ids}
                for (selection, selection_id), share in apportion(int(votes), named).items():
                    (here_candidates if selection == "candidate" else here_parties)[selection_id] += share
        for candidate_id, votes in here_candidates.items():
            candidate_votes[candidate_id] += votes
        for party_id, votes in here_parties.items():
            party_votes[party_id] += votes
        by_district.append(
            DistrictResult(
                counting_district_id=district.id,
                name=district.name,
                reported=district.id in reported_ids,
                counts=[SelectionCount(candidate_id=k, votes=v) for k, v in sorted(here_candidates.items())]
                + [SelectionCount(party_id=k, votes=v) for k, v in sorted(here_parties.items())],
            )
        )
    return Tallied(
        len(districts),
        len(reported_ids),
        dict(candidate_votes),
        dict(party_votes),
        issued,
        invalid,
        unreturned,
        by_district,
    )


def _fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _lot_required(tie: Tie, names: dict[str, str]) -> LotRequired:
    return LotRequired(
        contenders=list(tie.contenders),
        names=[names.get(c, c) for c in tie.contenders],
        seats_at_stake=tie.seats_at_stake,
        tied_value=_fraction_text(tie.value),
    )


@dataclass
class Outcome:
    """What the statutory rules made of the votes: totals, winners, and what stops the result."""

    valid: Decimal
    candidates: list[CandidateResult]
    parties: list[PartyResult] = field(default_factory=list)
    steps: list[QuotientStep] = field(default_factory=list)
    tie: Tie | None = None
    seats_unfilled: int = 0
    re_election: bool = False
    re_election_reason: str | None = None
    minimum_to_win: str | None = None
    deposit_forfeited_below: str | None = None


def _plurality_outcome(
    kind: ContestKind,
    seats: int,
    votes: dict[int, Decimal],
    candidate_rows: list[Row[Any]],
    complete: bool,
    recorded: list[LotOutcome],
) -> Outcome:
    """Single-member and multi-member districts: most votes win among those reaching the minimum."""
    valid = sum(votes.values(), ZERO)
    lines = statutory_lines(kind, valid, seats)
    assert lines is not None
    outcome = Outcome(
        valid=valid,
        candidates=[],
        minimum_to_win=_fraction_text(lines.minimum_to_win),
        deposit_forfeited_below=_fraction_text(lines.deposit_forfeited_below),
    )
    elected: set[int] = set()
    if complete:
        won = plurality(
            {f"candidate:{k}": v for k, v in votes.items()}, seats, lines.minimum_to_win, recorded
        )
        elected = {int(key.split(":")[1]) for key in won.elected}
        outcome.tie = won.tie
        outcome.seats_unfilled = won.seats_unfilled
        if won.tie is None:
            needed = re_election(kind, seats, won.seats_unfilled)
            outcome.re_election, outcome.re_election_reason = needed.required, needed.reason
    outcome.candidates = [
        CandidateResult(
            candidate_id=c.id,
            name=c.name,
            party_id=c.party_id,
            votes=votes[c.id],
            elected=c.id in elected,
            reached_minimum=reaches_minimum(votes[c.id], lines),
            deposit_forfeited=forfeits_deposit(votes[c.id], lines),
        )
        for c in candidate_rows
    ]
    return outcome


def _party_totals(
    kind: ContestKind,
    members: dict[int, list[Row[Any]]],
    party_name_votes: dict[int, Decimal],
    votes: dict[int, Decimal],
) -> dict[int, tuple[Decimal, Decimal]]:
    """Per listed party: its party-name votes and (House of Councillors national block) its
    candidates' personal votes."""
    totals: dict[int, tuple[Decimal, Decimal]] = {}
    for party_id in sorted(members):
        name_votes = party_name_votes.get(party_id, ZERO)
        personal = (
            sum((votes[c.id] for c in members[party_id]), ZERO)
            if kind == ContestKind.HOUSE_OF_COUNCILLORS_NATIONAL
            else ZERO
        )
        totals[party_id] = (name_votes, personal)
    return totals


def _quotient_step(step: Quotient) -> QuotientStep:
    return QuotientStep(
        party_id=int(step.party.split(":")[1]),
        divisor=step.divisor,
        quotient=_fraction_text(step.value),
        quotient_decimal=truncate_thousandths(step.value).quantize(ZERO),
        seat=step.seat,
    )


def _fill_lists(
    seats_won: dict[int, int],
    members: dict[int, list[Row[Any]]],
    votes: dict[int, Decimal],
    recorded: list[LotOutcome],
) -> tuple[set[int], Tie | None]:
    """House of Councillors national block: each party's seats to its priority list (特定枠) first,
    then by personal votes."""
    elected: set[int] = set()
    for party_id, won in seats_won.items():
        if not won:
            continue
        listed = members[party_id]
        priority = sorted((c for c in listed if c.priority_rank is not None), key=lambda c: c.priority_rank)
        filled = fill_party_seats(
            won,
            ranked_first=[f"candidate:{c.id}" for c in priority],
            by_votes={f"candidate:{c.id}": votes[c.id] for c in listed},
            lots=recorded,
        )
        elected |= {int(key.split(":")[1]) for key in filled.elected}
        if filled.tie is not None:
            return elected, filled.tie
    return elected, None


def _fill_block_lists(
    seats_won: dict[int, int], block_lists: dict[int, list[ListEntry]], recorded: list[LotOutcome]
) -> tuple[set[int], Tie | None, dict[int, Placed]]:
    """House of Representatives blocks: each party's seats down its list (art. 95-2), every entry
    placed with the reason it took a seat or not."""
    elected: set[int] = set()
    placed: dict[int, Placed] = {}
    tie: Tie | None = None
    for party_id, entries in block_lists.items():
        filled = fill_block_list(entries, seats_won.get(party_id, 0), recorded)
        elected |= {int(key.split(":")[1]) for key in filled.elected}
        placed |= {int(p.key.split(":")[1]): p for p in filled.placed}
        tie = tie or filled.tie
    return elected, tie, placed


def _list_standing(row: Row[Any], placed: Placed | None) -> ListStanding | None:
    if placed is None:
        return None
    ratio = placed.ratio
    return ListStanding(
        rank=placed.rank,
        district_candidate_id=row.district_candidate_id,
        sekihairitsu=None if ratio is None else _fraction_text(ratio),
        sekihairitsu_decimal=None if ratio is None else truncate_thousandths(ratio).quantize(ZERO),
        place=placed.place,
        standing=placed.standing.value,
    )


def _proportional_outcome(
    kind: ContestKind,
    seats: int,
    votes: dict[int, Decimal],
    tallied: Tallied,
    candidate_rows: list[Row[Any]],
    party_rows: dict[int, Row[Any]],
    complete: bool,
    recorded: list[LotOutcome],
    standings: dict[int, DistrictStanding],
) -> Outcome:
    """Party lists: D'Hondt over the parties' totals, then each party's seats to its candidates."""
    members: dict[int, list[Row[Any]]] = defaultdict(list)
    for c in candidate_rows:
        members[c.party_id].append(c)
    totals = _party_totals(kind, members, tallied.party_name_votes, votes)
    outcome = Outcome(valid=sum((a + b for a, b in totals.values()), ZERO), candidates=[])
    seats_won: dict[int, int] = dict.fromkeys(totals, 0)
    elected: set[int] = set()
    placed: dict[int, Placed] = {}
    block_lists = {
        party_id: [
            ListEntry(f"candidate:{c.id}", c.list_rank, standings.get(c.id)) for c in members[party_id]
        ]
        for party_id in totals
    }
    # A block list holds only those who can still be elected from it (art. 95-2); others' lists
    # hold every candidate.
    capacity = {
        party_id: len(eligible(block_lists[party_id]))
        if kind == ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL
        else len(members[party_id])
        for party_id in totals
    }
    if complete:
        allocation = dhondt(
            {f"party:{p}": a + b for p, (a, b) in totals.items()},
            seats,
            capacity={f"party:{p}": capacity[p] for p in totals},
            lots=recorded,
        )
        outcome.tie = allocation.tie
        outcome.steps = [_quotient_step(step) for step in allocation.steps]
        if outcome.tie is None:
            seats_won = {int(k.split(":")[1]): n for k, n in allocation.seats.items()}
            outcome.seats_unfilled = seats - sum(seats_won.values())
            needed = re_election(kind, seats, outcome.seats_unfilled)
            outcome.re_election, outcome.re_election_reason = needed.required, needed.reason
            if kind == ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL:
                elected, outcome.tie, placed = _fill_block_lists(seats_won, block_lists, recorded)
            else:
                elected, outcome.tie = _fill_lists(seats_won, members, votes, recorded)
    outcome.parties = [
        PartyResult(
            party_id=party_id,
            name=party_rows[party_id].name if party_id in party_rows else str(party_id),
            party_name_votes=name_votes,
            candidate_votes=personal,
            votes=name_votes + personal,
            seats=seats_won.get(party_id, 0) if outcome.tie is None else 0,
        )
        for party_id, (name_votes, personal) in totals.items()
    ]
    outcome.candidates = [
        CandidateResult(
            candidate_id=c.id,
            name=c.name,
            party_id=c.party_id,
            votes=votes[c.id],
            elected=c.id in elected and outcome.tie is None,
            reached_minimum=None,
            deposit_forfeited=None,
            list_standing=_list_standing(c, placed.get(c.id)),
        )
        for c in candidate_rows
    ]
    return outcome


async def _district_standings(
    session: AsyncSession, candidate_rows: list[Row[Any]], decided: Decided
) -> dict[int, DistrictStanding] | None:
    """Each dual list candidate's single-member district result; None while any of those districts
    is undecided (counting, or waiting for a lot), as the block's order depends on them."""
    standings: dict[int, DistrictStanding] = {}
    duals = {row.id: row.district_candidate_id for row in candidate_rows if row.district_candidate_id}
    contest_of = await setup_repository.contests_of_candidates(session, list(duals.values()))
    for list_id, district_candidate_id in duals.items():
        contest_id = contest_of[district_candidate_id]  # a foreign key
        if contest_id not in decided.results:
            decided.results[contest_id] = await compute(
                session=session, contest_id=contest_id, decided=decided
            )
        district = decided.results[contest_id]
        final = district.status in (ResultStatus.UNOFFICIAL_COMPLETE, ResultStatus.CERTIFIED)
        if not final or district.lot_required is not None:
            return None
        mine = next(c for c in district.candidates if c.candidate_id == district_candidate_id)
        standings[list_id] = DistrictStanding(
            votes=Fraction(mine.votes),
            top_votes=max((Fraction(c.votes) for c in district.candidates), default=Fraction(0)),
            valid_votes=Fraction(district.valid_votes),
            won=mine.elected,
        )
    return standings


async def compute(*, session: AsyncSession, contest_id: int, decided: Decided | None = None) -> ContestResult:
    """The contest's result: the certified one, else computed from the counted sheets now."""
    contest = await require_contest(session, contest_id)
    certified = await repository.certification(session, contest_id)
    if certified is not None:
        issued = await repository.latest_version(session, contest_id)
        if issued is None:
            return ContestResult.model_validate(certified.result)
        return version_result(issued)
    return await count_now(session=session, contest=contest, decided=decided)


def version_result(row: Row[Any]) -> ContestResult:
    """One stored issue of a certified result, naming its version."""
    return ContestResult.model_validate({**row.result, "version": row.version})


async def count_now(
    *, session: AsyncSession, contest: Row[Any], decided: Decided | None = None
) -> ContestResult:
    """The contest's result computed from its counted sheets now, certified or not."""
    contest_id = contest.id
    kind = ContestKind(contest.kind)
    decided = decided or Decided()
    tallied = await _tally(session, contest, decided)
    complete = tallied.districts_total > 0 and tallied.districts_reported == tallied.districts_total
    candidate_rows = await setup_repository.candidates_of(session, contest_id)
    party_rows = {row.id: row for row in await setup_repository.parties_of(session, contest.election_id)}
    recorded = [
        LotOutcome(frozenset(row.contenders), row.seats_at_stake, tuple(row.winners))
        for row in await repository.lots_of(session, contest_id)
    ]
    votes = {c.id: tallied.candidate_votes.get(c.id, ZERO) for c in candidate_rows}
    if kind.is_proportional:
        standings = await _district_standings(session, candidate_rows, decided)
        # A block whose dual candidates' districts are undecided cannot be decided either.
        complete = complete and standings is not None
        outcome = _proportional_outcome(
            kind,
            contest.seats,
            votes,
            tallied,
            candidate_rows,
            party_rows,
            complete,
            recorded,
            standings or {},
        )
    else:
        outcome = _plurality_outcome(kind, contest.seats, votes, candidate_rows, complete, recorded)
    names = {f"candidate:{c.id}": c.name for c in candidate_rows} | {
        f"party:{p.id}": p.name for p in party_rows.values()
    }
    return ContestResult(
        contest_id=contest.id,
        election_id=contest.election_id,
        name=contest.name,
        kind=kind,
        seats=contest.seats,
        status=ResultStatus.UNOFFICIAL_COMPLETE if complete else ResultStatus.UNOFFICIAL_PARTIAL,
        counting_districts_reported=tallied.districts_reported,
        counting_districts_total=tallied.districts_total,
        valid_votes=outcome.valid,
        invalid_ballots=tallied.invalid_ballots,
        ballots_issued=tallied.ballots_issued,
        unreturned_ballots=tallied.unreturned_ballots,
        minimum_to_win=outcome.minimum_to_win,
        deposit_forfeited_below=outcome.deposit_forfeited_below,
        candidates=outcome.candidates,
        parties=outcome.parties,
        steps=outcome.steps,
        lot_required=None if outcome.tie is None else _lot_required(outcome.tie, names),
        seats_unfilled=outcome.seats_unfilled,
        re_election_required=outcome.re_election,
        re_election_reason=outcome.re_election_reason,
        by_counting_district=tallied.by_district,
    )


async def election_results(*, session: AsyncSession, election_id: int) -> ElectionResults:
    election = await require_election(session, election_id)
    contests = await setup_repository.contests_of(session, election_id)
    decided = Decided()
    # Districts first: the blocks then read their dual candidates' district results from `decided`.
    for contest in sorted(contests, key=lambda c: ContestKind(c.kind).is_proportional):
        if contest.id not in decided.results:
            decided.results[contest.id] = await compute(
                session=session, contest_id=contest.id, decided=decided
            )
    return ElectionResults(
        election_id=election_id,
        name=election.name,
        contests=[decided.results[c.id] for c in contests],
    )


async def nist_export(*, session: AsyncSession, election_id: int) -> tuple[dict[str, Any], ResultStatus]:
    """The election's results as a NIST SP 1500-100 report, and the report's status."""
    election = await require_election(session, election_id)
    results = await election_results(session=session, election_id=election_id)
    parties = {
        row.id: (row.name, row.abbreviation)
        for row in await setup_repository.parties_of(session, election_id)
    }
    areas = await setup_repository.areas_of(session, [c.contest_id for c in results.contests])
    generated = max((c.certified_at for c in results.contests if c.certified_at), default=None)
    abroad = await overseas.by_municipality(session, election)
    voters = export.Voters(
        registered=await repository.registered_by_municipality(session, election_id, election.polling_day),
        participated=await repository.participated_by_municipality(session, election_id),
        overseas_registered=abroad[0] if abroad else {},
        overseas_participated=abroad[1] if abroad else {},
    )
    report = export.nist_report(
        results,
        polling_day=election.polling_day,
        parties=parties,
        areas=areas,
        voters=voters,
        generated_at=generated or datetime.now(UTC),
    )
    return report, export.report_status(results)


def lot_model(row: Row[Any]) -> Lot:
    return Lot.model_validate({**row._mapping, "drawn_at": row.drawn_at, "recorded_at": row.recorded_at})


async def list_lots(*, session: AsyncSession, contest_id: int) -> list[Lot]:
    await require_contest(session, contest_id)
    return [lot_model(row) for row in await repository.lots_of(session, contest_id)]


async def record_lot(*, session: AsyncSession, actor: str, contest_id: int, data: LotIn) -> Lot:
    contest = await require_contest(session, contest_id)
    if await repository.certification(session, contest_id) is not None:
        raise Conflict("The result of this contest is certified.", slug="result-certified")
    result = await compute(session=session, contest_id=contest_id)
    waiting = result.lot_required
    if (
        waiting is None
        or set(waiting.contenders) != set(data.contenders)
        or waiting.seats_at_stake != data.seats_at_stake
    ):
        raise Conflict(
            "The result is not waiting for a lot among these contenders for these seats.",
            slug="no-such-tie",
            lot_required=None if waiting is None else waiting.model_dump(mode="json"),
        )
    contenders = sorted(data.contenders)
    winners = (
        list(data.winners)
        if data.winners is not None
        else list(draw_with_seed(data.seed or "", contenders, data.seats_at_stake))
    )
    now = datetime.now(UTC)
    # The outcome enters the append-only log before anything uses it.
    await audit.record(
        session=session,
        actor=actor,
        action="lot.recorded",
        election_id=contest.election_id,
        subject=f"contest:{contest_id}",
        details={
            "contenders": contenders,
            "seats_at_stake": data.seats_at_stake,
            "method": data.method,
            "seed": data.seed,
            "winners": winners,
            "drawn_by": data.drawn_by,
            "drawn_at": data.drawn_at.isoformat(),
        },
    )
    lot_id = await repository.insert_lot(
        session,
        {
            "contest_id": contest_id,
            "contenders_key": ",".join(contenders),
            "contenders": contenders,
            "seats_at_stake": data.seats_at_stake,
            "winners": winners,
            "method": data.method,
            "seed": data.seed,
            "drawn_by": data.drawn_by,
            "drawn_at": data.drawn_at,
            "recorded_by": actor,
            "recorded_at": now,
        },
    )
    return lot_model(await repository.get_lot(session, lot_id))


async def certify(*, session: AsyncSession, actor: str, contest_id: int) -> ContestResult:
    contest = await require_contest(session, contest_id)
    result = await compute(session=session, contest_id=contest_id)
    if result.status == ResultStatus.CERTIFIED:
        raise Conflict("This result is already certified.", slug="already-certified")
    return await issue(session=session, actor=actor, contest=contest, result=result, version=1)


@dataclass(frozen=True, slots=True)
class Correction:
    """Why a certified result is issued again: the objection whose recount it concludes."""

    objection_id: int
    reason: str
    changes: list[ResultChange]


async def issue(
    *,
    session: AsyncSession,
    actor: str,
    contest: Row[Any],
    result: ContestResult,
    version: int,
    correction: Correction | None = None,
) -> ContestResult:
    """Certifies a complete result as its `version` (1 at certification, the next after a correction):
    audited first, stored as a version that never changes."""
    what = "certified" if correction is None else "re-issued"
    if result.status != ResultStatus.UNOFFICIAL_COMPLETE:
        raise Conflict(
            f"Only a complete count can be {what}: {result.counting_districts_reported} of "
            f"{result.counting_districts_total} counting districts have reported.",
            slug="result-incomplete",
        )
    if result.lot_required is not None:
        raise Conflict(f"A lot must be drawn before the result can be {what}.", slug="lot-required")
    now = datetime.now(UTC)
    issued = result.model_copy(
        update={"status": ResultStatus.CERTIFIED, "certified_at": now, "version": version}
    )
    document = issued.model_dump(mode="json")
    details: dict[str, Any] = {"sha256": document_hash(document), "version": version}
    if correction is not None:
        details |= {"objection_id": correction.objection_id, "reason": correction.reason}
    await audit.record(
        session=session,
        actor=actor,
        action=f"result.{what}",
        election_id=contest.election_id,
        subject=f"contest:{contest.id}",
        details=details,
    )
    if correction is None:
        await repository.certify(session, contest_id=contest.id, by=actor, at=now, result=document)
    await repository.insert_version(
        session,
        {
            "contest_id": contest.id,
            "version": version,
            "issued_at": now,
            "issued_by": actor,
            "reason": None if correction is None else correction.reason,
            "objection_id": None if correction is None else correction.objection_id,
            "changes": [] if correction is None else [c.model_dump(mode="json") for c in correction.changes],
            "result": document,
        },
    )
    return issued


def document_hash(document: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS)).hexdigest()

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
    Lot,
    LotIn,
    LotRequired,
    PartyResult,
    QuotientStep,
    ResultStatus,
    SelectionCount,
)
from shared.values import is_prefecture_code, is_valid_local_government_code
from shared.web.problems import Conflict

ZERO = Decimal("0.000")


def covers(areas: list[str], code: str) -> bool:
    """A counting district belongs to a contest whose district lists its municipality or its prefecture."""
    if code in areas:
        return True
    return is_valid_local_government_code(code) and any(
        is_prefecture_code(a) and a[:2] == code[:2] for a in areas
    )


@dataclass
class Tallied:
    districts_total: int
    districts_reported: int
    candidate_votes: dict[int, Decimal]
    party_name_votes: dict[int, Decimal]
    ballots_issued: int
    invalid_ballots: int
    by_district: list[DistrictResult]


async def _tally(session: AsyncSession, contest: Row[Any]) -> Tallied:
    areas = (await setup_repository.areas_of(session, [contest.id]))[contest.id]
    districts = [
        d
        for d in await repository.districts_of(session, contest.election_id)
        if covers(areas, d.local_government_code)
    ]
    ours = {d.id for d in districts}
    stations = await repository.station_counts(session, contest.election_id)
    issued = invalid = 0
    reported_ids: set[int] = set()
    for row in await repository.counted_sheets(session, contest.id):
        if row.counting_district_id not in ours:
            continue
        issued += int(row.ballots_issued)
        invalid += int(row.invalid_ballots)
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
        outcome.re_election = won.re_election_required
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
    kind: ContestKind,
    seats_won: dict[int, int],
    members: dict[int, list[Row[Any]]],
    votes: dict[int, Decimal],
    recorded: list[LotOutcome],
) -> tuple[set[int], Tie | None]:
    """The candidates each party's seats go to: by list rank (House of Representatives), or the
    priority list first and then personal votes (House of Councillors national block)."""
    elected: set[int] = set()
    for party_id, won in seats_won.items():
        if not won:
            continue
        listed = members[party_id]
        if kind == ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL:
            first = [f"candidate:{c.id}" for c in sorted(listed, key=lambda c: c.list_rank)]
            by_votes: dict[str, Decimal] = {}
        else:
            priority = sorted(
                (c for c in listed if c.priority_rank is not None), key=lambda c: c.priority_rank
            )
            first = [f"candidate:{c.id}" for c in priority]
            by_votes = {f"candidate:{c.id}": votes[c.id] for c in listed}
        filled = fill_party_seats(won, ranked_first=first, by_votes=by_votes, lots=recorded)
        elected |= {int(key.split(":")[1]) for key in filled.elected}
        if filled.tie is not None:
            return elected, filled.tie
    return elected, None


def _proportional_outcome(
    kind: ContestKind,
    seats: int,
    votes: dict[int, Decimal],
    tallied: Tallied,
    candidate_rows: list[Row[Any]],
    party_rows: dict[int, Row[Any]],
    complete: bool,
    recorded: list[LotOutcome],
) -> Outcome:
    """Party lists: D'Hondt over the parties' totals, then each party's seats to its candidates."""
    members: dict[int, list[Row[Any]]] = defaultdict(list)
    for c in candidate_rows:
        members[c.party_id].append(c)
    totals = _party_totals(kind, members, tallied.party_name_votes, votes)
    outcome = Outcome(valid=sum((a + b for a, b in totals.values()), ZERO), candidates=[])
    seats_won: dict[int, int] = dict.fromkeys(totals, 0)
    elected: set[int] = set()
    if complete:
        allocation = dhondt(
            {f"party:{p}": a + b for p, (a, b) in totals.items()},
            seats,
            capacity={f"party:{p}": len(members[p]) for p in totals},
            lots=recorded,
        )
        outcome.tie = allocation.tie
        outcome.steps = [_quotient_step(step) for step in allocation.steps]
        if outcome.tie is None:
            seats_won = {int(k.split(":")[1]): n for k, n in allocation.seats.items()}
            outcome.seats_unfilled = seats - sum(seats_won.values())
            elected, outcome.tie = _fill_lists(kind, seats_won, members, votes, recorded)
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
        )
        for c in candidate_rows
    ]
    return outcome


async def compute(*, session: AsyncSession, contest_id: int) -> ContestResult:
    """The contest's result: the certified one, else computed from the counted sheets now."""
    contest = await require_contest(session, contest_id)
    certified = await repository.certification(session, contest_id)
    if certified is not None:
        return ContestResult.model_validate(certified.result)
    kind = ContestKind(contest.kind)
    tallied = await _tally(session, contest)
    complete = tallied.districts_total > 0 and tallied.districts_reported == tallied.districts_total
    candidate_rows = await setup_repository.candidates_of(session, contest_id)
    party_rows = {row.id: row for row in await setup_repository.parties_of(session, contest.election_id)}
    recorded = [
        LotOutcome(frozenset(row.contenders), row.seats_at_stake, tuple(row.winners))
        for row in await repository.lots_of(session, contest_id)
    ]
    votes = {c.id: tallied.candidate_votes.get(c.id, ZERO) for c in candidate_rows}
    if kind.is_proportional:
        outcome = _proportional_outcome(
            kind, contest.seats, votes, tallied, candidate_rows, party_rows, complete, recorded
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
        minimum_to_win=outcome.minimum_to_win,
        deposit_forfeited_below=outcome.deposit_forfeited_below,
        candidates=outcome.candidates,
        parties=outcome.parties,
        steps=outcome.steps,
        lot_required=None if outcome.tie is None else _lot_required(outcome.tie, names),
        seats_unfilled=outcome.seats_unfilled,
        re_election_required=outcome.re_election,
        by_counting_district=tallied.by_district,
    )


async def election_results(*, session: AsyncSession, election_id: int) -> ElectionResults:
    election = await require_election(session, election_id)
    contests = await setup_repository.contests_of(session, election_id)
    return ElectionResults(
        election_id=election_id,
        name=election.name,
        contests=[await compute(session=session, contest_id=c.id) for c in contests],
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
    report = export.nist_report(
        results,
        polling_day=election.polling_day,
        parties=parties,
        areas=areas,
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
    if result.status != ResultStatus.UNOFFICIAL_COMPLETE:
        raise Conflict(
            f"Only a complete count can be certified: {result.counting_districts_reported} of "
            f"{result.counting_districts_total} counting districts have reported.",
            slug="result-incomplete",
        )
    if result.lot_required is not None:
        raise Conflict("A lot must be drawn before the result can be certified.", slug="lot-required")
    now = datetime.now(UTC)
    certified = result.model_copy(update={"status": ResultStatus.CERTIFIED, "certified_at": now})
    document = certified.model_dump(mode="json")
    await audit.record(
        session=session,
        actor=actor,
        action="result.certified",
        election_id=contest.election_id,
        subject=f"contest:{contest_id}",
        details={"sha256": hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS)).hexdigest()},
    )
    await repository.certify(session, contest_id=contest_id, by=actor, at=now, result=document)
    return certified

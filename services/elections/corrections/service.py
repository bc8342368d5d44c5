"""Corrections after certification: objections, ordered recounts, re-issued result versions; and
replacement winners (繰上補充) as recorded events with their legal basis."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit import service as audit
from services.elections.corrections import repository, rules
from services.elections.results import repository as results_repository
from services.elections.results import service as results
from services.elections.setup.service import require_contest, require_election
from shared.contracts.elections import (
    ContestKind,
    Objection,
    ObjectionDecisionIn,
    ObjectionIn,
    ObjectionKind,
    Replacement,
    ReplacementIn,
    ResultVersion,
    ResultVersionIn,
    ResultVersionSummary,
)
from shared.web.problems import Conflict, NotFound, UnprocessableContent


async def _require_certified(session: AsyncSession, contest_id: int) -> None:
    if await results_repository.certification(session, contest_id) is None:
        raise Conflict("The result of this contest is not certified yet.", slug="result-not-certified")


def objection_model(row: Row[Any]) -> Objection:
    basis = rules.OBJECTION_BASIS[ObjectionKind(row.kind)]
    return Objection.model_validate({**row._mapping, "legal_basis_verified": basis.verified})


async def _require_objection(session: AsyncSession, contest_id: int, objection_id: int) -> Row[Any]:
    row = await repository.get_objection(session, objection_id)
    if row is None or row.contest_id != contest_id:
        raise NotFound(
            f"No objection {objection_id} against contest {contest_id}.", slug="objection-not-found"
        )
    return row


async def file_objection(
    *, session: AsyncSession, actor: str, contest_id: int, data: ObjectionIn
) -> Objection:
    contest = await require_contest(session, contest_id)
    await _require_certified(session, contest_id)
    problem = rules.objection_problem(data.kind, ContestKind(contest.kind))
    if problem is not None:
        raise UnprocessableContent(problem + ".", slug="invalid-objection", problems=[problem])
    values = {
        **data.model_dump(),
        "contest_id": contest_id,
        "legal_basis": rules.OBJECTION_BASIS[data.kind].article,
        "state": "filed",
        "recorded_by": actor,
        "recorded_at": datetime.now(UTC),
    }
    objection_id = await repository.insert_objection(session, values)
    await audit.record(
        session=session,
        actor=actor,
        action="objection.filed",
        election_id=contest.election_id,
        subject=f"contest:{contest_id}",
        details={"objection_id": objection_id, **data.model_dump(mode="json")},
    )
    row = await repository.get_objection(session, objection_id)
    assert row is not None
    return objection_model(row)


async def list_objections(*, session: AsyncSession, contest_id: int) -> list[Objection]:
    await require_contest(session, contest_id)
    return [objection_model(row) for row in await repository.objections_of(session, contest_id)]


async def decide_objection(
    *, session: AsyncSession, actor: str, contest_id: int, objection_id: int, data: ObjectionDecisionIn
) -> Objection:
    """A decision on a filed objection: dismissed, or a recount ordered (the contest's tallies then
    accept entries again until a new version of the result is issued)."""
    contest = await require_contest(session, contest_id)
    row = await _require_objection(session, contest_id, objection_id)
    if data.decided_on < row.filed_on:
        raise UnprocessableContent(
            "An objection is decided on or after the day it was filed.",
            slug="invalid-objection",
            problems=["decided_on is before filed_on"],
        )
    values: dict[str, Any] = {
        "state": data.outcome,
        "decided_on": data.decided_on,
        "decision_reasons": data.reasons,
        "decided_by": actor,
    }
    if data.outcome == "recount_ordered":
        values["recounting_contest_id"] = contest_id
    if row.state != "filed" or not await repository.decide_objection(session, objection_id, "filed", values):
        raise Conflict(f"Objection {objection_id} is already decided.", slug="objection-decided")
    await audit.record(
        session=session,
        actor=actor,
        action="objection.decided",
        election_id=contest.election_id,
        subject=f"contest:{contest_id}",
        details={"objection_id": objection_id, **data.model_dump(mode="json")},
    )
    decided = await repository.get_objection(session, objection_id)
    assert decided is not None
    return objection_model(decided)


def _summary(row: Row[Any]) -> ResultVersionSummary:
    return ResultVersionSummary.model_validate(dict(row._mapping))


def _version(row: Row[Any]) -> ResultVersion:
    return ResultVersion.model_validate({**row._mapping, "result": results.version_result(row)})


async def issue_version(
    *, session: AsyncSession, actor: str, contest_id: int, data: ResultVersionIn
) -> ResultVersion:
    """Re-issues a certified result after the recount an objection ordered: the result computed from
    the sheets as they now stand, numbered one past the latest, with what changed and why. Earlier
    versions stay as they were."""
    contest = await require_contest(session, contest_id)
    objection = await _require_objection(session, contest_id, data.objection_id)
    if objection.state != "recount_ordered":
        raise Conflict(
            f"Objection {data.objection_id} has no open recount (state {objection.state}).",
            slug="no-recount-ordered",
        )
    latest = await results_repository.latest_version(session, contest_id)
    assert latest is not None  # a recount is ordered against a certified result only
    recounted = await results.count_now(session=session, contest=contest)
    version = latest.version + 1
    changes = rules.result_changes(results.version_result(latest), recounted)
    await results.issue(
        session=session,
        actor=actor,
        contest=contest,
        result=recounted,
        version=version,
        correction=results.Correction(data.objection_id, data.reason, changes),
    )
    closed = await repository.decide_objection(
        session,
        data.objection_id,
        "recount_ordered",
        {"state": "resolved", "resolved_by_version": version, "recounting_contest_id": None},
    )
    if not closed:
        raise Conflict("Another request re-issued this result first.", slug="result-version-conflict")
    row = await results_repository.get_version(session, contest_id, version)
    assert row is not None
    return _version(row)


async def list_versions(*, session: AsyncSession, contest_id: int) -> list[ResultVersionSummary]:
    await require_contest(session, contest_id)
    return [_summary(row) for row in await results_repository.versions_of(session, contest_id)]


async def get_version(*, session: AsyncSession, contest_id: int, version: int) -> ResultVersion:
    await require_contest(session, contest_id)
    row = await results_repository.get_version(session, contest_id, version)
    if row is None:
        raise NotFound(
            f"Contest {contest_id} has no result version {version}.", slug="result-version-not-found"
        )
    return _version(row)


def replacement_model(row: Row[Any]) -> Replacement:
    basis = rules.PROPORTIONAL_BASIS if "97-2" in row.legal_basis else rules.DISTRICT_BASIS
    return Replacement.model_validate({**row._mapping, "legal_basis_verified": basis.verified})


async def record_replacement(
    *, session: AsyncSession, actor: str, contest_id: int, data: ReplacementIn
) -> Replacement:
    """A winner's seat fell vacant: who takes it under art. 97 / 97-2, recorded with the rule applied.
    Earlier replacements count: a person who took a seat holds it, one who left it is gone."""
    contest = await require_contest(session, contest_id)
    election = await require_election(session, contest.election_id)
    await _require_certified(session, contest_id)
    result = await results.compute(session=session, contest_id=contest_id)
    earlier = await repository.replacements_of(session, contest_id)
    vacated = {row.vacated_candidate_id for row in earlier}
    seated = {c.candidate_id for c in result.candidates if c.elected}
    seated |= {row.replacement_candidate_id for row in earlier if row.replacement_candidate_id is not None}
    seated -= vacated
    if data.vacated_candidate_id not in seated:
        raise UnprocessableContent(
            f"Candidate {data.vacated_candidate_id} holds no seat of this contest.",
            slug="not-a-seat-holder",
        )
    if data.occurred_on < election.polling_day:
        raise UnprocessableContent(
            "A seat falls vacant on or after polling day.",
            slug="invalid-replacement",
            problems=["occurred_on is before polling day"],
        )
    known = {c.candidate_id for c in result.candidates}
    strangers = sorted({s.candidate_id for s in data.skip} - known)
    if strangers:
        raise UnprocessableContent(
            f"Candidates {strangers} do not stand in this contest.",
            slug="invalid-replacement",
            problems=[f"skip names candidate {c} of no candidacy here" for c in strangers],
        )
    unavailable = vacated | seated | {s.candidate_id for s in data.skip}
    if ContestKind(contest.kind).is_proportional:
        party = next(c.party_id for c in result.candidates if c.candidate_id == data.vacated_candidate_id)
        decision = rules.list_replacement(
            party_order=rules.party_order(result, party), result=result, unavailable=unavailable
        )
    else:
        decision = rules.district_replacement(
            polling_day=election.polling_day,
            occurred_on=data.occurred_on,
            result=result,
            unavailable=unavailable,
        )
    if decision.outcome == "lot_required":
        raise Conflict(decision.explanation + ".", slug="lot-required")
    values = {
        **data.model_dump(mode="json", exclude={"occurred_on", "skip"}),
        "occurred_on": data.occurred_on,
        "skipped": [s.model_dump(mode="json") for s in data.skip],
        "contest_id": contest_id,
        "outcome": decision.outcome,
        "replacement_candidate_id": decision.candidate_id,
        "legal_basis": decision.basis.article,
        "explanation": decision.explanation,
        "recorded_by": actor,
        "recorded_at": datetime.now(UTC),
    }
    await audit.record(
        session=session,
        actor=actor,
        action="replacement.recorded",
        election_id=contest.election_id,
        subject=f"contest:{contest_id}",
        details={k: v for k, v in values.items() if k not in ("recorded_at", "occurred_on")}
        | {"occurred_on": data.occurred_on.isoformat()},
    )
    replacement_id = await repository.insert_replacement(session, values)
    return replacement_model(await repository.get_replacement(session, replacement_id))


async def list_replacements(*, session: AsyncSession, contest_id: int) -> list[Replacement]:
    await require_contest(session, contest_id)
    return [replacement_model(row) for row in await repository.replacements_of(session, contest_id)]

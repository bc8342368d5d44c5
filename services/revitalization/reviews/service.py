"""Fair review of applications to a call: the issuer names a panel and assigns each application to
reviewers without a conflict of interest; each assigned reviewer scores once against the call's rubric,
seeing no other score; the issuer decides only on two scores, citing them. Every step is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.access import REVIEW
from services.revitalization.calls import service as calls
from services.revitalization.reviews import repository, rules
from shared.auth.tokens import Principal
from shared.contracts.revitalization_calls import (
    Assignment,
    AssignmentIn,
    CallApplication,
    CallApplicationStatus,
    CallDecisionIn,
    CallStatus,
    CitedScore,
    Decision,
    Reviewer,
    ReviewerIn,
    Rubric,
    Score,
    ScoreIn,
)
from shared.web.etag import check_if_match
from shared.web.pagination import PageRequest
from shared.web.problems import Conflict, Forbidden, NotFound, UnprocessableContent


def to_reviewer(row: Any) -> Reviewer:
    return Reviewer(
        call_id=row.call_id,
        reviewer_id=row.reviewer_id,
        name=row.name,
        municipality_code=row.municipality_code,
        organization_id=row.organization_id,
        added_at=row.added_at,
    )


def to_score(row: Any, rubric: Rubric) -> Score:
    return Score(
        id=row.id,
        application_id=row.application_id,
        reviewer_id=row.reviewer_id,
        points=row.points,
        total=row.total,
        max_total=rubric.max_total,
        comment=row.comment,
        scored_at=row.scored_at,
    )


async def add_reviewer(
    *, session: AsyncSession, principal: Principal, call_id: int, reviewer: ReviewerIn, now: datetime
) -> Reviewer:
    call = await calls.call_row(session, call_id)
    calls.require_owner(principal, call)
    if await repository.get_reviewer(session, call_id, reviewer.reviewer_id) is not None:
        raise Conflict(
            f"{reviewer.reviewer_id} is on the panel of call {call_id} already.", slug="reviewer-exists"
        )
    values = {**reviewer.model_dump(), "call_id": call_id, "added_at": now}
    try:
        await repository.insert_reviewer(session, values)
    except IntegrityError:
        raise Conflict(
            f"{reviewer.reviewer_id} is on the panel of call {call_id} already.", slug="reviewer-exists"
        ) from None
    await calls.audit(
        session,
        call_id=call_id,
        action="reviewer_added",
        actor=principal.client_id,
        at=now,
        reviewer_id=reviewer.reviewer_id,
        municipality_code=reviewer.municipality_code,
        organization_id=reviewer.organization_id,
    )
    return to_reviewer(await repository.get_reviewer(session, call_id, reviewer.reviewer_id))


async def list_reviewers(
    *, session: AsyncSession, principal: Principal, page: PageRequest, call_id: int
) -> tuple[list[Reviewer], str | None]:
    calls.require_owner(principal, await calls.call_row(session, call_id))
    rows, token = await repository.page_reviewers(session, page, call_id=call_id)
    return [to_reviewer(row) for row in rows], token


async def _visible(session: AsyncSession, principal: Principal, application_id: int) -> tuple[Any, Any]:
    """The application and its call, for the issuer, the applying system or an assigned reviewer; else 404."""
    row = await calls.application_row(session, application_id)
    call = await calls.call_row(session, row.call_id)
    if calls.owns(principal, call) or row.client_id == principal.client_id:
        return row, call
    if principal.has(REVIEW) and await repository.get_assignment(session, row.id, principal.client_id):
        return row, call
    raise NotFound(f"No application {application_id} to a call.", slug="call-application-not-found")


async def get_application(
    *, session: AsyncSession, principal: Principal, application_id: int
) -> CallApplication:
    row, _call = await _visible(session, principal, application_id)
    return calls.to_application(row)


def _undecided(row: Any) -> None:
    if row.status != CallApplicationStatus.RECEIVED.value:
        raise Conflict(f"Application {row.id} was decided already ({row.status}).", slug="already-decided")


async def assign(
    *,
    session: AsyncSession,
    principal: Principal,
    application_id: int,
    assignment: AssignmentIn,
    now: datetime,
) -> Assignment:
    row, call = await _visible(session, principal, application_id)
    calls.require_owner(principal, call)
    _undecided(row)
    reviewer = await repository.get_reviewer(session, call.id, assignment.reviewer_id)
    if reviewer is None:
        raise UnprocessableContent(
            f"{assignment.reviewer_id} is not on the panel of call {call.id}.", slug="reviewer-not-on-panel"
        )
    ties = rules.conflicts(
        reviewer_municipality=reviewer.municipality_code,
        reviewer_organization=reviewer.organization_id,
        applicant_municipality=row.municipality_code,
        applicant_organization=row.organization_id,
    )
    if ties:
        raise Conflict(
            f"{assignment.reviewer_id} may not review application {row.id}: same {' and '.join(ties)} "
            "as the applicant.",
            slug="conflict-of-interest",
            conflicts=ties,
        )
    if await repository.get_assignment(session, row.id, assignment.reviewer_id) is not None:
        raise Conflict(
            f"{assignment.reviewer_id} is assigned to application {row.id} already.", slug="already-assigned"
        )
    values = {
        "application_id": row.id,
        "reviewer_id": assignment.reviewer_id,
        "assigned_by": principal.client_id,
        "assigned_at": now,
    }
    try:
        await repository.insert_assignment(session, values)
    except IntegrityError:
        raise Conflict(
            f"{assignment.reviewer_id} is assigned to application {row.id} already.", slug="already-assigned"
        ) from None
    await calls.audit(
        session,
        call_id=call.id,
        application_id=row.id,
        action="reviewer_assigned",
        actor=principal.client_id,
        at=now,
        reviewer_id=assignment.reviewer_id,
    )
    return Assignment(**values)


async def score(
    *, session: AsyncSession, principal: Principal, application_id: int, given: ScoreIn, now: datetime
) -> Score:
    row = await calls.application_row(session, application_id)
    call = await calls.call_row(session, row.call_id)
    reviewer_id = principal.client_id
    if await repository.get_assignment(session, row.id, reviewer_id) is None:
        raise Forbidden(
            f"{reviewer_id} is not assigned to application {row.id}: only assigned reviewers score.",
            slug="reviewer-not-assigned",
        )
    _undecided(row)
    if await repository.scores_of(session, row.id, reviewer_id=reviewer_id):
        raise Conflict(f"{reviewer_id} has scored application {row.id} already.", slug="already-scored")
    rubric = Rubric.model_validate(call.rubric)
    if errors := rules.rubric_errors(rubric, given.points):
        raise UnprocessableContent(
            "The points do not fit the call's rubric: " + "; ".join(errors) + ".",
            slug="score-not-in-rubric",
            errors=errors,
        )
    total = rules.total(rubric, given.points)
    values = {
        "application_id": row.id,
        "reviewer_id": reviewer_id,
        "points": given.points,
        "total": total,
        "comment": given.comment,
        "scored_at": now,
    }
    try:
        score_id = await repository.insert_score(session, values)
    except IntegrityError:
        raise Conflict(
            f"{reviewer_id} has scored application {row.id} already.", slug="already-scored"
        ) from None
    await calls.audit(
        session,
        call_id=call.id,
        application_id=row.id,
        action="score_recorded",
        actor=reviewer_id,
        at=now,
        score_id=score_id,
        total=total,
    )
    return to_score((await repository.scores_of(session, row.id, reviewer_id=reviewer_id))[0], rubric)


async def list_scores(*, session: AsyncSession, principal: Principal, application_id: int) -> list[Score]:
    """The issuer sees every score; an assigned reviewer only its own, so scores stay independent."""
    row, call = await _visible(session, principal, application_id)
    rubric = Rubric.model_validate(call.rubric)
    if calls.owns(principal, call):
        found = await repository.scores_of(session, row.id)
    elif principal.has(REVIEW) and await repository.get_assignment(session, row.id, principal.client_id):
        found = await repository.scores_of(session, row.id, reviewer_id=principal.client_id)
    else:
        raise NotFound(
            f"No scores of application {application_id} for this caller.", slug="call-application-not-found"
        )
    return [to_score(score_row, rubric) for score_row in found]


def _award_amount(row: Any, decision: CallDecisionIn) -> int | None:
    if decision.decision == "reject":
        return None
    if decision.amount is None:
        raise UnprocessableContent("To award, give the amount.", slug="amount-required")
    if decision.amount > row.requested_amount:
        raise UnprocessableContent(
            f"The award ¥{decision.amount:,} is above the ¥{row.requested_amount:,} requested.",
            slug="amount-above-request",
        )
    return decision.amount


async def decide(
    *,
    session: AsyncSession,
    principal: Principal,
    application_id: int,
    decision: CallDecisionIn,
    if_match: str | None,
    now: datetime,
) -> CallApplication:
    row, call = await _visible(session, principal, application_id)
    calls.require_owner(principal, call)
    check_if_match(if_match, row.version)
    _undecided(row)
    status = calls.status_of(call, now)
    if status is not CallStatus.CLOSED:
        raise Conflict(
            f"Applications are decided once the call has closed; it is {status.value}.",
            slug="call-not-closed",
        )
    found = await repository.scores_of(session, row.id)
    if not rules.may_decide(len(found)):
        raise Conflict(
            f"A decision needs {rules.REQUIRED_SCORES} independent scores; "
            f"application {row.id} has {len(found)}.",
            slug="scores-incomplete",
            scores=len(found),
            required=rules.REQUIRED_SCORES,
        )
    amount = _award_amount(row, decision)
    if amount is not None and not await calls.add_award(session, call.id, amount):
        raise Conflict(
            f"Awarding ¥{amount:,} would take call {call.id} above its ceiling of ¥{call.budget_ceiling:,} "
            f"(¥{call.awarded_total:,} awarded).",
            slug="call-budget-exceeded",
        )
    cited = [CitedScore(score_id=s.id, reviewer_id=s.reviewer_id, total=s.total) for s in found]
    record = Decision(
        decision=decision.decision,
        amount=amount,
        reason=decision.reason,
        cited_scores=cited,
        mean_total=rules.mean_text([s.total for s in found]),
        max_total=Rubric.model_validate(call.rubric).max_total,
        decided_by=principal.client_id,
        decided_at=now,
    )
    new_status = CallApplicationStatus.AWARDED if amount is not None else CallApplicationStatus.REJECTED
    updated = await calls.update_application(
        session, row, {"status": new_status.value, "decision": record.model_dump(mode="json")}
    )
    await calls.audit(
        session,
        call_id=call.id,
        application_id=row.id,
        action="decision",
        actor=principal.client_id,
        at=now,
        decision=decision.decision,
        amount=amount,
        cited_score_ids=[s.score_id for s in cited],
    )
    return updated

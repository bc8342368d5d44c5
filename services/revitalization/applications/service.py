"""Applications: creation, edits, the state machine with its audit trail, eligibility, approval
against the budget, and activation into a placement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.access import REVIEW, require_any, sees
from services.revitalization.applications import repository
from services.revitalization.applications.repository import (
    BudgetCommitment,
    Refusal,
    TransitionRecord,
    Writer,
)
from services.revitalization.applications.states import (
    EDITABLE,
    Action,
    Actor,
    ActorNotAllowed,
    IllegalTransition,
    allowed_actions,
    transition_for,
)
from services.revitalization.budgets import repository as budgets
from services.revitalization.categories import service as categories
from services.revitalization.eligibility import service as eligibility
from services.revitalization.eligibility.source import ResidenceHistorySource, ResidenceSourceUnavailable
from services.revitalization.placements import service as placements
from services.revitalization.programmes import service as programmes
from shared.auth.tokens import Principal
from shared.contracts.revitalization import (
    Applicant,
    Application,
    ApplicationDetails,
    ApplicationIn,
    ApplicationPatch,
    ApplicationState,
    DecisionIn,
    EligibilityReport,
    Finding,
    ProgrammeKind,
    Transition,
)
from shared.db.engine import Database
from shared.db.reads import Reader
from shared.values import utc_now
from shared.web.etag import check_if_match
from shared.web.pagination import PageRequest
from shared.web.problems import (
    BadGateway,
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    Problem,
    UnprocessableContent,
)

# What each state allows, worked out once: every listed application carries it.
ALLOWED_ACTIONS: dict[str, list[str]] = {
    state.value: [action.value for action in allowed_actions(state)] for state in ApplicationState
}


def to_model(row: Any) -> Application:
    return Application(
        id=row.id,
        programme_code=row.programme_code,
        fiscal_year=row.fiscal_year,
        municipality_code=row.municipality_code,
        applicant=row.applicant,
        title=row.title,
        description=row.description,
        requested_amount=row.requested_amount,
        approved_amount=row.approved_amount,
        disbursed_amount=row.disbursed_amount,
        details=row.details,
        state=row.state,
        allowed_actions=ALLOWED_ACTIONS[row.state],
        eligibility=row.eligibility,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _document(row: Any, *, applicant: Any, details: Any, eligibility: Any) -> dict[str, Any]:
    """The application as `to_model` shapes it, with its stored documents as given: decoded, or their
    JSON text as `orjson.Fragment`s."""
    return {
        "id": row.id,
        "programme_code": row.programme_code,
        "fiscal_year": row.fiscal_year,
        "municipality_code": row.municipality_code,
        "applicant": applicant,
        "title": row.title,
        "description": row.description,
        "requested_amount": row.requested_amount,
        "approved_amount": row.approved_amount,
        "disbursed_amount": row.disbursed_amount,
        "details": details,
        "state": row.state,
        "allowed_actions": ALLOWED_ACTIONS[row.state],
        "eligibility": eligibility,
        "version": row.version,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


@dataclass(frozen=True, slots=True)
class ApplicationJson:
    """An application serialized (as `to_model` would serialize) and its version, for its ETag."""

    body: orjson.Fragment
    version: int


def to_json(row: Any) -> ApplicationJson:
    """`to_model(row)` as JSON without building and validating the model on the way out: the stored
    documents were written from their API models (see `list_applications`)."""
    document = _document(row, applicant=row.applicant, details=row.details, eligibility=row.eligibility)
    return ApplicationJson(orjson.Fragment(orjson.dumps(document, option=orjson.OPT_UTC_Z)), row.version)


async def visible_row(*, session: AsyncSession, principal: Principal, application_id: int) -> Any:
    """The application if this caller may see it; otherwise 404, exactly as if it did not exist."""
    return await _visible(session, principal, application_id)


async def _visible(writer: Writer, principal: Principal, application_id: int) -> Any:
    row = await repository.get_application(writer, application_id)
    if row is None or not sees(principal, row.client_id):
        raise NotFound(f"No application {application_id}.", slug="application-not-found")
    return row


async def get_application(*, session: AsyncSession, principal: Principal, application_id: int) -> Application:
    return to_model(await visible_row(session=session, principal=principal, application_id=application_id))


async def create_application(
    *, session: AsyncSession, principal: Principal, application: ApplicationIn
) -> Application:
    await programmes.load_rules(
        session=session, code=application.programme_code, fiscal_year=application.fiscal_year
    )
    now = utc_now()
    values = application.model_dump(mode="json")
    application_id = await repository.insert_application(
        session,
        {
            **values,
            "client_id": principal.client_id,
            "approved_amount": None,
            "disbursed_amount": 0,
            "state": ApplicationState.DRAFT.value,
            "eligibility": None,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        },
    )
    await repository.insert_transition(
        session,
        application_id,
        TransitionRecord(
            action="create",
            from_state=None,
            to_state=ApplicationState.DRAFT.value,
            actor=principal.client_id,
            at=now,
            reason=None,
            changes={},
        ),
    )
    row = await repository.get_application(session, application_id)
    return to_model(row)


async def list_applications(
    *,
    reader: Reader,
    principal: Principal,
    page: PageRequest,
    programme_code: str | None,
    fiscal_year: int | None,
    municipality_code: str | None,
    state: ApplicationState | None,
) -> orjson.Fragment:
    """A page (`{"items": [...], "next_page_token": ...}`) as JSON, serialized once. The stored documents
    (applicant, details, eligibility) were written from their API models (`model_dump(mode="json")`), so
    they pass through as JSON fragments instead of being decoded, validated and encoded again for every
    row; timestamps (aware, UTC) are written by orjson in the RFC 3339 form `to_rfc3339` gives; `to_model`
    gives the same shape."""
    rows, token = await repository.page_application_documents(
        reader,
        page,
        client_id=None if principal.has(REVIEW) else principal.client_id,
        programme_code=programme_code,
        fiscal_year=fiscal_year,
        municipality_code=municipality_code,
        state=state.value if state else None,
    )
    items = [
        _document(
            row,
            applicant=orjson.Fragment(row.applicant),
            details=orjson.Fragment(row.details),
            eligibility=None if row.eligibility is None else orjson.Fragment(row.eligibility),
        )
        for row in rows
    ]
    return orjson.Fragment(orjson.dumps({"items": items, "next_page_token": token}, option=orjson.OPT_UTC_Z))


def _diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return {key: {"old": old.get(key), "new": value} for key, value in new.items() if old.get(key) != value}


async def edit_application(
    *,
    session: AsyncSession,
    principal: Principal,
    application_id: int,
    patch: ApplicationPatch,
    if_match: str | None,
) -> Application:
    row = await visible_row(session=session, principal=principal, application_id=application_id)
    if row.client_id != principal.client_id:
        raise Forbidden("Only the applying system may edit its application.", slug="not-the-applicant")
    check_if_match(if_match, row.version)
    state = ApplicationState(row.state)
    if state not in EDITABLE:
        raise Conflict(
            f"An application in state {state.value} cannot be edited; only a draft or a returned one can.",
            slug="not-editable",
            state=state.value,
            allowed_actions=[a.value for a in allowed_actions(state)],
        )
    # Whole documents for the fields sent: a nested model keeps its defaults, as on creation.
    changes = patch.model_dump(mode="json", include=set(patch.model_fields_set))
    if any(value is None for value in changes.values()):
        raise UnprocessableContent("A field cannot be removed, only changed.", slug="null-not-allowed")
    diff = _diff({name: getattr(row, name) for name in changes}, changes)
    if not diff:
        return to_model(row)
    now = utc_now()
    # Content changed: any earlier eligibility verdict no longer describes it.
    record = TransitionRecord(
        action="edit",
        from_state=state.value,
        to_state=state.value,
        actor=principal.client_id,
        at=now,
        reason=None,
        changes=diff,
    )
    return to_model(
        await _changed(
            session, row, values={**changes, "eligibility": None, "updated_at": now}, record=record
        )
    )


def _transition(state: ApplicationState, action: Action, actor: Actor, reason: str | None) -> Any:
    try:
        transition = transition_for(state, action, actor)
    except IllegalTransition as exc:
        raise Conflict(
            str(exc),
            slug="illegal-transition",
            state=state.value,
            action=action.value,
            allowed_actions=[a.value for a in exc.allowed],
        ) from None
    except ActorNotAllowed as exc:
        raise Forbidden(str(exc), slug="transition-not-allowed-for-role") from None
    if transition.needs_reason and not reason:
        raise UnprocessableContent(
            f"To {action.value} an application, give a reason.", slug="reason-required"
        )
    return transition


# A refused approval whose statement saw the application at its version and the room it needed lost a
# race after that statement's snapshot was taken: another request changed the application or took the
# room while it waited for a row's lock (`Refusal.raced`). Run again, with a fresh snapshot, it either
# succeeds or sees why it cannot; each such loss is another request's change, so a second run nearly
# always decides.
_APPROVAL_ATTEMPTS = 3


async def _changed(
    writer: Writer,
    row: Any,
    *,
    values: dict[str, Any],
    record: TransitionRecord,
    commitment: BudgetCommitment | None = None,
) -> Any:
    """The row after the change and its audit line; 412 when another request changed it first, 409
    when the budget cannot take the commitment."""
    for _ in range(_APPROVAL_ATTEMPTS):
        changed = await repository.apply_transition(
            writer, row.id, expected_version=row.version, values=values, record=record, commitment=commitment
        )
        if changed is None:
            # Without a commitment only the version can have stopped it.
            raise _changed_meanwhile("The application was changed by another request at the same time")
        if not isinstance(changed, Refusal):
            return changed
        if commitment is None:
            raise TypeError("a refusal is explained only for a change with a budget commitment")
        problem = _refusal(changed, row, commitment)
        if problem is not None:
            raise problem
    raise _changed_meanwhile("The application or its budget was changed by other requests at the same time")


def _changed_meanwhile(what: str) -> PreconditionFailed:
    return PreconditionFailed(f"{what}; read it again.", slug="etag-mismatch")


def _refusal(facts: Refusal, row: Any, commitment: BudgetCommitment) -> Problem | None:
    """Why the database refused the approval, from what it saw as it refused; None when what it saw
    allowed the approval (a race lost after its snapshot, see `_APPROVAL_ATTEMPTS`)."""
    if facts.raced:
        return None
    if facts.version != row.version:
        return _changed_meanwhile("The application was changed by another request at the same time")
    if facts.budget_version is None or facts.budget_room is None:
        return Conflict(
            f"No budget is set for {commitment.programme_code}, fiscal year {commitment.fiscal_year}, "
            f"municipality {commitment.municipality_code}.",
            slug="no-budget",
        )
    available = facts.budget_room
    if available >= commitment.amount:
        return None
    return Conflict(
        f"The budget has ¥{available:,} left, less than ¥{commitment.amount:,}.",
        slug="budget-exhausted",
        available=available,
    )


async def _apply(
    writer: Writer,
    row: Any,
    *,
    action: Action,
    target: ApplicationState,
    actor: str,
    reason: str | None,
    extra: dict[str, Any] | None = None,
    commitment: BudgetCommitment | None = None,
) -> Any:
    """The row as changed by the transition, with its audit line."""
    now = utc_now()
    values: dict[str, Any] = {"state": target.value, "updated_at": now, **(extra or {})}
    old = {name: getattr(row, name) for name in values if name != "updated_at"}
    record = TransitionRecord(
        action=action.value,
        from_state=row.state,
        to_state=target.value,
        actor=actor,
        at=now,
        reason=reason,
        changes=_diff(old, {k: v for k, v in values.items() if k != "updated_at" and k != "awarded_at"}),
    )
    return await _changed(writer, row, values=values, record=record, commitment=commitment)


async def applicant_action(
    *,
    session: AsyncSession,
    principal: Principal,
    application_id: int,
    action: Action,
    reason: str | None,
    if_match: str | None,
) -> Application:
    row = await visible_row(session=session, principal=principal, application_id=application_id)
    if row.client_id != principal.client_id:
        raise Forbidden("Only the applying system may do this.", slug="not-the-applicant")
    if if_match is not None:
        check_if_match(if_match, row.version)
    transition = _transition(ApplicationState(row.state), action, Actor.APPLICANT, reason)
    if transition.source is ApplicationState.APPROVED and row.approved_amount:
        if row.disbursed_amount:
            raise Conflict(
                "Money has been paid on this award; it cannot be withdrawn.", slug="already-disbursed"
            )
        # A carried-over part is committed in the year it was carried into: released there.
        parts = {row.fiscal_year: row.approved_amount - row.carried_amount}
        if row.carried_amount:
            parts[row.carried_fiscal_year] = row.carried_amount
        released = [
            await budgets.release(session, row.programme_code, year, row.municipality_code, amount)
            for year, amount in parts.items()
            if amount
        ]
        if not all(released):
            raise Conflict("The budget commitment could not be released.", slug="budget-inconsistent")
    return to_model(
        await _apply(
            session, row, action=action, target=transition.target, actor=principal.client_id, reason=reason
        )
    )


async def decide(
    *,
    database: Database,
    principal: Principal,
    application_id: int,
    decision: DecisionIn,
    if_match: str | None,
) -> ApplicationJson:
    """On PostgreSQL a decision writes one statement (`repository.apply_transition`), atomic by
    itself: it runs without a transaction around it, each of its two statements (read the application;
    change it, which for an approval also reads why when it refuses) on a connection lent for that
    statement alone. So an approval holds its budget's row lock only while the database runs the
    write, not until this process's event loop gets to send a COMMIT (which under load would queue
    every approval of a municipality behind the others), and no connection waits on this process
    between statements.
    An activation also writes its placement, and SQLite takes a transition in steps: those run in
    one transaction."""
    action = Action(decision.action.value)
    if action is Action.ACTIVATE or database.is_sqlite:
        async with database.sessionmaker() as session, session.begin():
            return await _decide(session, principal, application_id, action, decision, if_match)
    return await _decide(database, principal, application_id, action, decision, if_match)


async def _decide(
    writer: Writer,
    principal: Principal,
    application_id: int,
    action: Action,
    decision: DecisionIn,
    if_match: str | None,
) -> ApplicationJson:
    row = await _visible(writer, principal, application_id)
    if if_match is not None:
        check_if_match(if_match, row.version)
    transition = _transition(ApplicationState(row.state), action, Actor.REVIEWER, decision.reason)
    extra: dict[str, Any] = {}
    commitment = None
    if action is Action.APPROVE:
        amount = _approvable_amount(row, decision)
        extra = {"approved_amount": amount, "awarded_at": utc_now()}
        commitment = BudgetCommitment(row.programme_code, row.fiscal_year, row.municipality_code, amount)
    elif action is Action.ACTIVATE:
        if not isinstance(writer, AsyncSession):
            raise TypeError("an activation writes its placement too: it runs in a transaction")
        await _activate(writer, row)
    changed = await _apply(
        writer,
        row,
        action=action,
        target=transition.target,
        actor=principal.client_id,
        reason=decision.reason,
        extra=extra,
        commitment=commitment,
    )
    return to_json(changed)


def _approvable_amount(row: Any, decision: DecisionIn) -> int:
    """The amount to approve, once the eligibility verdict, the request and the cap allow it."""
    amount = decision.approved_amount
    if amount is None or amount <= 0:
        raise UnprocessableContent(
            "To approve, give the approved_amount (more than ¥0).", slug="amount-required"
        )
    report = EligibilityReport.model_validate(row.eligibility) if row.eligibility else None
    if report is None or not report.eligible:
        raise Conflict(
            "Eligibility has not been established for the application as it stands: run an eligibility "
            "check first (and resolve its failed findings).",
            slug="eligibility-not-established",
        )
    if amount > row.requested_amount:
        raise UnprocessableContent(
            f"The approved amount ¥{amount:,} exceeds the amount requested ¥{row.requested_amount:,}.",
            slug="amount-above-request",
        )
    cap = report.amounts.get("grant_cap")
    if cap is not None and amount > cap:
        raise UnprocessableContent(
            f"The approved amount ¥{amount:,} exceeds the cap ¥{cap:,}.", slug="amount-above-cap"
        )
    return amount


async def _activate(session: AsyncSession, row: Any) -> None:
    kind, rules = await programmes.load_rules(
        session=session, code=row.programme_code, fiscal_year=row.fiscal_year
    )
    if rules.term is None or kind not in (ProgrammeKind.COOPERATOR, ProgrammeKind.ENTREPRENEUR):
        return
    details = ApplicationDetails.model_validate(row.details)
    applicant = Applicant.model_validate(row.applicant)
    if details.appointment_start_date is None or details.term_end_date is None:
        raise UnprocessableContent(
            "To activate, the application must give the term's start and end dates.",
            slug="term-dates-missing",
        )
    await placements.create_placement(
        session=session,
        application_id=row.id,
        programme_code=row.programme_code,
        fiscal_year=row.fiscal_year,
        municipality_code=row.municipality_code,
        resident_code=applicant.resident_code,
        start_date=details.appointment_start_date,
        end_date=details.term_end_date,
        min_months=rules.term.min_months,
        max_months=rules.term.max_months,
    )


async def check_eligibility(
    *, session: AsyncSession, principal: Principal, application_id: int, source: ResidenceHistorySource
) -> EligibilityReport:
    require_any(principal, REVIEW)
    row = await visible_row(session=session, principal=principal, application_id=application_id)
    state = ApplicationState(row.state)
    if state not in (ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW):
        raise Conflict(
            f"Eligibility is checked on a submitted application; this one is {state.value}.",
            slug="not-under-review",
        )
    kind, rules = await programmes.load_rules(
        session=session, code=row.programme_code, fiscal_year=row.fiscal_year
    )
    category = await categories.category_of(
        session=session, fiscal_year=row.fiscal_year, municipality_code=row.municipality_code
    )
    try:
        verdict = await eligibility.assess(
            application_id=row.id,
            kind=kind,
            rules=rules,
            fiscal_year=row.fiscal_year,
            municipality_code=row.municipality_code,
            municipality_category=category,
            applicant=Applicant.model_validate(row.applicant),
            details=ApplicationDetails.model_validate(row.details),
            requested_amount=row.requested_amount,
            source=source,
        )
    except ResidenceSourceUnavailable as exc:
        raise BadGateway(str(exc), slug="registry-unavailable") from None
    report = EligibilityReport(
        eligible=verdict.eligible,
        findings=[Finding(code=f.code, passed=f.passed, detail=f.detail) for f in verdict.findings],
        amounts=verdict.amounts,
        checked_at=utc_now(),
    )
    failed = [f.code for f in report.findings if not f.passed]
    record = TransitionRecord(
        action="check_eligibility",
        from_state=row.state,
        to_state=row.state,
        actor=principal.client_id,
        at=report.checked_at,
        reason=None,
        changes={
            "eligible": {"old": None, "new": report.eligible},
            "failed_findings": {"old": None, "new": failed},
        },
    )
    await _changed(session, row, values={"eligibility": report.model_dump(mode="json")}, record=record)
    return report


async def list_transitions(
    *, session: AsyncSession, principal: Principal, application_id: int, page: PageRequest
) -> tuple[list[Transition], str | None]:
    await visible_row(session=session, principal=principal, application_id=application_id)
    rows, token = await repository.page_transitions(session, application_id, page)
    items = [
        Transition(
            id=r.id,
            application_id=r.application_id,
            action=r.action,
            from_state=r.from_state,
            to_state=r.to_state,
            actor=r.actor,
            at=r.at,
            reason=r.reason,
            changes=r.changes,
        )
        for r in rows
    ]
    return items, token

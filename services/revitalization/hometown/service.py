"""Hometown registrations: a person holds at most the configured number of live registrations,
one per municipality; premium ones wait for the municipality's review."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.access import REVIEW, sees
from services.revitalization.eligibility.source import ResidenceHistorySource, ResidenceSourceUnavailable
from services.revitalization.hometown import repository
from services.revitalization.hometown.rules import (
    RegistrationStatus,
    Tier,
    can_review,
    can_withdraw,
    initial_status,
)
from shared.auth.tokens import Principal
from shared.contracts.revitalization import (
    HometownCount,
    HometownRegistration,
    HometownRegistrationIn,
    HometownReviewIn,
    HometownStatus,
)
from shared.values import utc_now
from shared.web.etag import check_if_match
from shared.web.pagination import PageRequest
from shared.web.problems import BadGateway, Conflict, NotFound, UnprocessableContent
from shared.web.purpose import encode_purpose

IDENTITY_PURPOSE = encode_purpose(
    "jichi:purpose:hometown-registration", "ふるさと住民登録の本人確認 (revitalization hometown registration)"
)


def to_model(row: Any) -> HometownRegistration:
    return HometownRegistration(
        id=row.id,
        person_ref=row.person_ref,
        municipality_code=row.municipality_code,
        tier=row.tier,
        status=row.status,
        identity_verified=row.identity_verified,
        activity=row.activity,
        review_reason=row.review_reason,
        created_at=row.created_at,
        version=row.version,
    )


async def register(
    *,
    session: AsyncSession,
    principal: Principal,
    registration: HometownRegistrationIn,
    cap: int,
    source: ResidenceHistorySource,
) -> HometownRegistration:
    client_id, person = principal.client_id, registration.person_ref
    if await repository.live_registration(session, client_id, person, registration.municipality_code):
        raise Conflict(
            f"This person already has a hometown registration with {registration.municipality_code}.",
            slug="duplicate-registration",
        )
    verified = False
    if registration.resident_code is not None:
        try:
            history = await source.residence_history(registration.resident_code, purpose=IDENTITY_PURPOSE)
        except ResidenceSourceUnavailable as exc:
            raise BadGateway(str(exc), slug="registry-unavailable") from None
        if history is None or not history.alive:
            raise UnprocessableContent(
                "The registry has no living resident with this resident code.", slug="identity-not-verified"
            )
        verified = True
    await repository.ensure_person(session, client_id, person)
    if not await repository.take_place(session, client_id, person, cap):
        raise Conflict(
            f"A person may hold hometown registrations with at most {cap} municipalities at once.",
            slug="hometown-cap-reached",
            cap=cap,
        )
    tier = Tier(registration.tier.value)
    try:
        registration_id = await repository.insert_registration(
            session,
            {
                "client_id": client_id,
                "person_ref": person,
                "municipality_code": registration.municipality_code,
                "tier": tier.value,
                "status": initial_status(tier).value,
                "live": 1,
                "identity_verified": verified,
                "activity": registration.activity,
                "review_reason": None,
                "created_at": utc_now(),
                "version": 1,
            },
        )
    except IntegrityError:
        raise Conflict(
            f"This person already has a hometown registration with {registration.municipality_code}.",
            slug="duplicate-registration",
        ) from None
    return to_model(await repository.get_registration(session, registration_id))


async def visible_row(*, session: AsyncSession, principal: Principal, registration_id: int) -> Any:
    row = await repository.get_registration(session, registration_id)
    if row is None or not sees(principal, row.client_id):
        raise NotFound(f"No hometown registration {registration_id}.", slug="registration-not-found")
    return row


async def get_registration(
    *, session: AsyncSession, principal: Principal, registration_id: int
) -> HometownRegistration:
    return to_model(await visible_row(session=session, principal=principal, registration_id=registration_id))


async def _close(
    session: AsyncSession, row: Any, status: RegistrationStatus, reason: str | None, extra: dict[str, Any]
) -> HometownRegistration:
    await repository.update_registration(
        session, row.id, expected_version=row.version, values={"status": status.value, "live": None, **extra}
    )
    await repository.free_place(session, row.client_id, row.person_ref)
    return to_model(await repository.get_registration(session, row.id))


async def review(
    *,
    session: AsyncSession,
    principal: Principal,
    registration_id: int,
    decision: HometownReviewIn,
    if_match: str | None,
) -> HometownRegistration:
    row = await visible_row(session=session, principal=principal, registration_id=registration_id)
    if if_match is not None:
        check_if_match(if_match, row.version)
    status = RegistrationStatus(row.status)
    if not can_review(status):
        raise Conflict(
            f"A registration in status {status.value} is not waiting for review.", slug="not-reviewable"
        )
    if decision.decision == "approve":
        await repository.update_registration(
            session,
            row.id,
            expected_version=row.version,
            values={"status": RegistrationStatus.ACTIVE.value, "review_reason": decision.reason},
        )
        return to_model(await repository.get_registration(session, row.id))
    if not decision.reason:
        raise UnprocessableContent("To reject a registration, give a reason.", slug="reason-required")
    return await _close(
        session, row, RegistrationStatus.REJECTED, decision.reason, {"review_reason": decision.reason}
    )


async def withdraw(
    *, session: AsyncSession, principal: Principal, registration_id: int, if_match: str | None
) -> HometownRegistration:
    row = await visible_row(session=session, principal=principal, registration_id=registration_id)
    if row.client_id != principal.client_id:
        raise NotFound(f"No hometown registration {registration_id}.", slug="registration-not-found")
    if if_match is not None:
        check_if_match(if_match, row.version)
    status = RegistrationStatus(row.status)
    if not can_withdraw(status):
        raise Conflict(
            f"A registration in status {status.value} cannot be withdrawn.", slug="not-withdrawable"
        )
    return await _close(session, row, RegistrationStatus.WITHDRAWN, None, {})


async def list_registrations(
    *,
    session: AsyncSession,
    principal: Principal,
    page: PageRequest,
    municipality_code: str | None,
    status: HometownStatus | None,
) -> tuple[list[HometownRegistration], str | None]:
    rows, token = await repository.page_registrations(
        session,
        page,
        client_id=None if principal.has(REVIEW) else principal.client_id,
        municipality_code=municipality_code,
        status=status.value if status else None,
    )
    return [to_model(row) for row in rows], token


async def list_counts(
    *, session: AsyncSession, page: PageRequest, municipality_code: str | None
) -> tuple[list[HometownCount], str | None]:
    rows, token = await repository.page_counts(session, page, municipality_code=municipality_code)
    return [
        HometownCount(municipality_code=r.municipality_code, basic=r.basic, premium=r.premium) for r in rows
    ], token

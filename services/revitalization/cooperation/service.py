"""The register of cooperation frameworks: creating one with its members, joining and leaving on dated
days, following mergers through the registry's code master, listing a prefecture's frameworks as of a
day, and the allocation-tax measures tied to a framework's members."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.cooperation import repository
from services.revitalization.cooperation.measures import measures_for
from services.revitalization.cooperation.rules import (
    Membership,
    composition_refusal,
    member_refusal,
    prefecture_of,
)
from services.revitalization.cooperation.source import CodeMasterSource, CodeSourceUnavailable
from services.revitalization.opendata.giving360 import place_name
from shared.auth.tokens import Principal
from shared.contracts.revitalization import (
    AllocationTaxItem,
    Framework,
    FrameworkIn,
    FrameworkKind,
    FrameworkMember,
    MemberDepartureIn,
    MemberJoinIn,
    MemberRole,
)
from shared.values import fiscal_year_end, fiscal_year_start, utc_now
from shared.web.etag import check_if_match
from shared.web.pagination import PageRequest
from shared.web.problems import BadGateway, Conflict, NotFound, UnprocessableContent

MAX_SUCCESSION_ROUNDS = 10


def member_model(row: Any) -> FrameworkMember:
    return FrameworkMember(
        id=row.id,
        municipality_code=row.municipality_code,
        name=place_name(row.municipality_code),
        role=MemberRole(row.role),
        joined_on=row.joined_on,
        left_on=row.left_on,
        leave_reason=row.leave_reason,
        succeeded_from=row.succeeded_from,
        recorded_by=row.recorded_by,
    )


def framework_model(row: Any, members: Sequence[Any]) -> Framework:
    return Framework(
        id=row.id,
        kind=FrameworkKind(row.kind),
        name=row.name,
        agreement_reference=row.agreement_reference,
        established_on=row.established_on,
        members=[member_model(member) for member in members],
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        version=row.version,
    )


def _membership(row: Any) -> Membership:
    return Membership(row.municipality_code, MemberRole(row.role), row.joined_on, row.left_on)


def _refuse_members(kind: FrameworkKind, members: Sequence[Membership], on: date) -> None:
    for member in members:
        refusal = member_refusal(kind, member.municipality_code, member.role)
        if refusal is not None:
            raise UnprocessableContent(refusal, slug="member-not-allowed")
    refusal = composition_refusal(kind, members, on)
    if refusal is not None:
        raise UnprocessableContent(refusal, slug="framework-composition")


async def _insert_member(
    session: AsyncSession,
    framework_id: int,
    member: Membership,
    actor: str,
    *,
    succeeded_from: int | None = None,
) -> int:
    return await repository.insert_member(
        session,
        framework_id=framework_id,
        municipality_code=member.municipality_code,
        prefecture=prefecture_of(member.municipality_code),
        role=member.role.value,
        joined_on=member.joined_on,
        succeeded_from=succeeded_from,
        recorded_by=actor,
        recorded_at=utc_now(),
    )


async def create_framework(
    *, session: AsyncSession, principal: Principal, framework: FrameworkIn
) -> Framework:
    members = [
        Membership(m.municipality_code, m.role, m.joined_on or framework.established_on)
        for m in framework.members
    ]
    early = [m.municipality_code for m in members if m.joined_on < framework.established_on]
    if early:
        raise UnprocessableContent(
            f"{', '.join(early)} cannot join before the framework is established.", slug="member-not-allowed"
        )
    _refuse_members(framework.kind, members, framework.established_on)
    framework_id = await repository.insert_framework(
        session,
        kind=framework.kind.value,
        name=framework.name,
        agreement_reference=framework.agreement_reference,
        established_on=framework.established_on,
        recorded_by=principal.client_id,
        recorded_at=utc_now(),
    )
    for member in members:
        await _insert_member(session, framework_id, member, principal.client_id)
    return await get_framework(session=session, framework_id=framework_id)


async def _row(session: AsyncSession, framework_id: int) -> Any:
    row = await repository.get_framework(session, framework_id)
    if row is None:
        raise NotFound(f"No cooperation framework {framework_id}.", slug="framework-not-found")
    return row


async def get_framework(*, session: AsyncSession, framework_id: int, as_of: date | None = None) -> Framework:
    """The framework with every membership, or only those in force on `as_of`."""
    row = await _row(session, framework_id)
    members = await repository.members_of(session, [framework_id])
    if as_of is not None:
        members = [m for m in members if _membership(m).in_force(as_of)]
    return framework_model(row, members)


async def _claim(session: AsyncSession, framework_id: int, if_match: str | None) -> tuple[Any, list[Any]]:
    row = await _row(session, framework_id)
    check_if_match(if_match, row.version)
    if not await repository.bump_version(session, framework_id, row.version):
        raise Conflict(
            "The framework changed while this request ran; read it again.", slug="framework-changed"
        )
    return row, await repository.members_of(session, [framework_id])


async def join(
    *,
    session: AsyncSession,
    principal: Principal,
    framework_id: int,
    join: MemberJoinIn,
    if_match: str | None,
) -> Framework:
    row, members = await _claim(session, framework_id, if_match)
    if join.joined_on < row.established_on:
        raise UnprocessableContent(
            "A member cannot join before the framework is established.", slug="member-not-allowed"
        )
    joining = Membership(join.municipality_code, join.role, join.joined_on)
    kind = FrameworkKind(row.kind)
    # The composition must hold on the joining day and on every later day someone joined or left.
    days = {join.joined_on} | {
        d for m in members for d in (m.joined_on, m.left_on) if d and d > join.joined_on
    }
    everyone = [*(_membership(m) for m in members), joining]
    for day in sorted(days):
        _refuse_members(kind, everyone, day)
    await _insert_member(session, framework_id, joining, principal.client_id)
    return await get_framework(session=session, framework_id=framework_id)


async def depart(
    *,
    session: AsyncSession,
    principal: Principal,
    framework_id: int,
    departure: MemberDepartureIn,
    if_match: str | None,
) -> Framework:
    _, members = await _claim(session, framework_id, if_match)
    open_rows = [
        m for m in members if m.municipality_code == departure.municipality_code and m.left_on is None
    ]
    if not open_rows:
        raise NotFound(f"{departure.municipality_code} is not a current member.", slug="member-not-found")
    (member,) = open_rows
    if departure.left_on <= member.joined_on:
        raise UnprocessableContent(
            f"{member.municipality_code} joined on {member.joined_on.isoformat()}; it leaves after that.",
            slug="member-not-allowed",
        )
    await repository.close_member(session, member.id, left_on=departure.left_on, reason="withdrawal")
    return await get_framework(session=session, framework_id=framework_id)


async def follow_successions(
    *, session: AsyncSession, framework_id: int, as_of: date, source: CodeMasterSource, actor: str
) -> Framework:
    """Every current member whose code the registry retired by `as_of` leaves on the day it ceased; the
    codes in force that day that its body became take its place (a successor already a member stays as
    it is: an absorption). Central cities first, so a new code formed from a central city and a partner
    keeps the central role. Repeated until no code changes (a chain of mergers)."""
    await _row(session, framework_id)
    changed = False
    try:
        for _ in range(MAX_SUCCESSION_ROUNDS):
            if not await _succession_round(session, framework_id, as_of, source, actor):
                break
            changed = True
    except CodeSourceUnavailable as exc:
        raise BadGateway(str(exc), slug="registry-unavailable") from None
    if changed:
        await repository.increment_version(session, framework_id)
    return await get_framework(session=session, framework_id=framework_id)


async def _succession_round(
    session: AsyncSession, framework_id: int, as_of: date, source: CodeMasterSource, actor: str
) -> bool:
    members = await repository.members_of(session, [framework_id])
    current = sorted(
        (m for m in members if m.left_on is None),
        key=lambda m: (m.role != MemberRole.CENTRAL_CITY.value, m.id),
    )
    changed = False
    for member in current:
        status = await source.status(member.municipality_code)
        if status is None or status.to_date is None or status.to_date > as_of:
            continue
        ceased = status.to_date
        successors = await source.successors(member.municipality_code, on=ceased)
        if not await repository.close_member(
            session, member.id, left_on=max(ceased, member.joined_on), reason="merger"
        ):
            continue
        changed = True
        held = {
            m.municipality_code
            for m in await repository.members_of(session, [framework_id])
            if m.left_on is None
        }
        for code in successors:
            if code not in held:
                joining = Membership(code, MemberRole(member.role), ceased)
                await _insert_member(session, framework_id, joining, actor, succeeded_from=member.id)
                held.add(code)
    return changed


async def list_frameworks(
    *,
    session: AsyncSession,
    page: PageRequest,
    as_of: date,
    prefecture: str | None,
    kind: FrameworkKind | None,
) -> tuple[list[Framework], str | None]:
    rows, token = await repository.page_frameworks(
        session, page, as_of=as_of, prefecture=prefecture, kind=None if kind is None else kind.value
    )
    members = await repository.members_of(session, [row.id for row in rows])
    by_framework: dict[int, list[Any]] = {}
    for member in members:
        if _membership(member).in_force(as_of):
            by_framework.setdefault(member.framework_id, []).append(member)
    return [framework_model(row, by_framework.get(row.id, [])) for row in rows], token


async def allocation_tax_items(
    *, session: AsyncSession, framework_id: int, fiscal_year: int, language: str
) -> list[AllocationTaxItem]:
    """Per member in the framework at any time in the fiscal year, the measures its role carries."""
    row = await _row(session, framework_id)
    start, end = fiscal_year_start(fiscal_year), fiscal_year_end(fiscal_year)
    kind = FrameworkKind(row.kind)
    items: list[AllocationTaxItem] = []
    for member in await repository.members_of(session, [framework_id]):
        if member.joined_on > end or (member.left_on is not None and member.left_on <= start):
            continue
        role = MemberRole(member.role)
        for measure in measures_for(kind, role, fiscal_year):
            items.append(
                AllocationTaxItem(
                    municipality_code=member.municipality_code,
                    role=role,
                    measure_id=measure.id,
                    tax=measure.tax,
                    name=measure.names.get("en" if language == "en" else "ja", measure.names["ja"]),
                    annual_amount=measure.annual_amount,
                    amount_basis=measure.amount_basis,
                    from_fiscal_year=measure.from_fiscal_year,
                    verified=measure.verified,
                    source_title=measure.source_title,
                    source_url=measure.source_url,
                    note=measure.note,
                )
            )
    return items

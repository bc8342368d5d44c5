"""A registry behind a gateway, served with httpx.MockTransport from the registry's own contract models."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx

from shared.contracts.registry import (
    PURPOSE_HEADER,
    AccessLogEntriesIn,
    Address,
    EventFeed,
    EventType,
    LifeEvent,
    ResidencePeriod,
    Resident,
    ResidentEventPage,
    ResidentPage,
    ResidentStatus,
)
from shared.values import Sex, resident_code_check_digit
from shared.web.purpose import decode_purpose

GATEWAY = "http://gateway.test"


def code(n: int) -> str:
    first_ten = f"{n:010d}"
    return first_ten + str(resident_code_check_digit(first_ten))


def resident(
    n: int,
    *,
    municipality: str = "131016",
    line: str = "丸の内1丁目1-1",
    birth: date = date(1980, 5, 5),
    sex: Sex = Sex.FEMALE,
    nationality: str = "JP",
    since: date = date(2000, 1, 1),
    history: list[ResidencePeriod] | None = None,
    status: ResidentStatus = ResidentStatus.ACTIVE,
    status_since: date | None = None,
) -> Resident:
    periods = history or [
        ResidencePeriod(
            local_government_code=municipality,
            address_lines=[line],
            from_date=since,
            reason=EventType.MOVE_IN,
        )
    ]
    current = periods[-1]
    return Resident(
        resident_code=code(n),
        version=1,
        family_name="山田",
        given_name=f"花子{n}",
        date_of_birth=birth,
        sex=sex,
        nationality=nationality,
        status=status,
        status_since_date=status_since,
        address=Address(
            local_government_code=current.local_government_code, address_lines=current.address_lines
        ),
        address_since_date=current.from_date,
        residence_history=periods,
    )


@dataclass
class FakeRegistry:
    residents: dict[str, Resident] = field(default_factory=dict)
    events: list[LifeEvent] = field(default_factory=list)
    page_size: int = 2
    requests: list[httpx.Request] = field(default_factory=list)
    logged: list[AccessLogEntriesIn] = field(default_factory=list)
    """Every access-log request the elections service made, as the registry received it."""
    tokens_issued: int = 0
    outage: Callable[[httpx.Request], bool] | None = None
    delay: Callable[[], Awaitable[Any]] | None = None
    """Awaited before every extract page is served (to hold a build while it runs)."""

    def add(self, *items: Resident) -> None:
        for item in items:
            self.residents[item.resident_code] = item

    def record(
        self,
        event_type: EventType,
        changed: Resident,
        *,
        effective: date,
        to_abroad: bool | None = None,
        from_abroad: bool | None = None,
        **places: str | None,
    ) -> None:
        self.residents[changed.resident_code] = changed
        self.events.append(
            LifeEvent(
                sequence=len(self.events) + 1,
                type=event_type,
                resident_code=changed.resident_code,
                effective_date=effective,
                recorded_at=datetime.now(UTC),
                resident_version=changed.version,
                from_local_government_code=places.get("from_code"),
                to_local_government_code=places.get("to_code"),
                to_abroad=to_abroad,
                from_abroad=from_abroad,
            )
        )

    def change_code(self, former: str, new: str, *, effective: date) -> None:
        """住民票コードの変更: the record moves to `new`; `former` resolves to nothing, and the events
        recorded under it carry the new code, as the registry rewrites them."""
        moved = self.residents.pop(former).model_copy(update={"resident_code": new})
        self.residents[new] = moved
        self.events = [
            event.model_copy(update={"resident_code": new}) if event.resident_code == former else event
            for event in self.events
        ]
        self.events.append(
            LifeEvent(
                sequence=len(self.events) + 1,
                type=EventType.RESIDENT_CODE_CHANGE,
                resident_code=new,
                effective_date=effective,
                recorded_at=datetime.now(UTC),
                resident_version=moved.version,
                former_resident_code=former,
                resident=moved,
            )
        )

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.outage is not None and self.outage(request):
            return httpx.Response(503)
        path = request.url.path
        if path == "/oauth/token":
            self.tokens_issued += 1
            return httpx.Response(
                200, json={"access_token": "registry-token", "expires_in": 600, "token_type": "Bearer"}
            )
        if request.headers.get("authorization") != "Bearer registry-token":
            return httpx.Response(401, json={"type": "urn:jichi:problem:unauthorized"})
        if path == "/registry/v1/access-log/entries" and request.method == "POST":
            entries = AccessLogEntriesIn.model_validate_json(request.content)
            self.logged.append(entries)
            return httpx.Response(201, json={"logged": len(entries.reads)})
        if not request.headers.get(PURPOSE_HEADER):
            return httpx.Response(400, json={"type": "urn:jichi:problem:purpose-required"})
        if path == "/registry/v1/residents":
            municipality = request.url.params["local_government_code"]
            since = request.url.params.get("resided_since")
            after = request.url.params.get("page_token") or ""
            matching = sorted(
                (r for r in self.residents.values() if self.listed(r, municipality, since)),
                key=lambda r: r.resident_code,
            )
            rest = [r for r in matching if r.resident_code > after]
            page = rest[: self.page_size]
            token = page[-1].resident_code if len(rest) > self.page_size else None
            body = ResidentPage(items=page, next_page_token=token, feed_cursor=len(self.events))
            return httpx.Response(200, content=body.model_dump_json())
        if path.startswith("/registry/v1/residents/") and path.endswith("/events"):
            resident_code = path.split("/")[-2]
            if resident_code not in self.residents:
                return httpx.Response(404, json={"type": "urn:jichi:problem:not-found"})
            history = ResidentEventPage(items=[e for e in self.events if e.resident_code == resident_code])
            return httpx.Response(200, content=history.model_dump_json())
        if path.startswith("/registry/v1/residents/"):
            found = self.residents.get(path.rsplit("/", 1)[1])
            if found is None:
                return httpx.Response(404, json={"type": "urn:jichi:problem:not-found"})
            return httpx.Response(200, content=found.model_dump_json())
        if path == "/registry/v1/events":
            after = int(request.url.params["after"])
            limit = int(request.url.params.get("limit", "100"))
            types = set(request.url.params.get_list("type"))
            chosen = [e for e in self.events if e.sequence > after and (not types or e.type in types)]
            items = chosen[:limit]
            has_more = len(chosen) > limit
            cursor = items[-1].sequence if items else after
            if types and not has_more:
                # As the registry does: past every event of other types, to the head.
                cursor = max(cursor, len(self.events))
            feed = EventFeed(items=items, next_cursor=cursor, has_more=has_more)
            return httpx.Response(200, content=feed.model_dump_json())
        return httpx.Response(404, content=json.dumps({"type": "urn:jichi:problem:not-found"}))

    @staticmethod
    def listed(resident: Resident, municipality: str, since: str | None) -> bool:
        """Current residents, and with resided_since those who left on or after that date."""
        for period in resident.residence_history or []:
            if period.local_government_code != municipality:
                continue
            if period.to_date is None or (since is not None and period.to_date >= date.fromisoformat(since)):
                return True
        return False

    def reads_logged(self) -> list[tuple[str, str, str, str]]:
        """(client, purpose, operation, resident code) of every read logged, in order."""
        return [
            (entries.client_id, entries.purpose, entries.operation, read.resident_code)
            for entries in self.logged
            for read in entries.reads
        ]

    def purposes(self) -> set[str]:
        return {
            decode_purpose(r.headers[PURPOSE_HEADER]) for r in self.requests if PURPOSE_HEADER in r.headers
        }

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        if self.delay is not None and request.url.path == "/registry/v1/residents":
            await self.delay()
        return self.handler(request)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.async_handler))

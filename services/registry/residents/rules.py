"""The rules of life events (pure): which events a record allows, and what each one changes.

A record's state is a mapping of the columns in `tables.STATE_COLUMNS`. Ordinary events
take effect on or after the record's latest change; an ex-officio correction may reach back
and is applied to every state from its effective date on, leaving alone the items that a
later event changed (`correct`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from services.registry.residents.keys import address_key, join_address, kana_key, name_key
from shared.contracts.registry import (
    CorrectionRequest,
    DeathRequest,
    EventType,
    ForeignResidentStatus,
    MoveInRequest,
    MoveOutRequest,
    MoveWithinRequest,
    NameChangeRequest,
    NationalityChangeRequest,
    RemovalRequest,
    ResidentStatus,
)
from shared.values import JST
from shared.web.problems import Conflict, UnprocessableContent

State = dict[str, Any]
EventRequest = (
    MoveInRequest
    | MoveOutRequest
    | MoveWithinRequest
    | NameChangeRequest
    | DeathRequest
    | NationalityChangeRequest
    | CorrectionRequest
    | RemovalRequest
)

NAME_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "former_family_name",
    "alias",
)
CORRECTABLE = (*NAME_FIELDS, "date_of_birth", "sex", "nationality", "address")


def japan_today(now: datetime) -> date:
    return now.astimezone(JST).date()


@dataclass(frozen=True, slots=True)
class DateLimits:
    today: date
    move_out_advance_days: int

    def latest_allowed(self, event_type: str) -> date:
        if event_type == EventType.MOVE_OUT:
            return self.today + timedelta(days=self.move_out_advance_days)
        return self.today


def check_not_future(event_type: str, effective_date: date, limits: DateLimits) -> None:
    latest = limits.latest_allowed(event_type)
    if effective_date > latest:
        raise UnprocessableContent(
            f"A {event_type} cannot take effect after {latest.isoformat()} "
            f"(effective_date is {effective_date.isoformat()}).",
            slug="event-date-in-future",
        )


def check_foreign_status(nationality: str, foreign_resident: ForeignResidentStatus | None) -> None:
    if nationality == "JP" and foreign_resident is not None:
        raise UnprocessableContent(
            "A Japanese national has no status of residence; leave foreign_resident out.",
            slug="foreign-resident-status-not-applicable",
        )
    if nationality != "JP" and foreign_resident is None:
        raise UnprocessableContent(
            "A foreign resident needs foreign_resident (status of residence).",
            slug="foreign-resident-status-required",
        )


def check_registration(
    event_type: str, effective_date: date, date_of_birth: date, limits: DateLimits
) -> None:
    """A new record: a birth on the date of birth, or a first move-in on or after it."""
    check_not_future(event_type, effective_date, limits)
    if event_type == EventType.BIRTH and effective_date != date_of_birth:
        raise UnprocessableContent("A birth takes effect on the date of birth.", slug="birth-date-mismatch")
    if effective_date < date_of_birth:
        raise UnprocessableContent(
            f"A {event_type} cannot take effect before the date of birth ({date_of_birth.isoformat()}).",
            slug="event-before-birth",
        )


_NEEDS_ACTIVE = frozenset(
    {
        EventType.MOVE_OUT,
        EventType.MOVE_WITHIN,
        EventType.NAME_CHANGE,
        EventType.NATIONALITY_CHANGE,
        EventType.REMOVAL,
    }
)
_GONE = frozenset({ResidentStatus.MOVED_OUT, ResidentStatus.REMOVED})
"""Statuses a move-in starts again from: moved out, or removed ex officio (職権消除)."""


def check_event(
    state: Mapping[Any, Any], event: EventRequest, limits: DateLimits, *, registered_since: date
) -> None:
    """Refuse an event the record does not allow, with a precise problem."""
    effective = event.effective_date
    status = state["status"]
    check_not_future(event.type, effective, limits)
    if effective < state["date_of_birth"]:
        raise UnprocessableContent(
            f"A {event.type} cannot take effect before the date of birth "
            f"({state['date_of_birth'].isoformat()}).",
            slug="event-before-birth",
        )
    if isinstance(event, CorrectionRequest):
        check_correction(state, event, limits, registered_since=registered_since)
        return
    if status == ResidentStatus.DECEASED:
        raise Conflict(
            f"The resident died on {state['status_since'].isoformat()}; only a correction can be recorded.",
            slug="resident-deceased",
        )
    if effective < state["valid_from"]:
        raise UnprocessableContent(
            f"The record already has a change effective {state['valid_from'].isoformat()}; an event "
            "dated earlier must be recorded as a correction.",
            slug="event-out-of-order",
        )
    if event.type in _NEEDS_ACTIVE and status != ResidentStatus.ACTIVE:
        raise Conflict(
            f"A {event.type} needs an active resident; this one is {status}.", slug="resident-not-active"
        )
    if isinstance(event, MoveInRequest) and status not in _GONE:
        raise Conflict(
            f"The resident is registered in {state['local_government_code']}; record the move-out first.",
            slug="resident-not-moved-out",
        )
    if (
        isinstance(event, MoveWithinRequest)
        and event.address.local_government_code != state["local_government_code"]
    ):
        raise UnprocessableContent(
            f"A move within the municipality stays in {state['local_government_code']}; "
            "a move to another one is a move-out and a move-in.",
            slug="not-same-municipality",
        )
    if isinstance(event, NationalityChangeRequest):
        check_foreign_status(event.nationality, event.foreign_resident)
    if isinstance(event, RemovalRequest):
        check_removal(state, effective)


def check_removal(state: Mapping[Any, Any], effective: date) -> None:
    """職権消除 for an expired stay: a foreign resident, with a recorded period of stay whose last
    day is before the removal's effective date."""
    if state["nationality"] == "JP":
        raise UnprocessableContent(
            "A Japanese national has no period of stay; removal for an ended stay does not apply.",
            slug="removal-not-applicable",
        )
    until = state["period_of_stay_until"]
    if until is None:
        raise UnprocessableContent(
            "The record has no period of stay; record it (nationality_change or correction) first.",
            slug="removal-not-applicable",
        )
    if effective <= until:
        raise UnprocessableContent(
            f"The period of stay runs until {until.isoformat()}; a removal takes effect after that day.",
            slug="period-of-stay-not-ended",
        )


def check_correction(
    state: Mapping[Any, Any], event: CorrectionRequest, limits: DateLimits, *, registered_since: date
) -> None:
    if event.effective_date < registered_since:
        raise UnprocessableContent(
            f"The record starts on {registered_since.isoformat()}; a correction cannot take effect earlier.",
            slug="correction-before-registration",
        )
    corrected_birth = event.items.date_of_birth
    if corrected_birth is not None and (corrected_birth > registered_since or corrected_birth > limits.today):
        raise UnprocessableContent(
            "The corrected date of birth would come after the record's start "
            f"({registered_since.isoformat()}).",
            slug="event-before-birth",
        )


def _name_fields(state: State) -> None:
    state["name_key"] = name_key(state["family_name"], state["given_name"])
    state["kana_key"] = kana_key(state["family_name_kana"], state["given_name_kana"])


def _set_address(state: State, local_government_code: str, lines: Sequence[str]) -> None:
    state["local_government_code"] = local_government_code
    state["address"] = join_address(lines)
    state["address_key"] = address_key(state["address"])


@dataclass(frozen=True, slots=True)
class HouseholdChoice:
    household_id: str
    head_resident_code: str
    relationship: str


def apply_event(
    state: Mapping[Any, Any],
    event: EventRequest,
    *,
    recorded_at: datetime,
    household: HouseholdChoice | None = None,
) -> State:
    """The state after an ordinary (non-correction) event."""
    new: State = dict(state)
    effective = event.effective_date
    new.update(event_type=event.type, valid_from=effective, recorded_at=recorded_at)
    if isinstance(event, (MoveInRequest, MoveWithinRequest)):
        _set_address(new, event.address.local_government_code, event.address.address_lines)
        new.update(
            address_since=effective,
            address_reason=event.type,
            from_abroad=isinstance(event, MoveInRequest) and event.from_abroad,
        )
    if isinstance(event, MoveInRequest):
        new.update(status=ResidentStatus.ACTIVE.value, status_since=effective)
    if household is not None:
        new.update(
            household_id=household.household_id,
            household_head_code=household.head_resident_code,
            relationship=household.relationship,
        )
    if isinstance(event, MoveOutRequest):
        new.update(status=ResidentStatus.MOVED_OUT.value, status_since=effective)
    elif isinstance(event, DeathRequest):
        new.update(status=ResidentStatus.DECEASED.value, status_since=effective)
    elif isinstance(event, RemovalRequest):
        new.update(status=ResidentStatus.REMOVED.value, status_since=effective)
    elif isinstance(event, NameChangeRequest):
        for field in NAME_FIELDS:
            if field in event.model_fields_set:
                new[field] = getattr(event, field)
        _name_fields(new)
    elif isinstance(event, NationalityChangeRequest):
        foreign = event.foreign_resident
        new.update(
            nationality=event.nationality,
            status_of_residence=foreign.status_of_residence if foreign else None,
            period_of_stay_until=foreign.period_of_stay_until_date if foreign else None,
        )
    return new


def supersede(current: Mapping[Any, Any], *, effective: date, recorded_at: datetime) -> list[State]:
    """Past-state rows when the current state gives way to one effective `effective`.

    The old belief ("valid from its start, open-ended") is kept as superseded now; if it held
    for a while before `effective`, that stretch is recorded as known from now on.
    """
    old_belief: State = {**current, "valid_to": None, "superseded_at": recorded_at}
    rows = [old_belief]
    if effective > current["valid_from"]:
        rows.append({**current, "valid_to": effective, "recorded_at": recorded_at, "superseded_at": None})
    return rows


@dataclass(frozen=True, slots=True)
class Correction:
    superseded_version_ids: list[int]
    new_versions: list[State]
    current: State
    corrected_items: list[str]


def _overlay(state: State, base: Mapping[Any, Any], items: Mapping[Any, Any], effective: date) -> State:
    corrected = dict(state)
    for field, value in items.items():
        if field == "address":
            if (state["local_government_code"], state["address"]) == (
                base["local_government_code"],
                base["address"],
            ):
                _set_address(corrected, value["local_government_code"], value["address_lines"])
                if effective > state["address_since"]:
                    corrected.update(
                        address_since=effective, address_reason=EventType.CORRECTION.value, from_abroad=False
                    )
        elif state[field] == base[field]:
            corrected[field] = value
    _name_fields(corrected)
    return corrected


def correct(
    versions: Sequence[Mapping[Any, Any]],
    current: Mapping[Any, Any],
    event: CorrectionRequest,
    *,
    recorded_at: datetime,
) -> Correction:
    """Apply a correction to the believed states overlapping [effective, ∞).

    `versions` are the believed past states (not superseded) that end after `effective`,
    each with its `version_id`; `current` is the open state.
    """
    effective = event.effective_date
    items = event.items.model_dump(include=event.items.model_fields_set, mode="python")
    if "nationality" in items and items["nationality"] is None:
        raise UnprocessableContent("nationality cannot be removed.", slug="invalid-correction")
    for required in (
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "date_of_birth",
        "sex",
        "address",
    ):
        if required in items and items[required] is None:
            raise UnprocessableContent(
                f"{required} cannot be removed by a correction.", slug="invalid-correction"
            )
    timeline = [*sorted(versions, key=lambda state: state["valid_from"]), current]
    base = next(
        (
            state
            for state in timeline
            if state["valid_from"] <= effective
            and (state.get("valid_to") is None or effective < state["valid_to"])
        ),
        None,
    )
    if base is None:
        raise UnprocessableContent(
            f"The record has no state on {effective.isoformat()} to correct.",
            slug="correction-before-registration",
        )
    new_versions: list[State] = []
    for version in versions:
        fields = {k: v for k, v in version.items() if k != "version_id"}
        if fields["valid_from"] < effective:
            new_versions.append(
                {**fields, "valid_to": effective, "recorded_at": recorded_at, "superseded_at": None}
            )
            fields = {**fields, "valid_from": effective, "event_type": EventType.CORRECTION.value}
        corrected = _overlay(fields, base, items, effective)
        new_versions.append({**corrected, "recorded_at": recorded_at, "superseded_at": None})
    new_versions.append({**current, "valid_to": None, "superseded_at": recorded_at})
    start = current["valid_from"]
    if start < effective:
        new_versions.append(
            {**current, "valid_to": effective, "recorded_at": recorded_at, "superseded_at": None}
        )
        start = effective
    split = (
        {"valid_from": start, "event_type": EventType.CORRECTION.value}
        if start != current["valid_from"]
        else {}
    )
    new_current = _overlay({**current, **split}, base, items, effective)
    new_current["recorded_at"] = recorded_at
    return Correction(
        superseded_version_ids=[int(version["version_id"]) for version in versions],
        new_versions=new_versions,
        current=new_current,
        corrected_items=sorted(items),
    )

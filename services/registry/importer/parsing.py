"""Validating one import line and turning it into table rows (pure, and fast on purpose).

The import reads millions of lines, so this checks each field by hand instead of building
pydantic models; the rules are those of the API (`shared.values`, `shared.contracts.registry`).
Names, kana, dates and addresses repeat a great deal across a register, so each worker
remembers what it has already normalised (`Memo`) and does that work once per distinct value.

Line format (JSON Lines; CSV has the same names, with `address_line1..3` instead of the
`address_lines` list and no `residence_history`):

    resident_code (optional: issued when missing), family_name, given_name, family_name_kana,
    given_name_kana, former_family_name?, alias?, date_of_birth, sex, nationality ('JP'),
    status_of_residence?, period_of_stay_until_date?, individual_number?,
    local_government_code, address_lines, address_since_date, household_id?,
    household_head_code?, relationship?, status? (active), status_since_date?,
    residence_history? [{local_government_code, address_lines, from_date, to_date, reason?}]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from random import Random
from typing import Any, Final

from services.registry.residents.identity import IdentityCipher
from services.registry.residents.keys import address_key, join_address, kana_key, name_key
from services.registry.tables import STATE_COLUMNS
from shared.contracts.registry import ADDRESS_LINE_MAX_LENGTH, MAX_ADDRESS_LINES
from shared.values import (
    NAME_MAX_LENGTH,
    is_valid_individual_number,
    is_valid_resident_code,
    issue_resident_code,
    normalize_kana,
    normalize_name,
)

RESIDENT_COLUMNS = (
    "resident_code",
    "individual_number_hash",
    "individual_number_ciphertext",
    *STATE_COLUMNS,
    "protected",
    "version",
)
VERSION_COLUMNS = ("resident_code", *STATE_COLUMNS, "valid_to", "superseded_at")

_KANA = re.compile(r"^[\u30a1-\u30fa\u30fc・ ]+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_HOUSEHOLD = re.compile(r"^H[0-9]{12}$")
_SEXES = frozenset({"not_known", "male", "female", "not_applicable"})
_STATUSES = frozenset({"active", "moved_out", "deceased"})
_PERIOD_REASONS = frozenset({"birth", "move_in", "move_within", "correction"})
_CONTROL = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_STATE: Final = itemgetter(*STATE_COLUMNS)
_V_MUNICIPALITY, _V_ADDRESS, _V_ADDRESS_KEY, _V_ADDRESS_SINCE, _V_ADDRESS_REASON = (
    VERSION_COLUMNS.index(name)
    for name in ("local_government_code", "address", "address_key", "address_since", "address_reason")
)
_V_EVENT_TYPE, _V_VALID_FROM, _V_VALID_TO = (
    VERSION_COLUMNS.index(name) for name in ("event_type", "valid_from", "valid_to")
)
_FOUR_ITEMS: Final = itemgetter(
    *(RESIDENT_COLUMNS.index(name) for name in ("name_key", "date_of_birth", "sex", "address_key"))
)
_MEMO_LIMIT: Final = 200_000
"""Distinct values a worker remembers per kind before it starts afresh (bounds its memory)."""

_NAME_EMPTY: Final = "must not be empty"
_NAME_LONG: Final = f"must have at most {NAME_MAX_LENGTH} characters"
_NAME_CONTROL: Final = "must not contain control characters"
_KANA_BAD: Final = "must be full-width katakana (ー, ・ and spaces allowed), 1-100 characters"
_LINES_COUNT: Final = f"must be 1 to {MAX_ADDRESS_LINES} lines"
_LINE_TEXT: Final = f"each line is text of 1 to {ADDRESS_LINE_MAX_LENGTH} characters"
_LINE_BREAK: Final = "a line must not contain a line break"


class LineError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class _Invalid:
    """A remembered refusal: the message to give for this value."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


@dataclass(slots=True)
class Memo:
    """Per-worker results for values already seen (each a pure function of its key)."""

    names: dict[str, str | _Invalid] = field(default_factory=dict)
    kana: dict[str, str | _Invalid] = field(default_factory=dict)
    dates: dict[str, date | None] = field(default_factory=dict)
    addresses: dict[tuple[str, ...], tuple[str, str]] = field(default_factory=dict)
    heads: dict[str, bool] = field(default_factory=dict)

    def remember(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        if len(table) >= _MEMO_LIMIT:
            table.clear()
        table[key] = value


@dataclass(frozen=True, slots=True)
class Context:
    """What every line is checked against."""

    residence_codes: Collection[str]
    today: date
    recorded_at: datetime
    cipher: IdentityCipher
    memo: Memo = field(default_factory=Memo)


@dataclass(slots=True)
class Prepared:
    resident: tuple[Any, ...]
    versions: list[tuple[Any, ...]] = field(default_factory=list)
    resident_code: str = ""
    number_hash: bytes | None = None
    code_given: bool = True
    """False when the line had no resident code and one was issued for it."""

    def four_items(self) -> tuple[str, date, str, str]:
        """Name (folded), date of birth, sex and address (folded): how a line without a code or
        an individual number is recognised as a resident already registered."""
        name, birth, sex, address = _FOUR_ITEMS(self.resident)
        return name, birth, sex, address


def _text(record: Mapping[Any, Any], name: str, *, required: bool = True) -> str | None:
    value = record.get(name)
    if value is None or value == "":
        if required:
            raise LineError(name, "is required")
        return None
    if not isinstance(value, str):
        raise LineError(name, "must be a string")
    return value


def _normalized_name(raw: str) -> str | _Invalid:
    value = normalize_name(raw)
    if not value:
        return _Invalid(_NAME_EMPTY)
    if len(value) > NAME_MAX_LENGTH:
        return _Invalid(_NAME_LONG)
    if any(unicodedata.category(char) in _CONTROL for char in value):
        return _Invalid(_NAME_CONTROL)
    return value


def _normalized_field(
    record: Mapping[Any, Any],
    name: str,
    memo: Memo,
    table: dict[str, str | _Invalid],
    normalize: Callable[[str], str | _Invalid],
    *,
    required: bool,
) -> str | None:
    """The field's text normalised, remembered in `table` for the next line with the same text."""
    raw = _text(record, name, required=required)
    if raw is None:
        return None
    value = table.get(raw)
    if value is None:
        value = normalize(raw)
        memo.remember(table, raw, value)
    if isinstance(value, _Invalid):
        raise LineError(name, value.message)
    return value


def _name(record: Mapping[Any, Any], name: str, memo: Memo, *, required: bool = True) -> str | None:
    return _normalized_field(record, name, memo, memo.names, _normalized_name, required=required)


def _normalized_kana(raw: str) -> str | _Invalid:
    value = normalize_kana(raw)
    if not value or len(value) > NAME_MAX_LENGTH or not _KANA.match(value):
        return _Invalid(_KANA_BAD)
    return value


def _kana(record: Mapping[Any, Any], name: str, memo: Memo) -> str:
    value = _normalized_field(record, name, memo, memo.kana, _normalized_kana, required=True)
    assert value is not None
    return value


def _date(record: Mapping[Any, Any], name: str, memo: Memo, *, required: bool = True) -> date | None:
    raw = _text(record, name, required=required)
    if raw is None:
        return None
    try:
        value = memo.dates[raw]
    except KeyError:
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            value = None
        memo.remember(memo.dates, raw, value)
    if value is None:
        raise LineError(name, "must be a date YYYY-MM-DD")
    return value


def _address(record: Mapping[Any, Any], memo: Memo, name: str = "address_lines") -> tuple[str, str]:
    """The stored address (lines normalised and joined) and its matching key."""
    raw = record.get(name)
    if raw is None:
        raw = [record.get(f"address_line{n}") for n in range(1, MAX_ADDRESS_LINES + 1)]
        raw = [line for line in raw if line]
    if not isinstance(raw, list) or not raw or len(raw) > MAX_ADDRESS_LINES:
        raise LineError(name, _LINES_COUNT)
    for line in raw:
        if not isinstance(line, str) or not line.strip() or len(line) > ADDRESS_LINE_MAX_LENGTH:
            raise LineError(name, _LINE_TEXT)
        if "\n" in line:
            raise LineError(name, _LINE_BREAK)
    lines = tuple(raw)
    known = memo.addresses.get(lines)
    if known is None:
        address = join_address(lines)
        known = (address, address_key(address))
        memo.remember(memo.addresses, lines, known)
    return known


def _code(value: Any, name: str, context: Context) -> str:
    if not isinstance(value, str) or value not in context.residence_codes:
        raise LineError(name, "is not a municipality or ward code in force")
    return value


def prepare(record: Mapping[Any, Any], context: Context, rng: Random) -> Prepared:
    """Check one line; the rows to write, or `LineError` naming the first bad field (the fields
    are checked in the order of the steps below)."""
    memo = context.memo
    code_given = record.get("resident_code") not in (None, "")
    code = _resident_code(record, rng)
    names = _names(record, memo)
    birth, sex = _birth_and_sex(record, memo, context.today)
    nationality, status_of_residence = _nationality(record, memo)
    number_hash, ciphertext = _individual_number(record, context)
    municipality = _code(record.get("local_government_code"), "local_government_code", context)
    address, key = _address(record, memo)
    since = _address_since(record, memo, birth, context.today)
    status, status_since = _status(record, memo, since, context.today)
    household, head, relationship = _household(record, memo, code)
    reason = "birth" if since == birth else "move_in"
    state: dict[str, Any] = {
        **names,
        "former_family_name": _name(record, "former_family_name", memo, required=False),
        "alias": _name(record, "alias", memo, required=False),
        "name_key": name_key(names["family_name"], names["given_name"]),
        "kana_key": kana_key(names["family_name_kana"], names["given_name_kana"]),
        "date_of_birth": birth,
        "sex": sex,
        "nationality": nationality,
        "status_of_residence": status_of_residence,
        "period_of_stay_until": _date(record, "period_of_stay_until_date", memo, required=False),
        "local_government_code": municipality,
        "address": address,
        "address_key": key,
        "address_since": since,
        "address_reason": reason,
        "from_abroad": False,
        "household_id": household,
        "household_head_code": head,
        "relationship": relationship,
        "status": "active",
        "status_since": since,
        "event_type": reason,
        "valid_from": since,
        "recorded_at": context.recorded_at,
    }
    history = record.get("residence_history")
    versions = [] if history is None or history == "" else _history(history, state, code, context)
    _record_status(state, versions, code, since=since, status=status, status_since=status_since)
    resident = (code, number_hash, ciphertext, *_STATE(state), False, 1)
    return Prepared(
        resident=resident,
        versions=versions,
        resident_code=code,
        number_hash=number_hash,
        code_given=code_given,
    )


def _resident_code(record: Mapping[Any, Any], rng: Random) -> str:
    code = _text(record, "resident_code", required=False)
    if code is None:
        return issue_resident_code(rng)
    if not is_valid_resident_code(code):
        raise LineError("resident_code", "is not a valid resident code")
    return code


def _names(record: Mapping[Any, Any], memo: Memo) -> dict[str, str]:
    family_name = _name(record, "family_name", memo)
    given_name = _name(record, "given_name", memo)
    family_kana = _kana(record, "family_name_kana", memo)
    given_kana = _kana(record, "given_name_kana", memo)
    assert family_name is not None
    assert given_name is not None
    return {
        "family_name": family_name,
        "given_name": given_name,
        "family_name_kana": family_kana,
        "given_name_kana": given_kana,
    }


def _birth_and_sex(record: Mapping[Any, Any], memo: Memo, today: date) -> tuple[date, str]:
    birth = _date(record, "date_of_birth", memo)
    assert birth is not None
    if birth > today:
        raise LineError("date_of_birth", "is in the future")
    sex = record.get("sex")
    if sex not in _SEXES:
        raise LineError("sex", "must be one of male, female, not_known, not_applicable")
    return birth, sex


def _nationality(record: Mapping[Any, Any], memo: Memo) -> tuple[str, str | None]:
    """The nationality and, for a foreign resident (only), the status of residence."""
    nationality = record.get("nationality") or "JP"
    if nationality != "JP" and (not isinstance(nationality, str) or not _COUNTRY.match(nationality)):
        raise LineError("nationality", "must be an ISO 3166-1 alpha-2 code")
    status_of_residence = _name(record, "status_of_residence", memo, required=False)
    if nationality != "JP" and status_of_residence is None:
        raise LineError("status_of_residence", "is required for a foreign resident")
    if nationality == "JP" and status_of_residence is not None:
        raise LineError("status_of_residence", "does not apply to a Japanese national")
    return nationality, status_of_residence


def _individual_number(record: Mapping[Any, Any], context: Context) -> tuple[bytes | None, bytes | None]:
    """The keyed hash and the encrypted copy of the individual number, if one is given."""
    number = _text(record, "individual_number", required=False)
    if number is None:
        return None, None
    if not is_valid_individual_number(number):
        raise LineError("individual_number", "is not a valid individual number")
    return context.cipher.lookup_hash(number), context.cipher.encrypt(number)


def _address_since(record: Mapping[Any, Any], memo: Memo, birth: date, today: date) -> date:
    since = _date(record, "address_since_date", memo)
    assert since is not None
    if since < birth or since > today:
        raise LineError("address_since_date", "must be between the date of birth and today")
    return since


def _status(record: Mapping[Any, Any], memo: Memo, since: date, today: date) -> tuple[str, date]:
    status = record.get("status") or "active"
    if status not in _STATUSES:
        raise LineError("status", "must be active, moved_out or deceased")
    status_since = _date(record, "status_since_date", memo, required=False) or since
    if status_since < since or status_since > today:
        raise LineError("status_since_date", "must be between address_since_date and today")
    return status, status_since


def _household(record: Mapping[Any, Any], memo: Memo, code: str) -> tuple[str, str, str]:
    """The household, its head (the resident by default) and the relationship to the head."""
    household = _text(record, "household_id", required=False) or "H" + code[:11].rjust(12, "0")
    if not _HOUSEHOLD.match(household):
        raise LineError("household_id", "must be H followed by 12 digits")
    head = _text(record, "household_head_code", required=False) or code
    if head != code and head not in memo.heads:
        if not is_valid_resident_code(head):
            raise LineError("household_head_code", "is not a valid resident code")
        memo.remember(memo.heads, head, True)
    relationship = _name(record, "relationship", memo, required=False) or "世帯主"
    return household, head, relationship


def _record_status(
    state: dict[str, Any],
    versions: list[tuple[Any, ...]],
    code: str,
    *,
    since: date,
    status: str,
    status_since: date,
) -> None:
    """A resident who moved out or died: the active stretch at the current address becomes a
    past state, and the record holds the status, as if the event had been recorded."""
    if status == "active":
        return
    if status_since > since:
        versions.append((code, *_STATE(state), status_since, None))
    state.update(
        status=status,
        status_since=status_since,
        event_type=_STATUS_EVENT[status],
        valid_from=status_since,
    )


_STATUS_EVENT = {"moved_out": "move_out", "deceased": "death"}


def _history(raw: Any, state: Mapping[Any, Any], code: str, context: Context) -> list[tuple[Any, ...]]:
    if not isinstance(raw, list) or len(raw) > 50:
        raise LineError("residence_history", "must be a list of at most 50 periods")
    memo = context.memo
    rows: list[tuple[Any, ...]] = []
    template = [code, *_STATE(state), None, None]
    previous_end = state["date_of_birth"]
    for index, period in enumerate(raw):
        where = f"residence_history/{index}"
        if not isinstance(period, dict):
            raise LineError(where, "must be an object")
        municipality = _code(period.get("local_government_code"), f"{where}/local_government_code", context)
        address, key = _address(period, memo)
        start = _date(period, "from_date", memo)
        end = _date(period, "to_date", memo)
        assert start is not None
        assert end is not None
        if start < previous_end or end <= start or end > state["address_since"]:
            raise LineError(where, "periods must be in order, after birth and before the current address")
        reason = period.get("reason") or "move_in"
        if reason not in _PERIOD_REASONS:
            raise LineError(f"{where}/reason", "must be birth, move_in, move_within or correction")
        past = template.copy()
        past[_V_MUNICIPALITY] = municipality
        past[_V_ADDRESS] = address
        past[_V_ADDRESS_KEY] = key
        past[_V_ADDRESS_SINCE] = past[_V_VALID_FROM] = start
        past[_V_ADDRESS_REASON] = past[_V_EVENT_TYPE] = reason
        past[_V_VALID_TO] = end
        rows.append(tuple(past))
        previous_end = end
    return rows

"""API contracts of the registry service (the resident register), shared by it and its callers.

Conventions every caller must know:

- Every read of personal data sends ``X-Purpose`` (``PURPOSE_HEADER``): the 利用事由, as a
  registered code (``GET /registry/v1/purposes``) with an optional description in RFC 8187's
  encoding, ASCII on the wire: ``jichi:purpose:child-allowance; description*=UTF-8''%E5%85%90...``
  (``shared.web.purpose``). Free text of 1 to 200 characters, percent-encoded UTF-8, is still
  accepted. Missing or malformed: 400 problem ``urn:jichi:problem:purpose-required``; a code
  not registered: 400 ``urn:jichi:problem:unknown-purpose``. Every provision is written to the
  access log with that purpose (the code and the decoded description).
- Field groups follow the caller's scopes. A field the caller may not see is *absent* from
  the JSON (not null); a field it may see but that has no value is ``null``:

  ============================  ======================================================
  group                         needs
  ============================  ======================================================
  basic identity items, status  ``registry:read``
  ``address``, ``household``    ``registry:read`` + ``registry:address``; for residents
                                under a protection order also ``registry:protected``
  ``individual_number``         ``registry:read`` + ``registry:identity``
  ``residence_history``         ``registry:read`` + ``registry:history`` +
                                ``registry:address`` (+ ``registry:protected`` if protected)
  ``protected``                 ``registry:protected``
  ============================  ======================================================

- Dates are ``YYYY-MM-DD``; a ``to_date`` is *exclusive*: the effective date of the event
  that ended the period (the next period's ``from_date``). Timestamps are RFC 3339 UTC.
- Missing a scope an operation needs: 403 (it says nothing about any record). A record the
  caller may not see (e.g. a protected resident in a municipality extract without
  ``registry:protected``) is left out or answered 404, exactly like one that does not exist.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Final, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from shared.values import (
    DEFAULT_RESIDENT_CODE_SCHEME,
    CalendarDate,
    IndividualNumber,
    KanaName,
    KanjiName,
    LocalGovernmentCode,
    ResidentCode,
    Sex,
    UtcDateTime,
    resident_code_validator,
)

PURPOSE_HEADER: Final = "X-Purpose"
"""The request header carrying the purpose of use (利用事由) of every personal-data read."""
PURPOSE_MAX_LENGTH: Final = 200

MAX_BULK_ITEMS: Final = 1000
"""At most this many records in one bulk verification request."""
DEFAULT_EXTRACT_PAGE_SIZE: Final = 100
MAX_EXTRACT_PAGE_SIZE: Final = 1000
DEFAULT_FEED_LIMIT: Final = 100
MAX_FEED_LIMIT: Final = 1000
MAX_ADDRESS_LINES: Final = 3
ADDRESS_LINE_MAX_LENGTH: Final = 200

RESIDENT_ID_PATTERN: Final = r"^([0-9]{11}|[a-z2-7]{34})$"
_RESIDENT_ID_DESCRIPTION: Final = (
    "The resident code, or, for a client configured with a pseudonym domain, its own pseudonym "
    "for the resident (機関別符号: 34 lowercase base32 characters); such a client sees and may use "
    "only its pseudonyms."
)
ResidentId = Annotated[
    str, StringConstraints(pattern=RESIDENT_ID_PATTERN), Field(description=_RESIDENT_ID_DESCRIPTION)
]
_PSEUDONYM_SHAPE: Final = re.compile(r"[a-z2-7]{34}")
_resident_code = resident_code_validator(DEFAULT_RESIDENT_CODE_SCHEME)


def _code_or_pseudonym(value: object) -> str:
    """A resident code (its check digit checked, as ResidentCode does) or a pseudonym's shape;
    whether the caller may name a resident that way is the registry's to say."""
    if isinstance(value, str) and _PSEUDONYM_SHAPE.fullmatch(value):
        return value
    return _resident_code(value)


ResidentCodeOrPseudonym = Annotated[
    str,
    BeforeValidator(_code_or_pseudonym),
    WithJsonSchema(
        {"type": "string", "pattern": RESIDENT_ID_PATTERN, "description": _RESIDENT_ID_DESCRIPTION}
    ),
]
"""A path's resident: ResidentId with the resident code's check digit checked."""
HouseholdIdOrPseudonym = Annotated[
    str,
    StringConstraints(pattern=r"^(H[0-9]{12}|h[a-z2-7]{34})$"),
    Field(
        description="The household (世帯): H followed by 12 digits, or, for a client configured with "
        "a pseudonym domain, its own pseudonym for the household (h and 34 lowercase base32 "
        "characters), as the registry showed it; such a client may use only its pseudonyms."
    ),
]
CountryCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    Field(description="ISO 3166-1 alpha-2 country code of the nationality ('JP' for Japanese nationals)."),
]
_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
"""No control characters (they cannot be stored as text, and no name or address has them)."""


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length, pattern=_PRINTABLE)


AddressLine = Annotated[str, _text(ADDRESS_LINE_MAX_LENGTH)]
ShortText = Annotated[str, _text(100)]
LongText = Annotated[str, _text(500)]
QueryText = Annotated[str, StringConstraints(min_length=1, max_length=400, pattern=_PRINTABLE)]

_STRICT = ConfigDict(extra="forbid")


class ResidentStatus(StrEnum):
    ACTIVE = "active"
    MOVED_OUT = "moved_out"
    DECEASED = "deceased"
    REMOVED = "removed"
    """職権消除: removed ex officio (a foreign resident whose period of stay ended)."""


class EventType(StrEnum):
    """The life events; they are the only way a resident's record changes."""

    BIRTH = "birth"
    MOVE_IN = "move_in"
    MOVE_OUT = "move_out"
    MOVE_WITHIN = "move_within"
    NAME_CHANGE = "name_change"
    DEATH = "death"
    CORRECTION = "correction"
    NATIONALITY_CHANGE = "nationality_change"
    REMOVAL = "removal"
    """職権消除 of a foreign resident whose period of stay ended."""
    HEAD_CHANGE = "head_change"
    """世帯主変更: the household's head changed (every member's relationship may change)."""
    HOUSEHOLD_MERGER = "household_merger"
    """世帯合併: the resident's household joined another one."""
    HOUSEHOLD_SEPARATION = "household_separation"
    """世帯分離: the resident left a household to form a new one."""
    RESIDENT_CODE_CHANGE = "resident_code_change"
    """住民票コードの変更 on the resident's request: the old code resolves to nothing now."""


class ProvidedItem(StrEnum):
    """The item groups the access log records as provided."""

    BASIC = "basic"
    ADDRESS = "address"
    INDIVIDUAL_NUMBER = "individual_number"
    HISTORY = "history"
    STATUS = "status"


# --- shared pieces ---------------------------------------------------------------------------


class Address(BaseModel):
    model_config = _STRICT

    local_government_code: LocalGovernmentCode = Field(
        description="The municipality (or ward of a designated city) of the address."
    )
    address_lines: list[AddressLine] = Field(
        min_length=1,
        max_length=MAX_ADDRESS_LINES,
        description="The address below the municipality, e.g. ['千代田1-1', 'ハイツ千代田101'].",
    )


class Household(BaseModel):
    household_id: str = Field(
        description="The household (世帯) the resident belongs to; for a client configured with a "
        "pseudonym domain, its own pseudonym for the household."
    )
    head_resident_code: ResidentId = Field(description="The head of the household (世帯主).")
    relationship: str = Field(description="続柄 to the head, e.g. '世帯主', '妻', '子'.")


class HouseholdAssignment(BaseModel):
    """Where a resident joins: an existing household, or a new one (household_id omitted)."""

    model_config = _STRICT

    household_id: Annotated[str, StringConstraints(pattern=r"^H[0-9]{12}$")] | None = Field(
        default=None, description="An existing household; omit to found a new one."
    )
    head_resident_code: ResidentCode | None = Field(
        default=None, description="The head; omit when the resident is the head."
    )
    relationship: ShortText = Field(default="世帯主", description="続柄 to the head.")


class ForeignResidentStatus(BaseModel):
    """Status of residence of a foreign resident (在留資格, 在留期間)."""

    model_config = _STRICT

    status_of_residence: ShortText = Field(examples=["永住者", "技術・人文知識・国際業務"])
    period_of_stay_until_date: CalendarDate | None = Field(
        default=None, description="End of the authorised stay."
    )


class ResidencePeriod(BaseModel):
    """Where a resident was registered from one date to another (current knowledge)."""

    local_government_code: LocalGovernmentCode
    address_lines: list[str]
    from_date: CalendarDate
    to_date: CalendarDate | None = Field(
        default=None,
        description="Exclusive: the effective date of the event that ended the period; null if current.",
    )
    reason: EventType = Field(
        description="The event that started the period (birth, move_in, move_within, correction)."
    )
    ended_by: EventType | None = Field(default=None, description="The event that ended it.")
    from_abroad: bool = Field(default=False, description="The period started with a move-in from abroad.")


class Resident(BaseModel):
    """A resident's record, minimised to the caller's scopes (absent fields were not provided)."""

    resident_code: ResidentId
    version: int = Field(description="Increases with every change; the ETag is derived from it.")
    family_name: str | None = None
    given_name: str | None = None
    family_name_kana: str | None = None
    given_name_kana: str | None = None
    former_family_name: str | None = Field(default=None, description="旧氏, when recorded.")
    alias: str | None = Field(default=None, description="通称, when recorded.")
    date_of_birth: CalendarDate | None = None
    sex: Sex | None = None
    nationality: str | None = Field(default=None, description="ISO 3166-1 alpha-2; 'JP' for nationals.")
    foreign_resident: ForeignResidentStatus | None = None
    status: ResidentStatus | None = None
    status_since_date: CalendarDate | None = Field(
        default=None, description="Effective date of the event that gave the current status."
    )
    address: Address | None = Field(
        default=None,
        description="Current address; for a moved-out resident, the address they left.",
    )
    address_since_date: CalendarDate | None = None
    household: Household | None = None
    individual_number: str | None = Field(default=None, repr=False)
    protected: bool | None = Field(default=None, description="Under a protection order (抑止).")
    residence_history: list[ResidencePeriod] | None = Field(
        default=None, description="Every residence period, oldest first."
    )
    as_of_date: CalendarDate | None = Field(
        default=None, description="Set when the record is as of a past date."
    )
    known_at: UtcDateTime | None = Field(
        default=None, description="Set for as-of answers: knowledge as of this instant."
    )


class ResidentPage(BaseModel):
    """One page of a municipality extract (keyset-paginated by resident code)."""

    items: list[Resident]
    next_page_token: str | None = Field(default=None, description="Absent on the last page.")
    feed_cursor: int = Field(
        description="The change feed's head when this page was read: follow the feed from the "
        "first page's value to stay current after building from the extract."
    )


# --- life events -----------------------------------------------------------------------------


class LifeEvent(BaseModel):
    """A recorded life event, as in the change feed and a resident's event history."""

    sequence: int = Field(description="Position in the change feed; strictly increasing.")
    type: EventType
    resident_code: ResidentId
    effective_date: CalendarDate
    recorded_at: UtcDateTime
    resident_version: int = Field(description="The resident's version after the event.")
    from_local_government_code: str | None = Field(default=None, description="Needs registry:address.")
    to_local_government_code: str | None = Field(default=None, description="Needs registry:address.")
    from_abroad: bool | None = None
    to_abroad: bool | None = None
    corrected_items: list[str] | None = Field(
        default=None, description="For corrections: the fields changed."
    )
    reason: str | None = Field(default=None, description="For corrections and removals: why.")
    former_resident_code: str | None = Field(
        default=None,
        description="For a resident_code_change: the code the resident had (it resolves to nothing "
        "now; this event and every earlier one carry the new code). For a client configured with a "
        "pseudonym domain, its pseudonym for the former code: a code change gives a new pseudonym.",
    )
    resident: Resident | None = Field(
        default=None,
        description="The record right after the event, minimised to the caller's scopes "
        "(never the individual number or the residence history).",
    )


class EventFeed(BaseModel):
    items: list[LifeEvent]
    next_cursor: int = Field(
        description="Pass as `after` to continue; equals `after` when there was nothing new."
    )
    has_more: bool


class ResidentEventPage(BaseModel):
    items: list[LifeEvent]
    next_page_token: str | None = None


class _NewResidentItems(BaseModel):
    model_config = _STRICT

    family_name: KanjiName
    given_name: KanjiName
    family_name_kana: KanaName
    given_name_kana: KanaName
    former_family_name: KanjiName | None = None
    alias: KanjiName | None = None
    date_of_birth: CalendarDate
    sex: Sex
    nationality: CountryCode = "JP"
    foreign_resident: ForeignResidentStatus | None = None
    individual_number: IndividualNumber | None = Field(default=None, repr=False)
    address: Address
    household: HouseholdAssignment | None = None


class ResidentRegistration(_NewResidentItems):
    """A new resident: a birth, or a first move-in (from abroad) of someone with no record."""

    event_type: Literal["birth", "move_in"]
    effective_date: CalendarDate = Field(description="For a birth, the date of birth.")
    from_abroad: bool = Field(default=True, description="For move_in: arriving from abroad.")


class RegistrationWarning(BaseModel):
    type: Literal["possible-duplicate"] = Field(
        description="possible-duplicate: residents already registered have the same four items "
        "(folded name, date of birth, sex, folded address). The new record was made anyway, never "
        "merged: review the candidates with POST /residents/matches and correct or remove one."
    )
    detail: str
    matching_residents: int = Field(description="How many registered residents match.")


class RegisteredResident(BaseModel):
    resident_code: ResidentCode
    version: int
    event: LifeEvent
    warnings: list[RegistrationWarning] = Field(
        default_factory=list, description="Things the clerk should check; the resident is registered."
    )


class MoveInRequest(BaseModel):
    """転入: a resident with a record (moved out elsewhere, or abroad) registers here."""

    model_config = _STRICT

    type: Literal["move_in"]
    effective_date: CalendarDate
    address: Address
    household: HouseholdAssignment | None = None
    from_abroad: bool = False


class MoveOutRequest(BaseModel):
    """転出: the resident leaves the municipality (to another one, or abroad)."""

    model_config = _STRICT

    type: Literal["move_out"]
    effective_date: CalendarDate
    to_local_government_code: LocalGovernmentCode | None = None
    to_abroad: bool = False

    @model_validator(mode="after")
    def _destination(self) -> MoveOutRequest:
        if self.to_abroad and self.to_local_government_code is not None:
            raise ValueError("a move abroad has no destination municipality")
        return self


class MoveWithinRequest(BaseModel):
    """転居: a new address in the same municipality."""

    model_config = _STRICT

    type: Literal["move_within"]
    effective_date: CalendarDate
    address: Address
    household: HouseholdAssignment | None = None


class NameChangeRequest(BaseModel):
    model_config = _STRICT

    type: Literal["name_change"]
    effective_date: CalendarDate
    family_name: KanjiName | None = None
    given_name: KanjiName | None = None
    family_name_kana: KanaName | None = None
    given_name_kana: KanaName | None = None
    former_family_name: KanjiName | None = None
    alias: KanjiName | None = None

    @model_validator(mode="after")
    def _something(self) -> NameChangeRequest:
        if not self.model_fields_set - {"type", "effective_date"}:
            raise ValueError("a name change must change at least one name")
        return self


class DeathRequest(BaseModel):
    model_config = _STRICT

    type: Literal["death"]
    effective_date: CalendarDate = Field(description="The date of death.")


class NationalityChangeRequest(BaseModel):
    model_config = _STRICT

    type: Literal["nationality_change"]
    effective_date: CalendarDate
    nationality: CountryCode
    foreign_resident: ForeignResidentStatus | None = None


class CorrectedItems(BaseModel):
    """The items an ex-officio correction sets; only the fields sent are changed."""

    model_config = _STRICT

    family_name: KanjiName | None = None
    given_name: KanjiName | None = None
    family_name_kana: KanaName | None = None
    given_name_kana: KanaName | None = None
    former_family_name: KanjiName | None = None
    alias: KanjiName | None = None
    date_of_birth: CalendarDate | None = None
    sex: Sex | None = None
    nationality: CountryCode | None = None
    address: Address | None = None


class CorrectionRequest(BaseModel):
    """職権修正: corrects items from `effective_date` on; later changes by other events stay."""

    model_config = _STRICT

    type: Literal["correction"]
    effective_date: CalendarDate
    reason: LongText
    items: CorrectedItems

    @model_validator(mode="after")
    def _something(self) -> CorrectionRequest:
        if not self.items.model_fields_set:
            raise ValueError("a correction must set at least one item")
        return self


class RemovalRequest(BaseModel):
    """職権消除: a foreign resident whose period of stay ended is removed from the register, as of
    a date after the last day of that period."""

    model_config = _STRICT

    type: Literal["removal"]
    effective_date: CalendarDate
    reason: LongText


LifeEventRequest = Annotated[
    MoveInRequest
    | MoveOutRequest
    | MoveWithinRequest
    | NameChangeRequest
    | DeathRequest
    | NationalityChangeRequest
    | CorrectionRequest
    | RemovalRequest,
    Field(discriminator="type"),
]


class ResidentCodeChangeRequest(BaseModel):
    """住民票コードの変更: the resident asked for a new code; the register issues it (it cannot be chosen)."""

    model_config = _STRICT

    effective_date: CalendarDate = Field(description="The day of the request (today or earlier).")


class ResidentCodeChanged(BaseModel):
    resident_code: ResidentCode = Field(description="The new code.")
    former_resident_code: ResidentCode
    version: int
    event: LifeEvent


# --- households ------------------------------------------------------------------------------

HouseholdId = Annotated[str, StringConstraints(pattern=r"^H[0-9]{12}$")]
Relationships = Annotated[
    dict[ResidentCode, ShortText],
    Field(description="続柄 to the head, by resident code.", max_length=100),
]


class HouseholdMember(BaseModel):
    resident_code: ResidentId
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    date_of_birth: CalendarDate
    sex: Sex
    relationship: str = Field(description="続柄 to the head.")


class HouseholdRecord(BaseModel):
    """A household as it stands: its active members (those under a protection order only for
    registry:protected), the head first."""

    household_id: HouseholdIdOrPseudonym
    head_resident_code: ResidentId
    address: Address | None = Field(default=None, description="The head's address.")
    members: list[HouseholdMember]


class HeadChangeRequest(BaseModel):
    """世帯主変更: another member becomes the head; every other member's 続柄 to the new head."""

    model_config = _STRICT

    type: Literal["head_change"]
    effective_date: CalendarDate
    head_resident_code: ResidentCode
    relationships: Relationships


class HouseholdMergerRequest(BaseModel):
    """世帯合併: every member of `merged_household_id` joins this household under its head."""

    model_config = _STRICT

    type: Literal["household_merger"]
    effective_date: CalendarDate
    merged_household_id: HouseholdId
    relationships: Relationships = Field(description="続柄 of each joining member to this household's head.")


class HouseholdSeparationRequest(BaseModel):
    """世帯分離: some members leave to form a new household (the head stays: change it first)."""

    model_config = _STRICT

    type: Literal["household_separation"]
    effective_date: CalendarDate
    head_resident_code: ResidentCode = Field(description="The new household's head, one of the leavers.")
    relationships: Relationships = Field(
        description="The other leavers' 続柄 to the new head; the leavers are the head and these."
    )


HouseholdEventRequest = Annotated[
    HeadChangeRequest | HouseholdMergerRequest | HouseholdSeparationRequest,
    Field(discriminator="type"),
]


class HouseholdMembership(BaseModel):
    resident_code: ResidentCode
    relationship: str
    version: int = Field(description="The resident's version after the change.")


class HouseholdAfterChange(BaseModel):
    household_id: HouseholdId
    head_resident_code: ResidentCode
    members: list[HouseholdMembership] = Field(description="The members whose record changed.")


class HouseholdChange(BaseModel):
    """What a household event changed: the households involved, and one life event per member
    whose record changed (in the change feed too)."""

    type: EventType
    effective_date: CalendarDate
    households: list[HouseholdAfterChange]
    events: list[LifeEvent]


class ProtectionOrder(BaseModel):
    """抑止設定: while active, the address is shown only to callers with registry:protected."""

    model_config = _STRICT

    active: bool


# --- lookups ---------------------------------------------------------------------------------


class IndividualNumberLookup(BaseModel):
    model_config = _STRICT

    individual_number: IndividualNumber = Field(repr=False)


class MatchedItem(StrEnum):
    NAME = "name"
    NAME_VARIANT = "name_variant"
    NAME_KANA = "name_kana"
    DATE_OF_BIRTH = "date_of_birth"
    SEX = "sex"
    LOCAL_GOVERNMENT_CODE = "local_government_code"
    ADDRESS_LINES = "address_lines"


class FourItemQuery(BaseModel):
    """The four basic items. Date of birth and a name (kanji or kana) are required."""

    model_config = _STRICT

    name: QueryText | None = Field(
        default=None, description="Full name as written; spaces, width and old/new variants are ignored."
    )
    name_kana: QueryText | None = None
    date_of_birth: CalendarDate
    sex: Sex | None = None
    local_government_code: LocalGovernmentCode | None = None
    address_line: QueryText | None = Field(
        default=None, description="The address below the municipality, all lines in one string."
    )

    @model_validator(mode="after")
    def _a_name(self) -> FourItemQuery:
        if self.name is None and self.name_kana is None:
            raise ValueError("give name or name_kana")
        return self


class ResidentSearch(FourItemQuery):
    limit: int = Field(default=10, ge=1, le=50)


class MatchCandidate(BaseModel):
    resident: Resident
    score: int = Field(ge=0, le=100, description="Higher is better; 100 = every given item matched exactly.")
    matched_items: list[MatchedItem]


class ResidentMatches(BaseModel):
    candidates: list[MatchCandidate] = Field(description="Best first.")


class VerificationOutcome(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    DECEASED = "deceased"
    MOVED_OUT = "moved_out"
    AMBIGUOUS = "ambiguous"
    REMOVED = "removed"


class VerificationItem(BaseModel):
    """One record to verify: by resident code, by individual number, or by the four items."""

    model_config = _STRICT

    reference: Annotated[str, StringConstraints(max_length=100, pattern=_PRINTABLE)] | None = Field(
        default=None, description="The caller's own key, echoed back."
    )
    resident_code: ResidentCode | None = None
    individual_number: IndividualNumber | None = Field(default=None, repr=False)
    four_items: FourItemQuery | None = None
    pseudonym: Annotated[str, StringConstraints(pattern=r"^[a-z2-7]{34}$")] | None = Field(
        default=None,
        description="For a client configured with a pseudonym domain: its own pseudonym for the "
        "resident (機関別符号), instead of the resident code, which such a client may not send.",
    )

    @model_validator(mode="after")
    def _exactly_one_key(self) -> VerificationItem:
        given = (
            (self.resident_code is not None)
            + (self.individual_number is not None)
            + (self.four_items is not None)
            + (self.pseudonym is not None)
        )
        if given != 1:
            raise ValueError("give exactly one of resident_code, individual_number, four_items, pseudonym")
        return self


class VerificationRequest(BaseModel):
    model_config = _STRICT

    items: list[VerificationItem] = Field(min_length=1, max_length=MAX_BULK_ITEMS)


class VerificationResult(BaseModel):
    index: int = Field(description="Position of the item in the request.")
    reference: str | None = None
    outcome: VerificationOutcome
    resident_code: ResidentCode | None = Field(
        default=None, description="Present when exactly one resident matched."
    )
    status_since_date: CalendarDate | None = Field(
        default=None, description="Date of death or of the move-out."
    )
    address: Address | None = Field(
        default=None, description="Needs registry:address (and registry:protected if protected)."
    )
    candidate_count: int | None = Field(default=None, description="For ambiguous four-item matches.")


class VerificationResponse(BaseModel):
    results: list[VerificationResult] = Field(description="One per request item, in request order.")


# --- access log and disclosure --------------------------------------------------------------


class Checkpoint(BaseModel):
    """The log's signed tree head: its size and root at a time, signed by the registry.

    The signed text is `origin`, `tree_size`, `root_hash` (base64) and `signed_at`, each on its own
    line ending in a newline; the signature is Ed25519 over it by the key `key_id` (published at
    `/access-log/keys`)."""

    origin: str = Field(description="The log's name (one per deployment).")
    tree_size: int = Field(ge=1, description="Entries (leaves) the tree holds.")
    root_hash: str = Field(description="RFC 9162 Merkle tree hash of the first `tree_size` leaves, base64.")
    signed_at: str = Field(description="RFC 3339, as signed.")
    key_id: str
    signature: str = Field(description="Ed25519 signature of the checkpoint text, base64.")


class CheckpointPage(BaseModel):
    items: list[Checkpoint] = Field(description="Oldest first.")
    next_page_token: str | None = None


class ConsistencyProof(BaseModel):
    """RFC 9162 2.1.4: the hashes that show the tree of `second` leaves extends the one of `first`."""

    first: int
    second: int
    proof: list[str] = Field(description="Base64 hashes, in RFC 9162 order.")


class LeafHashes(BaseModel):
    """The leaf hashes of consecutive entries, for a monitor that recomputes the root."""

    start: int
    leaf_hashes: list[str] = Field(description="Base64, leaf `start` first.")


class LogKey(BaseModel):
    key_id: str = Field(description="Hex of the first 8 bytes of SHA-256 of the raw public key.")
    algorithm: Literal["Ed25519"] = "Ed25519"
    public_key: str = Field(description="The raw 32-byte public key, base64.")
    created_at: UtcDateTime


class LogKeys(BaseModel):
    keys: list[LogKey] = Field(description="Every key that ever signed a checkpoint, oldest first.")


class AccessRecord(BaseModel):
    """One provision of a resident's data: who provided it to whom, when, why, and which items.

    Its leaf in the log's Merkle tree is SHA-256 of 0x00 and the compact JSON array
    `[recorded_at, served_by, client_id, purpose, request_id, operation, resident_code, items]`
    (items comma-joined, in the order listed here)."""

    entry_id: int
    leaf_index: int = Field(description="The entry's position in the log's Merkle tree.")
    recorded_at: str = Field(description="RFC 3339 (UTC), exactly as hashed into the entry's leaf.")
    served_by: str = Field(
        description="The system that provided the data: `registry`, or the client id of the service "
        "that logged its own read (e.g. the elections service's roll)."
    )
    client_id: str = Field(description="The receiving system (its client id at the gateway).")
    purpose: str
    request_id: str
    operation: str
    resident_code: ResidentCode = Field(
        description="The resident code the entry was recorded under, as hashed into its leaf: the "
        "resident's code then, a former one for an entry made before a resident-code change "
        "(住民票コードの変更), whose entries the disclosure lists too."
    )
    items: list[ProvidedItem]
    inclusion_proof: list[str] | None = Field(
        description="Base64 hashes proving the entry is leaf `leaf_index` of the page's checkpoint "
        "(RFC 9162 2.1.3); null while the entry is newer than the latest checkpoint."
    )


class AccessRecordPage(BaseModel):
    items: list[AccessRecord] = Field(description="Newest first.")
    next_page_token: str | None = None
    checkpoint: Checkpoint | None = Field(
        description="The signed checkpoint the inclusion proofs are against; null before the first."
    )


class PurposeCode(BaseModel):
    """A registered purpose of use a caller may name in `X-Purpose`, and the law that allows it."""

    code: str = Field(examples=["jichi:purpose:child-allowance"])
    name_ja: str = Field(description="What is recorded when the caller sends the code without a description.")
    name_en: str
    legal_basis: str = Field(description="The provision that allows reads for this purpose.")
    legal_basis_verified: bool = Field(
        description="False where the citation could not be checked against the law's text."
    )


class PurposeCodeList(BaseModel):
    items: list[PurposeCode] = Field(description="Every registered code (codes are never removed).")


MAX_LOGGED_READS: Final = 1000


class LoggedRead(BaseModel):
    model_config = _STRICT

    resident_code: ResidentCode
    items: list[ProvidedItem] = Field(min_length=1, max_length=len(ProvidedItem))


class AccessLogEntriesIn(BaseModel):
    """Reads of personal data another service made, to be logged before it answers them."""

    model_config = _STRICT

    client_id: str = Field(
        min_length=1, max_length=200, description="The system the service provided the data to."
    )
    purpose: str = Field(min_length=1, max_length=PURPOSE_MAX_LENGTH, description="As that system stated it.")
    operation: str = Field(
        min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_]*$", description="The service's operation id."
    )
    reads: list[LoggedRead] = Field(min_length=1, max_length=MAX_LOGGED_READS)


class LoggedEntries(BaseModel):
    logged: int = Field(description="Entries written (one per read).")


# --- local-government code master -----------------------------------------------------------


class LocalGovernmentKind(StrEnum):
    PREFECTURE = "prefecture"
    MUNICIPALITY = "municipality"
    DESIGNATED_CITY = "designated_city"
    DESIGNATED_CITY_WARD = "designated_city_ward"
    SPECIAL_WARD = "special_ward"


class LocalGovernment(BaseModel):
    code: LocalGovernmentCode
    prefecture: str
    prefecture_kana: str
    name: str | None = Field(description="Null for a prefecture itself.")
    name_kana: str | None
    kind: LocalGovernmentKind
    from_date: CalendarDate | None = Field(
        description="First day in force; null if in force before the 2018 list."
    )
    to_date: CalendarDate | None = Field(description="Exclusive: the day it ceased; null while in force.")
    successor_codes: list[str] = Field(default_factory=list)
    predecessor_codes: list[str] = Field(default_factory=list)


class LocalGovernmentPage(BaseModel):
    items: list[LocalGovernment]
    next_page_token: str | None = None


class CodeChangeKind(StrEnum):
    MERGER = "merger"
    ABSORPTION = "absorption"
    CITY_STATUS = "city_status"
    WARD_REORGANIZATION = "ward_reorganization"
    OTHER = "other"


class NewLocalGovernment(BaseModel):
    model_config = _STRICT

    code: LocalGovernmentCode
    name: ShortText
    name_kana: ShortText
    kind: LocalGovernmentKind


class Succession(BaseModel):
    model_config = _STRICT

    code: LocalGovernmentCode = Field(description="A code retired by this change.")
    successor_code: LocalGovernmentCode = Field(description="A code (new or already in force) taking over.")


class CodeChangeRequest(BaseModel):
    """A dated change: codes retired on `effective_date`, codes issued, and who succeeds whom."""

    model_config = _STRICT

    effective_date: CalendarDate
    kind: CodeChangeKind
    description: LongText
    retired_codes: list[LocalGovernmentCode] = Field(default_factory=list, max_length=100)
    new_codes: list[NewLocalGovernment] = Field(default_factory=list, max_length=100)
    successions: list[Succession] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _not_empty(self) -> CodeChangeRequest:
        if not self.retired_codes and not self.new_codes:
            raise ValueError("a change retires or issues at least one code")
        return self


class CodeChange(BaseModel):
    change_id: int
    effective_date: CalendarDate
    kind: CodeChangeKind
    description: str
    retired_codes: list[str]
    new_codes: list[str]
    successions: list[Succession]
    recorded_at: UtcDateTime


class CodeChangePage(BaseModel):
    items: list[CodeChange]
    next_page_token: str | None = None


# --- subscriptions (watch-lists) -------------------------------------------------------------

MAX_MEMBERS_PER_REQUEST: Final = 10_000
"""Residents added to or removed from a subscription in one request (send millions in batches)."""
MAX_SUBSCRIPTIONS_PER_CLIENT: Final = 100
WEBHOOK_EVENT_TYPE: Final = "registry.subscription.events"


class SubscriptionIn(BaseModel):
    model_config = _STRICT

    name: ShortText = Field(description="Your name for the watch-list.")
    webhook_url: (
        Annotated[str, StringConstraints(max_length=2000, pattern=r"^https?://[^\s/?#]+[^\s]*$")] | None
    ) = Field(
        default=None,
        description="Where to push the watched residents' events (Standard Webhooks: `webhook-id`, "
        "`webhook-timestamp`, `webhook-signature`); without it, only the pull feed.",
    )


class Subscription(BaseModel):
    subscription_id: str
    name: str
    webhook_url: str | None = None
    pseudonymous: bool = Field(description="Residents are named by your pseudonyms.")
    created_at: UtcDateTime


class SubscriptionCreated(Subscription):
    webhook_secret: str | None = Field(
        default=None,
        description="The `whsec_…` secret that signs the webhooks; shown only in this answer.",
    )


class SubscriptionMember(BaseModel):
    model_config = _STRICT

    resident_id: ResidentId
    purpose: Annotated[
        str, StringConstraints(max_length=80, pattern=r"^jichi:purpose:[a-z0-9]+(-[a-z0-9]+)*$")
    ] = Field(description="The registered purpose code (`GET /registry/v1/purposes`): your legal basis.")


class SubscriptionMembersIn(BaseModel):
    model_config = _STRICT

    items: list[SubscriptionMember] = Field(min_length=1, max_length=MAX_MEMBERS_PER_REQUEST)


class SubscriptionMemberRemovalsIn(BaseModel):
    model_config = _STRICT

    resident_ids: list[ResidentId] = Field(min_length=1, max_length=MAX_MEMBERS_PER_REQUEST)


class SubscriptionMembersChanged(BaseModel):
    changed: int = Field(description="Residents added (or whose purpose changed), or removed.")


class SubscribedResident(Resident):
    resident_code: str = Field(description=_RESIDENT_ID_DESCRIPTION)


class SubscribedEvent(LifeEvent):
    """A watched resident's life event, minimised to the subscriber's scopes."""

    resident_code: str = Field(description=_RESIDENT_ID_DESCRIPTION)
    resident: SubscribedResident | None = None
    purpose: str = Field(description="The purpose code under which the resident is watched.")


class SubscribedEventFeed(BaseModel):
    items: list[SubscribedEvent]
    next_cursor: int = Field(description="Pass as `after` to continue.")
    has_more: bool


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


class Delivery(BaseModel):
    delivery_id: str = Field(description="The `webhook-id`: the same on every attempt.")
    status: DeliveryStatus
    after_sequence: int
    through_sequence: int
    event_count: int
    attempts: int
    last_error: str | None = None
    created_at: UtcDateTime
    next_attempt_at: UtcDateTime | None = None
    delivered_at: UtcDateTime | None = None


class DeliveryPage(BaseModel):
    items: list[Delivery]
    next_page_token: str | None = Field(default=None, description="Absent on the last page.")


class WebhookData(BaseModel):
    subscription_id: str
    delivery_id: str
    after_sequence: int
    through_sequence: int
    items: list[SubscribedEvent]


class WebhookPayload(BaseModel):
    """The body of a webhook delivery (Standard Webhooks' `type`, `timestamp`, `data`)."""

    type: Literal["registry.subscription.events"]
    timestamp: UtcDateTime
    data: WebhookData


# --- statistics (public; services/registry/statistics) -------------------------------------------


class StatisticsCell(BaseModel):
    """A published count: null and `suppressed` when it is from 1 to `min_cell` - 1."""

    value: int | None
    suppressed: bool


class StatisticsTotal(BaseModel):
    """The sum of the published cells only; `suppressed_cells` says how many were left out."""

    value: int
    suppressed_cells: int


class PopulationBySex(BaseModel):
    """Counts by age band, in the order of `age_bands`; a suppressed count is null and its band
    is listed in `suppressed_bands` (0 is published as 0)."""

    sex: Sex
    counts: list[int | None]
    suppressed_bands: list[str]
    total: StatisticsTotal


class PopulationByAgeBand(BaseModel):
    """Both sexes' published counts per age band (in the order of `age_bands`), and how many
    suppressed cells each left out."""

    counts: list[int]
    suppressed_cells: list[int]


class MunicipalityPopulation(BaseModel):
    local_government_code: LocalGovernmentCode
    households: StatisticsCell
    population: list[PopulationBySex]
    population_by_age_band: PopulationByAgeBand
    population_total: StatisticsTotal


class PopulationTotals(BaseModel):
    households: StatisticsTotal
    population: StatisticsTotal


class PopulationStatistics(BaseModel):
    """Population by municipality, sex and 5-year age band, and households, on `as_of`."""

    as_of: CalendarDate
    min_cell: int
    age_bands: list[str]
    municipalities: list[MunicipalityPopulation]
    total: PopulationTotals


class MovementsBySex(BaseModel):
    sex: Sex
    births: StatisticsCell
    moves_in_domestic: StatisticsCell
    moves_in_abroad: StatisticsCell
    other_increases: StatisticsCell
    deaths: StatisticsCell
    moves_out_domestic: StatisticsCell
    moves_out_abroad: StatisticsCell
    other_decreases: StatisticsCell


class MunicipalityMovements(BaseModel):
    local_government_code: LocalGovernmentCode
    by_sex: list[MovementsBySex]
    totals: dict[str, StatisticsTotal]
    increases: StatisticsTotal
    decreases: StatisticsTotal


class MovementStatistics(BaseModel):
    """Entries and removals by cause in [`from_date`, `to_date`) by municipality and sex."""

    from_date: CalendarDate
    to_date: CalendarDate
    min_cell: int
    municipalities: list[MunicipalityMovements]
    totals: dict[str, StatisticsTotal]

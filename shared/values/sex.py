"""Sex per ISO/IEC 5218. The API value is the member name; the numeric code is for storage
and interchange formats that use it (0 not known, 1 male, 2 female, 9 not applicable)."""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    NOT_KNOWN = "not_known"
    MALE = "male"
    FEMALE = "female"
    NOT_APPLICABLE = "not_applicable"

    @property
    def iso_5218(self) -> int:
        """The ISO/IEC 5218 numeric code."""
        return _ISO_5218_CODES[self]

    @classmethod
    def from_iso_5218(cls, code: int) -> Sex:
        """The member for an ISO/IEC 5218 code; ``ValueError`` for any other number."""
        for member, member_code in _ISO_5218_CODES.items():
            if member_code == code:
                return member
        raise ValueError(f"{code!r} is not an ISO/IEC 5218 sex code (0, 1, 2 or 9)")


_ISO_5218_CODES: dict[Sex, int] = {
    Sex.NOT_KNOWN: 0,
    Sex.MALE: 1,
    Sex.FEMALE: 2,
    Sex.NOT_APPLICABLE: 9,
}

"""Money as whole yen in an ``int``; never ``float`` or ``Decimal``.

Both types use pydantic's strict int: floats (even ``100.0``), bools and strings (``"100"``)
are rejected. A strict type is meant for JSON bodies; a query or path parameter arrives as
a string and would be rejected, so use a plain ``int`` field with bounds there.
The bounds are those of a PostgreSQL ``bigint``, declared as ``format: int64`` so that a
generated Java or .NET client holds a party-subsidy total (¥31,536,524,750) in a 64-bit integer.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import Field, StrictInt

YEN_MAX: Final = 2**63 - 1
SIGNED_YEN_MIN: Final = -(2**63)

Yen = Annotated[
    StrictInt,
    Field(
        ge=0,
        le=YEN_MAX,
        description="An amount in whole yen (integer, not negative).",
        examples=[1500000],
        json_schema_extra={"format": "int64"},
    ),
]
"""A non-negative amount in whole yen."""

SignedYen = Annotated[
    StrictInt,
    Field(
        ge=SIGNED_YEN_MIN,
        le=YEN_MAX,
        description="A balance or difference in whole yen (integer, may be negative).",
        examples=[-25000],
        json_schema_extra={"format": "int64"},
    ),
]
"""An amount in whole yen that may be negative (balances, differences)."""

"""Row ids as callers send them: bounded to the integer column that holds them.

An id past the column's range cannot name a row; sent to the database it fails the statement
(PostgreSQL refuses to bind it to an int4), so it is refused at the edge with the other input.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import Field

ROW_ID_MAX: Final = 2**31 - 1  # an `Integer` (int4) column
BIG_ROW_ID_MAX: Final = 2**63 - 1  # a `BigInteger` (int8) column

RowId = Annotated[int, Field(ge=1, le=ROW_ID_MAX)]
"""The id of a row in an `Integer` column, in a path, a query or a body: 1 to 2³¹ − 1."""

BigRowId = Annotated[int, Field(ge=1, le=BIG_ROW_ID_MAX)]
"""The id of a row in a `BigInteger` column: 1 to 2⁶³ − 1."""

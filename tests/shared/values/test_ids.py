from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from shared.values import BIG_ROW_ID_MAX, ROW_ID_MAX, BigRowId, RowId


@pytest.mark.parametrize(("id_type", "largest"), [(RowId, ROW_ID_MAX), (BigRowId, BIG_ROW_ID_MAX)])
def test_an_id_is_bounded_to_its_column(id_type: Any, largest: int) -> None:
    adapter: TypeAdapter[int] = TypeAdapter(id_type)
    assert adapter.validate_python(1) == 1
    assert adapter.validate_python(str(largest)) == largest
    for outside in (0, -1, largest + 1, 2**64):
        with pytest.raises(ValidationError):
            adapter.validate_python(outside)

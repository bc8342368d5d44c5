"""The elections service's settings: what it would send the registry is checked at start-up."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.elections.settings import ElectionsSettings
from shared.web.purpose import decode_purpose


def test_the_default_purpose_is_a_registered_code_with_its_description() -> None:
    assert decode_purpose(ElectionsSettings().registry_purpose) == (
        "jichi:purpose:election-roll 選挙人名簿の調製 (公職選挙法第19条・第22条)"
    )


@pytest.mark.parametrize(
    "purpose",
    ["jichi:purpose:no-such-purpose", "jichi:purpose:election-roll; description*=UTF-8''%FF%FE", "   "],
)
def test_a_purpose_the_registry_would_refuse_stops_the_service(purpose: str) -> None:
    with pytest.raises(ValidationError, match="registry_purpose"):
        ElectionsSettings(registry_purpose=purpose)

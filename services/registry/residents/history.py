"""Residence periods from the states of a record (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from services.registry.residents.keys import split_address


def residence_periods(states: Iterable[Mapping[Any, Any]]) -> list[dict[str, Any]]:
    """Consecutive active states at one address form a period; `states` in valid_from order.

    Each state carries `valid_from`, `valid_to` (None for the open one), the address, the
    status and the event that started it.
    """
    periods: list[dict[str, Any]] = []
    open_period: dict[str, Any] | None = None
    open_key: tuple[str, str] | None = None
    for state in states:
        key = (state["local_government_code"], state["address"])
        active = state["status"] == "active"
        if open_period is not None and (not active or key != open_key):
            open_period["to_date"] = state["valid_from"].isoformat()
            open_period["ended_by"] = state["event_type"]
            open_period = None
            open_key = None
        if active and open_period is None:
            open_period = {
                "local_government_code": key[0],
                "address_lines": split_address(key[1]),
                "from_date": state["valid_from"].isoformat(),
                "to_date": None,
                "reason": state["address_reason"],
                "ended_by": None,
                "from_abroad": bool(state["from_abroad"]),
            }
            open_key = key
            periods.append(open_period)
        if open_period is not None:
            valid_to = state["valid_to"]
            open_period["to_date"] = None if valid_to is None else valid_to.isoformat()
    return periods

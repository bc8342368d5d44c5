"""The bench report keeps each scenario's last figures when only some scenarios are run."""

from __future__ import annotations

from tests.bench.run import markdown, merged


def test_a_run_replaces_its_own_scenarios_and_keeps_the_others() -> None:
    previous = [
        {"scenario": "gateway_overhead", "measured_at": "day 1", "gateway_to_direct": 0.9},
        {"scenario": "registry_import", "measured_at": "day 1", "import_to_bare_copy": 0.03},
    ]
    new = [{"scenario": "registry_import", "measured_at": "day 2", "import_to_bare_copy": 0.04}]
    result = merged(previous, new)
    assert [r["scenario"] for r in result] == ["gateway_overhead", "registry_import"]
    assert result[0]["measured_at"] == "day 1"
    assert result[1] == new[0]
    text = markdown({"measured_at": "day 2", "machine": "m", "results": result})
    assert "Measured day 1." in text
    assert "- **import_to_bare_copy**: 0.04" in text

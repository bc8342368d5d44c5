"""Every elections domain keeps its layers: endpoints -> service -> repository, no SQL in a handler."""

from __future__ import annotations

from tests.test_architecture import ROOT, lint

ELECTIONS = ROOT / "services" / "elections"
DOMAINS = (
    "audit",
    "check-ins",
    "corrections",
    "public",
    "results",
    "roll",
    "setup",
    "tallies",
    "turnout",
    "suspensions",
    "absentee",
    "overseas",
)


def test_each_domain_has_its_layers_contract_and_keeps_it() -> None:
    result = lint(ROOT / "pyproject.toml", ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = " ".join(result.stdout.split())
    for domain in DOMAINS:
        assert f"Elections {domain}: endpoints -> " in lines, domain
    assert "Elections handlers hold no SQL" in lines
    assert "BROKEN" not in lines


def test_every_domain_folder_is_covered() -> None:
    folders = {path.parent.name for path in ELECTIONS.glob("*/endpoints.py")}
    assert {"checkins" if d == "check-ins" else d for d in DOMAINS} == folders

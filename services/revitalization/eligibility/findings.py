"""An eligibility verdict with the findings that produced it: never a bare yes or no."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Finding:
    """One checked condition: a stable code, whether it held, and a sentence saying why."""

    code: str
    passed: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Verdict:
    findings: tuple[Finding, ...]
    amounts: dict[str, int] = field(default_factory=dict)
    """Figures the rule derived (caps, national share), in yen."""

    @property
    def eligible(self) -> bool:
        return all(f.passed for f in self.findings)

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if not f.passed]

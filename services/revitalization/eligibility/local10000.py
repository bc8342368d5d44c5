"""Local 10,000 Project: a local-bank loan at least equal to the grant; the grant cap follows the
loan ratio, and the national share follows the municipality's fiscal category."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from services.revitalization.eligibility.findings import Finding, Verdict


@dataclass(frozen=True, slots=True)
class LoanTier:
    min_ratio: Fraction
    """The loan must be at least this multiple of the grant for the tier's cap to apply."""
    cap: int


def check_local10000(
    *,
    grant: int,
    loan: int,
    tiers: Sequence[LoanTier],
    national_shares: Mapping[str, Fraction],
    category_caps: Mapping[str, int],
    category: str,
) -> Verdict:
    """Eligibility of a grant request with its loan; amounts: grant_cap, national_share, local_share.

    The cap is the loan tier's, lowered to the municipality category's cap where the rules set one."""
    if grant <= 0:
        return Verdict((Finding("grant-not-positive", False, "The grant requested must be more than ¥0."),))
    ratio = Fraction(loan, grant)
    usable = sorted((t for t in tiers if ratio >= t.min_ratio), key=lambda t: t.min_ratio)
    if not usable:
        lowest = min(tiers, key=lambda t: t.min_ratio)
        needed = -(-grant * lowest.min_ratio.numerator // lowest.min_ratio.denominator)
        return Verdict(
            (
                Finding(
                    "loan-too-small",
                    False,
                    f"The local-bank loan ¥{loan:,} is below {lowest.min_ratio} × the grant ¥{grant:,}; "
                    f"it must be at least ¥{needed:,}.",
                ),
            )
        )
    tier = usable[-1]
    findings = [
        Finding(
            "loan-sufficient",
            True,
            f"The loan is {float(ratio):.2f} × the grant, which gives a grant cap of ¥{tier.cap:,}.",
        )
    ]
    category_cap = category_caps.get(category)

    def capped(tier_cap: int) -> int:
        return tier_cap if category_cap is None else min(tier_cap, category_cap)

    cap = capped(tier.cap)
    if cap < tier.cap:
        findings.append(
            Finding(
                "category-cap",
                True,
                f"A {category} municipality may grant at most ¥{cap:,}, below the loan tier's cap.",
            )
        )
    if grant > cap:
        better = [t for t in tiers if capped(t.cap) >= grant and t.min_ratio > tier.min_ratio]
        hint = ""
        if better:
            step = min(better, key=lambda t: t.min_ratio)
            hint = (
                f" A loan of at least {step.min_ratio} × the grant would allow up to ¥{capped(step.cap):,}."
            )
        findings.append(
            Finding("grant-above-cap", False, f"The grant ¥{grant:,} exceeds the cap ¥{cap:,}.{hint}")
        )
    else:
        findings.append(
            Finding("grant-within-cap", True, f"The grant ¥{grant:,} is within the cap ¥{cap:,}.")
        )
    share = national_shares.get(category)
    if share is None:
        findings.append(
            Finding(
                "unknown-category", False, f"No national share is set for municipality category {category}."
            )
        )
        return Verdict(tuple(findings), {"grant_cap": cap})
    national = grant * share.numerator // share.denominator
    findings.append(
        Finding(
            "national-share",
            True,
            f"The state pays {share} of the grant for a {category} municipality: ¥{national:,}.",
        )
    )
    return Verdict(
        tuple(findings), {"grant_cap": cap, "national_share": national, "local_share": grant - national}
    )

"""Eligibility of an application under its programme's fiscal-year rules, with the registry asked
for the applicant's residence history where the rule needs it."""

from __future__ import annotations

from fractions import Fraction

from services.revitalization.eligibility.findings import Finding, Verdict
from services.revitalization.eligibility.local10000 import LoanTier, check_local10000
from services.revitalization.eligibility.residence import ResidenceRule, check_cooperator_residence
from services.revitalization.eligibility.source import ResidenceHistorySource
from services.revitalization.eligibility.terms import check_term
from shared.contracts.revitalization import (
    Applicant,
    ApplicationDetails,
    ProgrammeKind,
    ProgrammeYearRules,
    ResidenceRules,
)
from shared.web.purpose import encode_purpose


def cooperator_purpose(application_id: int) -> str:
    """The X-Purpose of an application's residence check: its registered code, and which application."""
    return encode_purpose(
        "jichi:purpose:cooperator-eligibility",
        f"地域おこし協力隊の住所要件の確認 (revitalization application {application_id})",
    )


def residence_rule(rules: ResidenceRules) -> ResidenceRule:
    return ResidenceRule(
        urban_prefecture_codes=frozenset(rules.urban_prefectures),
        designated_cities_are_urban=rules.designated_cities_are_urban,
        move_window_days_before=rules.move_window_days_before,
        move_window_days_after=rules.move_window_days_after,
        exceptions=frozenset(rules.exceptions),
        conditionally_eligible_areas={k: tuple(v) for k, v in rules.conditionally_eligible_areas.items()},
    )


def _missing(what: str) -> Finding:
    return Finding("missing-detail", False, f"The application does not give {what}.")


def _cap(rules: ProgrammeYearRules, requested: int) -> list[Finding]:
    if rules.grant_cap is None:
        return []
    if requested > rules.grant_cap:
        return [
            Finding(
                "amount-above-cap",
                False,
                f"The amount requested ¥{requested:,} exceeds this year's cap ¥{rules.grant_cap:,}.",
            )
        ]
    return [Finding("amount-within-cap", True, f"¥{requested:,} is within the cap ¥{rules.grant_cap:,}.")]


async def assess(
    *,
    application_id: int,
    kind: ProgrammeKind,
    rules: ProgrammeYearRules,
    fiscal_year: int,
    municipality_code: str,
    municipality_category: str | None,
    applicant: Applicant,
    details: ApplicationDetails,
    requested_amount: int,
    source: ResidenceHistorySource,
) -> Verdict:
    """`municipality_category` is the register's entry for the municipality and fiscal year, if any."""
    findings: list[Finding] = _cap(rules, requested_amount)
    amounts: dict[str, int] = {}
    if rules.grant_cap is not None:
        amounts["grant_cap"] = rules.grant_cap
    if rules.term is not None and kind in (ProgrammeKind.COOPERATOR, ProgrammeKind.ENTREPRENEUR):
        what = "secondment" if kind is ProgrammeKind.ENTREPRENEUR else "appointment"
        if details.appointment_start_date is None or details.term_end_date is None:
            findings.append(_missing(f"the {what}'s start and end dates"))
        else:
            findings.extend(
                check_term(
                    start=details.appointment_start_date,
                    end=details.term_end_date,
                    min_months=rules.term.min_months,
                    max_months=rules.term.max_months,
                    what=what,
                ).findings
            )
    if kind is ProgrammeKind.ENTREPRENEUR and details.company_name is None:
        findings.append(_missing("the seconding company"))
    if kind is ProgrammeKind.COOPERATOR and rules.residence is not None:
        findings.extend(
            await _residence(application_id, rules.residence, municipality_code, applicant, details, source)
        )
    if kind is ProgrammeKind.LOCAL10000 and rules.loan_tiers and rules.national_share:
        if details.loan_amount is None:
            findings.append(_missing("the local-bank loan amount"))
        else:
            shares = rules.national_share
            if municipality_category is None:
                category = shares.default_category
                findings.append(
                    Finding(
                        "municipality-category",
                        True,
                        f"The register lists no category for {municipality_code} in fiscal year "
                        f"{fiscal_year}: the default category {category} applies.",
                    )
                )
            else:
                category = municipality_category
                findings.append(
                    Finding(
                        "municipality-category",
                        True,
                        f"The register puts {municipality_code} in category {category} for fiscal year "
                        f"{fiscal_year}.",
                    )
                )
            verdict = check_local10000(
                grant=requested_amount,
                loan=details.loan_amount,
                tiers=[LoanTier(Fraction(t.min_loan_ratio), t.grant_cap) for t in rules.loan_tiers],
                national_shares={name: Fraction(share) for name, share in shares.shares.items()},
                category_caps=shares.category_grant_caps,
                category=category,
            )
            findings.extend(verdict.findings)
            amounts.update(verdict.amounts)
            if "grant_cap" in verdict.amounts and rules.grant_cap is not None:
                amounts["grant_cap"] = min(rules.grant_cap, verdict.amounts["grant_cap"])
    if not findings:
        findings.append(Finding("no-conditions", True, "This programme sets no conditions beyond its rules."))
    return Verdict(tuple(findings), amounts)


async def _residence(
    application_id: int,
    rules: ResidenceRules,
    municipality_code: str,
    applicant: Applicant,
    details: ApplicationDetails,
    source: ResidenceHistorySource,
) -> list[Finding]:
    if applicant.resident_code is None:
        return [_missing("the applicant's resident code, needed to check the move of residence")]
    if details.appointment_start_date is None:
        return [_missing("the appointment start date")]
    history = await source.residence_history(
        applicant.resident_code, purpose=cooperator_purpose(application_id)
    )
    if history is None:
        return [Finding("resident-not-found", False, "The registry has no resident with this resident code.")]
    verdict = check_cooperator_residence(
        history.periods,
        hiring_municipality=municipality_code,
        appointment_start=details.appointment_start_date,
        rule=residence_rule(rules),
        former_cooperator=applicant.former_cooperator,
    )
    return list(verdict.findings)

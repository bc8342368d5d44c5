"""An award as a 360Giving grant, with only what may be published.

A person's award (a cooperator's, an entrepreneur's) is published as a grant to the municipality
that hosts them, with the programme's own title and summary: the applicant's name, resident code
and free-text title and description never leave the service. An organisation's award names the
organisation and keeps its title and description.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any, Final

from services.revitalization.local_governments import full_name
from shared.contracts.revitalization import (
    Grant360,
    Location360,
    Organisation360,
    Outcome360,
    PlannedDates360,
    Programme360,
)

GEO_CODE_TYPE: Final = "JIS X 0402"
CSV_COLUMNS: Final = (
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Applied For",
    "Amount Awarded",
    "Amount Disbursed",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
    "Beneficiary Location:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Last Modified",
)


@dataclass(frozen=True, slots=True)
class Publisher:
    funder_id: str
    funder_name: str
    id_prefix: str


def grant_id(publisher: Publisher, application_id: int) -> str:
    """The stable 360Giving identifier of an award."""
    return f"{publisher.id_prefix}-{application_id}"


def place_name(code: str) -> str:
    """The official name with its prefecture; the code itself for one newer than the national list."""
    return full_name(code) or code


def municipality_org(code: str) -> Organisation360:
    return Organisation360(id=f"JP-LGC-{code}", name=place_name(code))


def _planned_dates(details: dict[str, Any]) -> list[PlannedDates360]:
    """The term as 360Giving's planned dates; none when the award has no term (the standard's dates are
    strings: an event with a null date would not validate)."""
    start, end = details.get("appointment_start_date"), details.get("term_end_date")
    return [PlannedDates360(startDate=start, endDate=end)] if start and end else []


def to_grant(
    row: Any,
    programme_title: str,
    programme_summary: str,
    publisher: Publisher,
    outcomes: list[Outcome360] | None = None,
) -> Grant360:
    applicant = row.applicant
    details = row.details or {}
    if applicant.get("kind") == "organisation":
        recipient = Organisation360(id=f"{publisher.id_prefix}-org-{row.id}", name=applicant["name"])
        title, description = row.title, row.description
    else:
        recipient = municipality_org(row.municipality_code)
        title, description = f"{programme_title} ({recipient.name})", programme_summary
    return Grant360(
        id=grant_id(publisher, row.id),
        title=title,
        description=description,
        amountAppliedFor=row.requested_amount,
        amountAwarded=row.approved_amount,
        amountDisbursed=row.disbursed_amount,
        awardDate=row.awarded_at.date(),
        plannedDates=_planned_dates(details),
        recipientOrganization=[recipient],
        fundingOrganization=[Organisation360(id=publisher.funder_id, name=publisher.funder_name)],
        beneficiaryLocation=[
            Location360(
                geoCode=row.municipality_code,
                geoCodeType=GEO_CODE_TYPE,
                name=place_name(row.municipality_code),
            )
        ],
        grantProgramme=[Programme360(code=row.programme_code, title=programme_title)],
        dateModified=row.updated_at,
        outcomes=outcomes or [],
    )


def csv_header() -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(CSV_COLUMNS)
    return buffer.getvalue()


def csv_row(grant: Grant360) -> str:
    dates = grant.plannedDates[0] if grant.plannedDates else PlannedDates360(startDate=None, endDate=None)
    recipient, funder = grant.recipientOrganization[0], grant.fundingOrganization[0]
    location, programme = grant.beneficiaryLocation[0], grant.grantProgramme[0]
    values = (
        grant.id,
        grant.title,
        grant.description,
        grant.currency,
        grant.amountAppliedFor,
        grant.amountAwarded,
        grant.amountDisbursed,
        grant.awardDate.isoformat(),
        dates.startDate.isoformat() if dates.startDate else "",
        dates.endDate.isoformat() if dates.endDate else "",
        recipient.id,
        recipient.name,
        funder.id,
        funder.name,
        location.geoCode,
        location.geoCodeType,
        location.name,
        programme.code,
        programme.title,
        grant.model_dump(mode="json")["dateModified"],
    )
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()

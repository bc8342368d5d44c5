"""A call in the CommonGrants protocol's opportunity shape (OpportunityBase): pure, no I/O.

Shape read from HHS/simpler-grants-protocol (CC0-1.0): lib/core/lib/core/models/opportunity/base.tsp
(OpportunityBase), status.tsp (OppStatus: forecasted, open, closed, custom), funding.tsp (OppFunding),
timeline.tsp (OppTimeline) and lib/core/lib/core/fields/{event,money,custom-field,metadata}.tsp.
Mapping: our `archived` is the protocol's `custom` status with customValue "archived" (its own example);
dates are given in Japan time, as the call publishes them; amounts are JPY without a fraction.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from services.revitalization.calls.rules import in_japan_time
from shared.contracts.revitalization_calls import (
    Call,
    CallStatus,
    CgCustomField,
    CgFunding,
    CgMoney,
    CgOpportunity,
    CgSingleDateEvent,
    CgStatus,
    CgTimeline,
)

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:jichi:revitalization:call")

_STATUS = {
    CallStatus.FORECAST: CgStatus(
        value="forecasted", description="Announced; not yet accepting applications"
    ),
    CallStatus.OPEN: CgStatus(value="open", description="Accepting applications"),
    CallStatus.CLOSED: CgStatus(value="closed", description="No longer accepting applications"),
    CallStatus.ARCHIVED: CgStatus(
        value="custom", customValue="archived", description="Closed and archived by its issuer"
    ),
}


def opportunity_id(call_id: int) -> str:
    return str(uuid.uuid5(NAMESPACE, str(call_id)))


def _event(name: str, instant: datetime, description: str) -> CgSingleDateEvent:
    local = in_japan_time(instant)
    return CgSingleDateEvent(
        name=name, date=local.date().isoformat(), time=local.strftime("%H:%M:%S"), description=description
    )


def _custom(name: str, field_type: str, value: object, description: str) -> CgCustomField:
    return CgCustomField(name=name, fieldType=field_type, value=value, description=description)


def opportunity(call: Call, *, source: str) -> CgOpportunity:
    return CgOpportunity(
        id=opportunity_id(call.id),
        title=call.title,
        status=_STATUS[call.status],
        description=call.eligibility_summary,
        funding=CgFunding(
            details="Budget ceiling of the call (yen)",
            totalAmountAvailable=CgMoney(amount=str(call.budget_ceiling), currency="JPY"),
        ),
        keyDates=CgTimeline(
            postDate=_event("Applications open", call.opens_at, "Japan time (Asia/Tokyo)"),
            closeDate=_event("Applications close", call.closes_at, "Japan time (Asia/Tokyo), included"),
        ),
        source=source,
        customFields={
            "callId": _custom("callId", "integer", call.id, "The call's id in this service"),
            "programmeCode": _custom(
                "programmeCode", "string", call.programme_code, "Revitalization programme"
            ),
            "fiscalYear": _custom(
                "fiscalYear", "integer", call.fiscal_year, "Japanese fiscal year (April-March)"
            ),
            "issuerCode": _custom(
                "issuerCode", "string", call.issuer_code, "Issuing local government (JIS X 0402 code)"
            ),
            "prefecture": _custom("prefecture", "string", call.prefecture, "Prefecture number 01-47"),
        },
        createdAt=call.created_at,
        lastModifiedAt=call.updated_at,
    )

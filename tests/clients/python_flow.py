"""The flow an integrating team would write with the Python client generated from `/openapi.json`.

Run by `make clients` against a running platform, with the generated package `jichi_client` on
the path (it exists only in the temporary folder of that run) and JICHI_URL, JICHI_CLIENT_ID,
JICHI_CLIENT_SECRET and JICHI_SUBSIDY_YEAR in the environment. Each step calls the platform
through the generated functions and models only, and checks what a caller relies on; the first
broken promise stops the flow with its reason.
"""

from __future__ import annotations

import datetime
import os
import uuid
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import quote

from jichi_client import AuthenticatedClient, Client
from jichi_client.api.access_log import registry_list_access_records
from jichi_client.api.applications import revitalization_create_application
from jichi_client.api.elections import elections_create_election
from jichi_client.api.local_government_codes import (
    registry_get_local_government_code,
    registry_list_local_government_codes,
)
from jichi_client.api.oauth import gateway_issue_token
from jichi_client.api.organizations import funds_register_organization
from jichi_client.api.party_subsidies import (
    funds_get_party_subsidy_allocation,
    funds_record_party_subsidy_allocation,
)
from jichi_client.api.reports import funds_file_report
from jichi_client.api.residents import (
    registry_get_resident,
    registry_register_resident,
    registry_verify_residents,
)
from jichi_client.models import (
    AccessRecordPage,
    Address,
    Applicant,
    ApplicantKind,
    Application,
    ApplicationDetails,
    ApplicationIn,
    DonorKind,
    Election,
    ElectionIn,
    ElectionVotes,
    ElectionVotesPartyVotes,
    FourItemQuery,
    GatewayIssueTokenBody,
    GatewayIssueTokenBodyGrantType,
    LineCategory,
    LocalGovernment,
    LocalGovernmentPage,
    Organization,
    OrganizationIn,
    OrganizationKind,
    PartyInput,
    ProblemDetails,
    RegisteredResident,
    ReportIn,
    ReportInCategoryTotals,
    ReportLineIn,
    ReportVersion,
    Resident,
    ResidentRegistration,
    ResidentRegistrationEventType,
    Sex,
    StoredSubsidyAllocation,
    SubsidyInputs,
    SubsidyRequest,
    TokenResponse,
    VerificationItem,
    VerificationOutcome,
    VerificationRequest,
    VerificationResponse,
    VoteGroup,
    VoteGroupInput,
)
from jichi_client.types import UNSET, Response, Unset

PURPOSE_CODE = "jichi:purpose:child-allowance"
PURPOSE = "児童手当の認定"
# Header values are ASCII: a registered purpose code, with the Japanese description as an
# RFC 8187 extended parameter (percent-encoded UTF-8).
ENCODED_PURPOSE = f"{PURPOSE_CODE}; description*=UTF-8''{quote(PURPOSE, safe='')}"
CHIYODA = "131016"
# ¥250 per capita × the 2020 census population: a real party-subsidy total past 32 bits.
CENSUS_POPULATION = 126_146_099
SUBSIDY_TOTAL = 31_536_524_750

Parsed = TypeVar("Parsed")


class FlowError(AssertionError):
    """A promise of the contract the platform did not keep."""


def expect(response: Response[Any], status: HTTPStatus, kind: type[Parsed]) -> Parsed:
    """The response's parsed body, when it has the status and the model the document promises."""
    if response.status_code != status or not isinstance(response.parsed, kind):
        body = response.content.decode(errors="replace")[:500]
        raise FlowError(f"expected {status.value} {kind.__name__}, got {response.status_code}: {body}")
    return response.parsed


def check(condition: bool, message: str) -> None:
    if not condition:
        raise FlowError(message)


def token(base_url: str, client_id: str, client_secret: str) -> str:
    form = GatewayIssueTokenBody(
        grant_type=GatewayIssueTokenBodyGrantType.CLIENT_CREDENTIALS,
        client_id=client_id,
        client_secret=client_secret,
    )
    response = gateway_issue_token.sync_detailed(client=Client(base_url=base_url), body=form)
    return expect(response, HTTPStatus.OK, TokenResponse).access_token


def look_up_a_code(client: AuthenticatedClient) -> None:
    response = registry_get_local_government_code.sync_detailed(CHIYODA, client=client)
    chiyoda = expect(response, HTTPStatus.OK, LocalGovernment)
    check(chiyoda.name == "千代田区", f"131016 is Chiyoda, not {chiyoda.name}")


def register_a_resident(client: AuthenticatedClient) -> str:
    """Registered once with an Idempotency-Key; the retry answers the first response again."""
    registration = ResidentRegistration(
        family_name="統合",
        given_name="花子",
        family_name_kana="トウゴウ",
        given_name_kana="ハナコ",
        date_of_birth=datetime.date(1990, 4, 1),
        sex=Sex.FEMALE,
        address=Address(local_government_code=CHIYODA, address_lines=["霞が関2丁目1-2"]),
        event_type=ResidentRegistrationEventType.MOVE_IN,
        effective_date=datetime.date(2024, 4, 1),
        from_abroad=True,
    )
    key = str(uuid.uuid4())
    first = registry_register_resident.sync_detailed(client=client, body=registration, idempotency_key=key)
    registered = expect(first, HTTPStatus.CREATED, RegisteredResident)
    retry = registry_register_resident.sync_detailed(client=client, body=registration, idempotency_key=key)
    replayed = expect(retry, HTTPStatus.CREATED, RegisteredResident)
    check(replayed.to_dict() == registered.to_dict(), "a retry answered otherwise than the first time")
    check(retry.headers.get("Idempotent-Replayed") == "true", "a retry is not marked Idempotent-Replayed")
    return registered.resident_code


def look_up_with_a_japanese_purpose(client: AuthenticatedClient, resident_code: str) -> None:
    """The purpose reaches the access log as the Japanese text the caller meant."""
    response = registry_get_resident.sync_detailed(resident_code, client=client, x_purpose=ENCODED_PURPOSE)
    resident = expect(response, HTTPStatus.OK, Resident)
    check(resident.family_name == "統合", f"looked up {resident.family_name}, not 統合")
    records = registry_list_access_records.sync_detailed(
        resident_code, client=client, x_purpose=ENCODED_PURPOSE
    )
    purposes = {record.purpose for record in expect(records, HTTPStatus.OK, AccessRecordPage).items}
    expected = f"{PURPOSE_CODE} {PURPOSE}"
    check(expected in purposes, f"the access log shows purposes {purposes}, not {expected}")


def verify_in_bulk(client: AuthenticatedClient, resident_code: str) -> None:
    request = VerificationRequest(
        items=[
            VerificationItem(reference="known", resident_code=resident_code),
            VerificationItem(
                reference="four-items",
                four_items=FourItemQuery(
                    date_of_birth=datetime.date(1990, 4, 1), name="統合 花子", sex=Sex.FEMALE
                ),
            ),
        ]
    )
    response = registry_verify_residents.sync_detailed(client=client, body=request, x_purpose=ENCODED_PURPOSE)
    results = expect(response, HTTPStatus.OK, VerificationResponse).results
    outcomes = {result.reference: result.outcome for result in results}
    check(outcomes.get("known") == VerificationOutcome.FOUND, f"bulk verification answered {outcomes}")
    check(len(results) == 2, f"two items verified, {len(results)} answered")


def create_an_election(client: AuthenticatedClient) -> None:
    body = ElectionIn(
        name="統合テスト市長選挙",
        announcement_date=datetime.date(2027, 4, 13),
        polling_day=datetime.date(2027, 4, 20),
    )
    response = elections_create_election.sync_detailed(
        client=client, body=body, idempotency_key=str(uuid.uuid4())
    )
    check(expect(response, HTTPStatus.CREATED, Election).name == body.name, "the election has another name")


def file_a_funds_report(client: AuthenticatedClient, client_id: str) -> None:
    organization = OrganizationIn(
        name="統合テストの会",
        kind=OrganizationKind.OTHER_POLITICAL_ORGANIZATION,
        filer_client_id=client_id,
        representative_name="代表 太郎",
        treasurer_name="会計 花子",
        office_municipality_code=CHIYODA,
        office_address="東京都千代田区永田町1-7-1",
        registered_date=datetime.date(2000, 1, 1),
    )
    registered = funds_register_organization.sync_detailed(
        client=client, body=organization, idempotency_key=str(uuid.uuid4())
    )
    organization_id = expect(registered, HTTPStatus.CREATED, Organization).id
    lines = [
        ReportLineIn(
            category=LineCategory.DONATION_INDIVIDUAL,
            amount=100_000,
            transaction_date=datetime.date(2025, 5, 1),
            name="山田 太郎",
            donor_kind=DonorKind.INDIVIDUAL,
            address="東京都千代田区霞が関2-1-2",
            municipality_code=CHIYODA,
            occupation="会社員",
        ),
        ReportLineIn(
            category=LineCategory.OFFICE, amount=30_000, transaction_date=datetime.date(2025, 6, 30)
        ),
    ]
    totals = ReportInCategoryTotals()
    totals.additional_properties = {"donation_individual": 100_000, "office": 30_000}
    report = ReportIn(
        year=2025,
        carried_forward=0,
        income_total=100_000,
        expenditure_total=30_000,
        balance=70_000,
        category_totals=totals,
        lines=lines,
    )
    filed = funds_file_report.sync_detailed(
        organization_id, client=client, body=report, idempotency_key=str(uuid.uuid4())
    )
    check(expect(filed, HTTPStatus.CREATED, ReportVersion).balance == 70_000, "the filed balance changed")


def create_a_revitalization_application(client: AuthenticatedClient) -> None:
    body = ApplicationIn(
        programme_code="local10000",
        fiscal_year=2024,
        municipality_code="032018",
        applicant=Applicant(kind=ApplicantKind.ORGANISATION, name="株式会社もりおか発酵"),
        title="地元の米を使った発酵食品の工房",
        description="空き店舗を改装して工房と直売所を開く。",
        requested_amount=5_000_000,
        details=ApplicationDetails(loan_amount=10_000_000, lending_bank="岩手銀行"),
    )
    response = revitalization_create_application.sync_detailed(
        client=client, body=body, idempotency_key=str(uuid.uuid4())
    )
    created = expect(response, HTTPStatus.CREATED, Application)
    check(created.requested_amount == 5_000_000, "the requested amount changed")


def read_a_party_subsidy_allocation(client: AuthenticatedClient, year: int) -> None:
    """Recorded by the administrator, read back by anyone: a total past 32 bits survives both."""
    request = SubsidyRequest(year=year, inputs=subsidy_inputs())
    recorded = funds_record_party_subsidy_allocation.sync_detailed(
        client=client, body=request, idempotency_key=str(uuid.uuid4())
    )
    check(expect(recorded, HTTPStatus.CREATED, StoredSubsidyAllocation).total == SUBSIDY_TOTAL, "total")
    response = funds_get_party_subsidy_allocation.sync_detailed(year, client=client)
    allocation = expect(response, HTTPStatus.OK, StoredSubsidyAllocation)
    check(allocation.total == SUBSIDY_TOTAL, f"the total read back is {allocation.total}")
    check(sum(party.annual_amount for party in allocation.parties) == SUBSIDY_TOTAL, "shares")


def subsidy_inputs() -> SubsidyInputs:
    def votes(**by_party: str) -> ElectionVotes:
        party_votes = ElectionVotesPartyVotes()
        party_votes.additional_properties = dict(by_party)
        return ElectionVotes(total_valid_votes="1000", party_votes=party_votes)

    groups = [
        VoteGroupInput(group=VoteGroup.HR_SINGLE_MEMBER, elections=[votes(A="600", B="400")]),
        VoteGroupInput(group=VoteGroup.HR_PROPORTIONAL, elections=[votes(A="550", B="450")]),
        VoteGroupInput(group=VoteGroup.HC_PROPORTIONAL, elections=[votes(A="500", B="500")] * 2),
        VoteGroupInput(group=VoteGroup.HC_DISTRICT, elections=[votes(A="700", B="300")] * 2),
    ]
    parties = [
        PartyInput(party_code="A", name="甲党", applying=True, diet_members=6),
        PartyInput(party_code="B", name="乙党", applying=True, diet_members=5),
    ]
    return SubsidyInputs(census_population=CENSUS_POPULATION, parties=parties, vote_groups=groups)


def walk_a_paged_list(client: AuthenticatedClient) -> None:
    """Tokyo's codes, five to a page, followed by next_page_token to the last page."""
    codes: list[str] = []
    page_token: str | Unset = UNSET
    for _ in range(100):
        response = registry_list_local_government_codes.sync_detailed(
            client=client, prefecture="13", page_size=5, page_token=page_token
        )
        page = expect(response, HTTPStatus.OK, LocalGovernmentPage)
        codes += [item.code for item in page.items]
        if not isinstance(page.next_page_token, str):
            break
        page_token = page.next_page_token
    check(CHIYODA in codes and len(codes) > 5, f"walked {len(codes)} codes")
    check(len(codes) == len(set(codes)), "a code came twice while walking the pages")


def parse_a_problem(client: AuthenticatedClient) -> None:
    """A resident nobody registered is a 404 problem, parsed into its model."""
    response = registry_get_resident.sync_detailed("00000000000", client=client, x_purpose=ENCODED_PURPOSE)
    problem = response.parsed
    check(isinstance(problem, ProblemDetails), f"a {response.status_code} was not parsed as a problem")
    assert isinstance(problem, ProblemDetails)
    check(problem.status in (404, 422) and problem.type_.startswith("urn:"), f"problem {problem.type_}")


def run(step: str, action: Callable[[], object]) -> None:
    action()
    print(f"python flow: {step}: ok", flush=True)  # noqa: T201


def main() -> None:
    base_url = os.environ["JICHI_URL"]
    client_id = os.environ["JICHI_CLIENT_ID"]
    access_token = token(base_url, client_id, os.environ["JICHI_CLIENT_SECRET"])
    print("python flow: token: ok", flush=True)  # noqa: T201
    client = AuthenticatedClient(base_url=base_url, token=access_token, raise_on_unexpected_status=True)
    subsidy_year = int(os.environ["JICHI_SUBSIDY_YEAR"])
    run("code-master lookup", lambda: look_up_a_code(client))
    resident_code = register_a_resident(client)
    print("python flow: resident registered and retried: ok", flush=True)  # noqa: T201
    run("lookup with a Japanese purpose", lambda: look_up_with_a_japanese_purpose(client, resident_code))
    run("bulk verification", lambda: verify_in_bulk(client, resident_code))
    run("election created", lambda: create_an_election(client))
    run("funds report filed", lambda: file_a_funds_report(client, client_id))
    run("revitalization application created", lambda: create_a_revitalization_application(client))
    run("party-subsidy allocation read", lambda: read_a_party_subsidy_allocation(client, subsidy_year))
    run("paged list walked to the end", lambda: walk_a_paged_list(client))
    run("problem parsed", lambda: parse_a_problem(client))


if __name__ == "__main__":
    main()

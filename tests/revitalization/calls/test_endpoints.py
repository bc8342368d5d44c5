from __future__ import annotations

from datetime import timedelta

import httpx

from tests.revitalization.calls.support import (
    BASE,
    CLOSES,
    HANAMAKI,
    OPENS,
    Clock,
    application_body,
    call_body,
    publish,
)
from tests.revitalization.factories import ADMIN, APPLY, REVIEW, headers
from tests.support.tokens import TokenFactory


async def apply(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    call_id: int,
    client_id: str = "moriokahakko",
    **body: object,
) -> httpx.Response:
    return await client.post(
        f"{BASE}/calls/{call_id}/applications",
        json=application_body(**body),
        headers=headers(tokens, APPLY, client_id=client_id),
    )


async def test_publish_and_read_in_japan_time(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, clock: Clock
) -> None:
    call = await publish(revitalization, tokens)
    assert call["opens_at"] == "2026-04-01T00:00:00Z"
    assert call["closes_at"] == "2026-05-29T08:00:00Z"
    assert call["closes_at_jst"] == "2026-05-29T17:00:00+09:00"
    assert (call["status"], call["prefecture"], call["awarded_total"]) == ("forecast", "03", 0)
    assert call["owner_client_id"] == "iwate-pref"
    read = await revitalization.get(f"{BASE}/calls/{call['id']}")  # public: no token
    assert read.status_code == 200
    assert read.json() == call
    assert read.headers["etag"] == '"v1"'
    # The search sends plain documents, not models: they must be the same JSON.
    assert (await revitalization.get(f"{BASE}/calls")).json()["items"] == [call]
    missing = await revitalization.get(f"{BASE}/calls/999999")
    assert missing.json()["type"] == "urn:jichi:problem:call-not-found"


async def test_publish_is_refused_without_the_right_token_or_input(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, clock: Clock
) -> None:
    url = f"{BASE}/calls"
    assert (await revitalization.post(url, json=call_body())).status_code == 401
    applicant = await revitalization.post(url, json=call_body(), headers=headers(tokens, APPLY))
    assert applicant.status_code == 403
    assert applicant.json()["type"] == "urn:jichi:problem:insufficient-scope"
    owner = headers(tokens, REVIEW, client_id="iwate-pref")
    for bad in (
        call_body(closes_at="2026-04-01T09:00:00+09:00"),  # closes when it opens
        call_body(opens_at="2026-04-01T09:00:00"),  # no offset
        call_body(issuer_code="030008"),  # check digit
        call_body(budget_ceiling=-1),
        call_body(rubric={"criteria": []}),
        call_body(rubric={"criteria": [RUBRIC_ONE, RUBRIC_ONE]}),
        call_body(unknown="x"),
    ):
        response = await revitalization.post(url, json=bad, headers=owner)
        assert response.status_code == 422, bad
    unknown = await revitalization.post(url, json=call_body(programme_code="nothing"), headers=owner)
    assert unknown.json()["type"] == "urn:jichi:problem:programme-not-found"
    no_rules = await revitalization.post(url, json=call_body(fiscal_year=2019), headers=owner)
    assert no_rules.json()["type"] == "urn:jichi:problem:rules-not-found"
    listed = await revitalization.get(url, params={"status": "archived"})
    assert listed.json()["items"] == []
    assert (await revitalization.get(url)).json()["items"] == []  # nothing was created


RUBRIC_ONE = {"key": "impact", "name": "効果", "weight": 1, "max_score": 5}


async def test_applications_only_while_open_closing_instant_included(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, clock: Clock
) -> None:
    call = await publish(revitalization, tokens)
    call_id = call["id"]
    early = await apply(revitalization, tokens, call_id)
    assert early.status_code == 409
    assert early.json()["type"] == "urn:jichi:problem:call-not-open"
    assert early.json()["status_now"] == "forecast"
    clock.set(OPENS - timedelta(seconds=1))
    assert (await apply(revitalization, tokens, call_id)).status_code == 409
    clock.set(OPENS)
    assert (await apply(revitalization, tokens, call_id)).status_code == 201
    clock.set(CLOSES - timedelta(seconds=1))
    assert (await apply(revitalization, tokens, call_id)).status_code == 201
    clock.set(CLOSES)
    at_deadline = await apply(revitalization, tokens, call_id)
    assert at_deadline.status_code == 201
    assert at_deadline.json()["submitted_at"] == "2026-05-29T08:00:00Z"
    assert (await revitalization.get(f"{BASE}/calls/{call_id}")).json()["status"] == "open"
    clock.set(CLOSES + timedelta(seconds=1))
    late = await apply(revitalization, tokens, call_id)
    assert late.status_code == 409
    assert late.json()["status_now"] == "closed"
    assert late.json()["closes_at"] == "2026-05-29T17:00:00+09:00"
    assert (await revitalization.get(f"{BASE}/calls/{call_id}")).json()["status"] == "closed"
    owner = headers(tokens, REVIEW, client_id="iwate-pref")
    listed = await revitalization.get(f"{BASE}/calls/{call_id}/applications", headers=owner)
    assert len(listed.json()["items"]) == 3


async def test_applying_needs_the_apply_scope_and_valid_input(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, clock: Clock
) -> None:
    call = await publish(revitalization, tokens)
    clock.set(OPENS)
    url = f"{BASE}/calls/{call['id']}/applications"
    assert (await revitalization.post(url, json=application_body())).status_code == 401
    assert (
        await revitalization.post(url, json=application_body(), headers=headers(tokens, REVIEW))
    ).status_code == 403
    for bad in (
        application_body(requested_amount=1.5),
        application_body(organization_id="123"),
        application_body(organization_id="1400001000001"),  # check digit
        application_body(municipality_code="032019"),
        application_body(title=""),
    ):
        response = await revitalization.post(url, json=bad, headers=headers(tokens, APPLY))
        assert response.status_code == 422, bad
    missing = await revitalization.post(
        f"{BASE}/calls/424242/applications", json=application_body(), headers=headers(tokens, APPLY)
    )
    assert missing.json()["type"] == "urn:jichi:problem:call-not-found"


async def test_an_application_retried_with_its_key_is_recorded_once(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, clock: Clock
) -> None:
    call = await publish(revitalization, tokens)
    clock.set(OPENS)
    url = f"{BASE}/calls/{call['id']}/applications"
    sent = headers(tokens, APPLY, client_id="moriokahakko", **{"Idempotency-Key": "app-1"})
    first = await revitalization.post(url, json=application_body(), headers=sent)
    again = await revitalization.post(url, json=application_body(), headers=sent)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    other = await revitalization.post(url, json=application_body(title="別の事業"), headers=sent)
    assert other.status_code == 422
    mine = await revitalization.get(url, headers=headers(tokens, APPLY, client_id="moriokahakko"))
    assert [item["id"] for item in mine.json()["items"]] == [first.json()["id"]]
    theirs = await revitalization.get(url, headers=headers(tokens, APPLY, client_id="someone-else"))
    assert theirs.json()["items"] == []


async def test_public_search_facets_and_pages(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, clock: Clock
) -> None:
    iwate_open = await publish(revitalization, tokens)
    iwate_later = await publish(
        revitalization,
        tokens,
        opens_at="2026-06-01T09:00:00+09:00",
        closes_at="2026-06-30T17:00:00+09:00",
        programme_code="cooperators",
    )
    miyagi = await publish(
        revitalization,
        tokens,
        owner="miyagi-pref",
        issuer_code="040002",
        closes_at="2026-05-15T17:00:00+09:00",
    )
    hanamaki = await publish(revitalization, tokens, owner="hanamaki", issuer_code=HANAMAKI)
    clock.set(OPENS + timedelta(days=1))

    async def ids(**params: str | int) -> list[int]:
        response = await revitalization.get(f"{BASE}/calls", params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    # Deadline order, then id.
    assert await ids() == [miyagi["id"], iwate_open["id"], hanamaki["id"], iwate_later["id"]]
    assert await ids(prefecture="03") == [iwate_open["id"], hanamaki["id"], iwate_later["id"]]
    assert await ids(status="open") == [miyagi["id"], iwate_open["id"], hanamaki["id"]]
    assert await ids(status="forecast") == [iwate_later["id"]]
    assert await ids(programme_code="cooperators") == [iwate_later["id"]]
    assert await ids(fiscal_year=2024, prefecture="04") == [miyagi["id"]]
    assert await ids(closes_from="2026-05-29T17:00:00+09:00", closes_to="2026-06-29T00:00:00Z") == [
        iwate_open["id"],
        hanamaki["id"],
    ]
    assert await ids(closes_to="2026-05-29T16:59:59+09:00") == [miyagi["id"]]
    first = await revitalization.get(f"{BASE}/calls", params={"page_size": 3})
    assert len(first.json()["items"]) == 3
    token = first.json()["next_page_token"]
    rest = await revitalization.get(f"{BASE}/calls", params={"page_size": 3, "page_token": token})
    assert [item["id"] for item in rest.json()["items"]] == [iwate_later["id"]]
    assert rest.json()["next_page_token"] is None
    wrong_query = await revitalization.get(f"{BASE}/calls", params={"status": "open", "page_token": token})
    assert wrong_query.json()["type"] == "urn:jichi:problem:invalid-page-token"
    for bad in ({"status": "paused"}, {"prefecture": "48"}, {"closes_from": "2026-05-01T00:00:00"}):
        assert (await revitalization.get(f"{BASE}/calls", params=bad)).status_code == 422, bad
    invalid_token = await revitalization.get(f"{BASE}/calls", headers={"Authorization": "Bearer nonsense"})
    assert invalid_token.status_code == 401


async def test_search_pages_one_status_in_deadline_order_each_call_as_read_alone(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, clock: Clock
) -> None:
    """The search's statement is compiled once per shape of filters, the instant its status is judged at
    a parameter; its items are written straight to JSON: each must be the call's own body to the byte,
    fractions of a second and Japan time included."""
    open_calls = [
        await publish(revitalization, tokens, closes_at=f"2026-05-{day}T17:00:00.25+09:00")
        for day in (22, 20, 21)
    ]
    await publish(
        revitalization,
        tokens,
        opens_at="2026-06-01T09:00:00.5+09:00",
        closes_at="2026-06-30T17:00:00.000001+09:00",
    )
    clock.set(OPENS + timedelta(days=1))
    seen: list[int] = []
    params: dict[str, str | int] = {"status": "open", "page_size": 1}
    while True:
        page = await revitalization.get(f"{BASE}/calls", params=params)
        assert page.status_code == 200, page.text
        for item in page.json()["items"]:
            seen.append(item["id"])
            alone = await revitalization.get(f"{BASE}/calls/{item['id']}")
            assert alone.content in page.content
        token = page.json()["next_page_token"]
        if token is None:
            break
        params["page_token"] = token
    assert seen == [open_calls[1]["id"], open_calls[2]["id"], open_calls[0]["id"]]
    every = await revitalization.get(f"{BASE}/calls")
    for item in every.json()["items"]:
        alone = await revitalization.get(f"{BASE}/calls/{item['id']}")
        assert alone.content in every.content
    assert every.json()["items"][-1]["opens_at_jst"] == "2026-06-01T09:00:00+09:00"
    assert every.json()["items"][-1]["opens_at"] == "2026-06-01T00:00:00.500000Z"


async def test_deadline_calendar(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, clock: Clock
) -> None:
    call = await publish(revitalization, tokens, title="公募, 締切; テスト\\" + "長い題名" * 10)
    passed = await publish(
        revitalization,
        tokens,
        opens_at="2026-03-01T09:00:00+09:00",
        closes_at="2026-03-20T17:00:00+09:00",
    )
    clock.set(OPENS)
    response = await revitalization.get(f"{BASE}/call-deadlines.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    raw = response.content
    assert raw.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    unfolded = raw.decode().replace("\r\n ", "")
    assert f"UID:call-{call['id']}@revitalization.jichi" in unfolded
    assert f"UID:call-{passed['id']}@" not in unfolded  # closed before now: not an upcoming deadline
    assert "DTSTART;TZID=Asia/Tokyo:20260529T170000" in unfolded
    assert "SUMMARY:締切 (deadline): 公募\\, 締切\\; テスト\\\\" in unfolded
    assert "TZOFFSETTO:+0900" in unfolded
    closed = await revitalization.get(f"{BASE}/call-deadlines.ics", params={"status": "closed"})
    assert f"UID:call-{passed['id']}@" in closed.content.decode().replace("\r\n ", "")
    none = await revitalization.get(f"{BASE}/call-deadlines.ics", params={"prefecture": "47"})
    assert b"BEGIN:VEVENT" not in none.content
    archived = await revitalization.get(f"{BASE}/call-deadlines.ics", params={"status": "archived"})
    assert archived.status_code == 200
    assert b"BEGIN:VEVENT" not in archived.content


async def test_common_grants_opportunity_shape(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, clock: Clock
) -> None:
    call = await publish(revitalization, tokens)
    clock.set(OPENS)
    one = await revitalization.get(f"{BASE}/call-opportunities/{call['id']}")
    assert one.status_code == 200
    body = one.json()
    assert body["status"]["value"] == "open"
    assert body["title"] == call["title"]
    assert body["description"] == call["eligibility_summary"]
    assert body["funding"]["totalAmountAvailable"] == {"amount": "30000000", "currency": "JPY"}
    assert body["keyDates"]["closeDate"] == {
        "name": "Applications close",
        "eventType": "singleDate",
        "date": "2026-05-29",
        "time": "17:00:00",
        "description": "Japan time (Asia/Tokyo), included",
    }
    assert body["customFields"]["callId"]["value"] == call["id"]
    assert body["source"].endswith(f"/revitalization/v1/calls/{call['id']}")
    assert body["createdAt"] == call["created_at"]
    listed = await revitalization.get(f"{BASE}/call-opportunities", params={"prefecture": "03"})
    assert listed.json()["items"] == [body]
    missing = await revitalization.get(f"{BASE}/call-opportunities/777777")
    assert missing.json()["type"] == "urn:jichi:problem:call-not-found"


async def test_archive_only_a_closed_call_by_its_issuer(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, clock: Clock
) -> None:
    call = await publish(revitalization, tokens)
    url = f"{BASE}/calls/{call['id']}/archivals"
    owner = headers(tokens, REVIEW, client_id="iwate-pref", **{"If-Match": '"v1"'})
    clock.set(OPENS)
    still_open = await revitalization.post(url, headers=owner)
    assert still_open.json()["type"] == "urn:jichi:problem:call-not-closed"
    clock.set(CLOSES + timedelta(seconds=1))
    stranger = await revitalization.post(
        url, headers=headers(tokens, REVIEW, client_id="miyagi-pref", **{"If-Match": '"v1"'})
    )
    assert stranger.json()["type"] == "urn:jichi:problem:not-the-call-owner"
    no_if_match = await revitalization.post(url, headers=headers(tokens, REVIEW, client_id="iwate-pref"))
    assert no_if_match.status_code == 428
    archived = await revitalization.post(url, headers=owner)
    assert archived.status_code == 200
    assert archived.json()["status"] == "archived"
    assert archived.headers["etag"] == '"v2"'
    stale = await revitalization.post(url, headers=owner)
    assert stale.status_code == 412
    search = await revitalization.get(f"{BASE}/calls")
    assert search.json()["items"] == []  # archived calls leave the default search
    listed = await revitalization.get(f"{BASE}/calls", params={"status": "archived"})
    assert [item["id"] for item in listed.json()["items"]] == [call["id"]]
    opportunity = await revitalization.get(f"{BASE}/call-opportunities/{call['id']}")
    assert opportunity.json()["status"] == {
        "value": "custom",
        "customValue": "archived",
        "description": "Closed and archived by its issuer",
    }
    audit = await revitalization.get(
        f"{BASE}/calls/{call['id']}/audit", headers=headers(tokens, ADMIN, client_id="bureau")
    )
    assert [entry["action"] for entry in audit.json()["items"]] == ["call_published", "call_archived"]
    not_owner = await revitalization.get(
        f"{BASE}/calls/{call['id']}/audit", headers=headers(tokens, REVIEW, client_id="miyagi-pref")
    )
    assert not_owner.status_code == 403

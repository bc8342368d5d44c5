"""A pension agency follows its recipients (issue 19, items 1 and 2), through the gateway.

The gateway, the registry, the deliverer (its own task, on the registry's database only) and the
agency's webhook receiver run on loopback. A municipality registers residents; the agency,
configured at the gateway with its pseudonym domain, finds its recipients by bulk verification
(answered with its own pseudonyms), watches them for the pension purpose, and receives their
deaths and moves by push, signed as Standard Webhooks, through a receiver that first fails; what
ran out of attempts while its receiver was down it finds in the dead-letter list and replays.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.gateway import clients
from services.gateway.app import create_app as create_gateway
from services.gateway.settings import GatewaySettings
from services.registry.app import create_app as create_registry
from services.registry.deliveries.worker import Deliverer
from services.registry.settings import RegistrySettings
from shared.db.engine import Database, create_engine
from tests.support.databases import prepare_database
from tests.support.servers import free_port, serving
from tests.support.tokens import published_by

CHIYODA, SAPPORO_CHUO = "131016", "011011"
PENSION = "jichi:purpose:pension-benefit"


@dataclass
class Receiver:
    """The agency's webhook endpoint: fails while `failing` says so, else verifies and keeps."""

    failing: int = 0
    secret: str = ""
    attempts: list[str] = field(default_factory=list)
    acknowledged: dict[str, dict[str, Any]] = field(default_factory=dict)
    acknowledged_twice: list[str] = field(default_factory=list)

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        self.attempts.append(request.headers["webhook-id"])
        if self.failing:
            self.failing -= 1
            return Response(status_code=503)
        payload = Webhook(self.secret).verify(body, dict(request.headers))
        if request.headers["webhook-id"] in self.acknowledged:
            self.acknowledged_twice.append(request.headers["webhook-id"])
        self.acknowledged[request.headers["webhook-id"]] = payload
        return Response(status_code=204)

    def events(self) -> list[dict[str, Any]]:
        return [event for payload in self.acknowledged.values() for event in payload["data"]["items"]]


@dataclass
class Platform:
    gateway_url: str
    hook_url: str
    receiver: Receiver
    municipality: tuple[str, str]
    agency: tuple[str, str]
    tax_office: tuple[str, str]


@pytest.fixture(scope="module")
async def platform(sqlite_dir: Path) -> AsyncIterator[Platform]:
    folder = sqlite_dir / "integration-subscriptions"
    folder.mkdir(exist_ok=True)
    urls = {
        name: await prepare_database(name, folder, name=f"subs_{name}") for name in ("gateway", "registry")
    }
    database = Database(create_engine(urls["gateway"]))
    async with database.sessionmaker() as session:
        municipality = await clients.create_client(
            session, name="chiyoda", scopes={"registry:read", "registry:write", "registry:address"}
        )
        agency = await clients.create_client(
            session,
            name="pension-agency",
            scopes={"registry:read", "registry:address", "registry:subscribe"},
            pseudonym_domain="nenkin",
        )
        tax_office = await clients.create_client(
            session,
            name="tax-office",
            scopes={"registry:read", "registry:address"},
            pseudonym_domain="kokuzei",
        )
        await session.commit()
    await database.dispose()
    receiver = Receiver()
    registry_database = Database(create_engine(urls["registry"]))
    stop = asyncio.Event()
    async with AsyncExitStack() as stack:
        hook_base = await stack.enter_async_context(
            serving(Starlette(routes=[Route("/hook", receiver.hook, methods=["POST"])]))
        )
        gateway_port = free_port()
        gateway_url = f"http://127.0.0.1:{gateway_port}"
        settings = RegistrySettings(
            database_url=urls["registry"],
            deliver_poll_seconds=0.05,
            deliver_retry_base_seconds=0.1,
            deliver_max_attempts=3,
            # The receiver is this process, on the loopback address a deployment refuses.
            webhook_private_addresses_allowed=True,
            **published_by(gateway_url),
        )
        registry_url = await stack.enter_async_context(serving(create_registry(settings)))
        await stack.enter_async_context(
            serving(
                create_gateway(GatewaySettings(database_url=urls["gateway"], registry_url=registry_url)),
                port=gateway_port,
            )
        )
        http = await stack.enter_async_context(httpx.AsyncClient())
        deliverer = asyncio.create_task(Deliverer(registry_database, settings, http).run(stop))
        try:
            yield Platform(
                gateway_url,
                f"{hook_base}/hook",
                receiver,
                (municipality.client_id, municipality.client_secret),
                (agency.client_id, agency.client_secret),
                (tax_office.client_id, tax_office.client_secret),
            )
        finally:
            stop.set()
            await deliverer
            await registry_database.dispose()


async def _client(platform: Platform, credentials: tuple[str, str]) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=platform.gateway_url, timeout=30.0)
    token = await client.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=credentials)
    assert token.status_code == 200, token.text
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    client.headers["X-Purpose"] = quote("住民異動の届出 (統合テスト)")
    return client


async def _ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


async def _register(municipality: httpx.AsyncClient, family: str, given: str, born: str) -> str:
    body = {
        "event_type": "birth",
        "effective_date": born,
        "date_of_birth": born,
        "family_name": family,
        "given_name": given,
        "family_name_kana": "ネンキン",
        "given_name_kana": "タロウ",
        "sex": "male",
        "address": {"local_government_code": CHIYODA, "address_lines": ["千代田1-1"]},
    }
    code: str = (await _ok(await municipality.post("/registry/v1/residents", json=body)))["resident_code"]
    return code


async def _event(municipality: httpx.AsyncClient, code: str, event: dict[str, Any]) -> None:
    etag = (await municipality.get(f"/registry/v1/residents/{code}")).headers["ETag"]
    await _ok(
        await municipality.post(
            f"/registry/v1/residents/{code}/events", json=event, headers={"If-Match": etag}
        )
    )


async def _until(condition: Any, seconds: float = 15.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not within the time")


async def test_a_pension_agency_follows_its_recipients_by_push_with_its_own_pseudonyms(
    platform: Platform,
) -> None:
    municipality = await _client(platform, platform.municipality)
    agency = await _client(platform, platform.agency)
    born = {"一郎": "1950-01-02", "二郎": "1951-03-04", "三郎": "1952-05-06"}
    codes = {given: await _register(municipality, "年金", given, date) for given, date in born.items()}

    # The agency finds its two recipients by the four items and is answered with its pseudonyms.
    verified = await _ok(
        await agency.post(
            "/registry/v1/residents/verifications",
            json={
                "items": [
                    {
                        "reference": given,
                        "four_items": {"name": f"年金 {given}", "date_of_birth": born[given]},
                    }
                    for given in ("一郎", "二郎")
                ]
            },
        )
    )
    pseudonyms = {result["reference"]: result["resident_code"] for result in verified["results"]}
    assert set(pseudonyms.values()).isdisjoint(codes.values())
    by_code = await agency.get(f"/registry/v1/residents/{codes['一郎']}")
    assert by_code.status_code == 422
    assert by_code.json()["type"] == "urn:jichi:problem:invalid-resident-id"

    subscription = await _ok(
        await agency.post(
            "/registry/v1/subscriptions", json={"name": "受給者", "webhook_url": platform.hook_url}
        )
    )
    platform.receiver.secret = subscription["webhook_secret"]
    base = f"/registry/v1/subscriptions/{subscription['subscription_id']}"
    await _ok(
        await agency.post(
            f"{base}/members",
            json={
                "items": [{"resident_id": pseudonym, "purpose": PENSION} for pseudonym in pseudonyms.values()]
            },
        )
    )

    # The receiver fails twice; the deliverer retries with backoff and it gets everything once.
    platform.receiver.failing = 2
    await _event(municipality, codes["一郎"], {"type": "death", "effective_date": "2025-01-10"})
    await _event(
        municipality,
        codes["二郎"],
        {"type": "move_out", "effective_date": "2025-02-01", "to_local_government_code": SAPPORO_CHUO},
    )
    await _event(municipality, codes["三郎"], {"type": "death", "effective_date": "2025-01-11"})
    await _until(lambda: len(platform.receiver.events()) == 2)
    events = {(event["resident_code"], event["type"]) for event in platform.receiver.events()}
    assert events == {(pseudonyms["一郎"], "death"), (pseudonyms["二郎"], "move_out")}
    assert len(platform.receiver.attempts) >= 3
    assert not platform.receiver.acknowledged_twice
    moved = next(event for event in platform.receiver.events() if event["type"] == "move_out")
    assert moved["to_local_government_code"] == SAPPORO_CHUO
    assert moved["purpose"] == PENSION
    assert moved["resident"]["resident_code"] == pseudonyms["二郎"]
    assert not any(code in str(platform.receiver.acknowledged) for code in codes.values())

    # The receiver is down long enough for a delivery to run out of attempts: replayed from the dead letters.
    platform.receiver.failing = 3
    await _event(
        municipality,
        codes["二郎"],
        {
            "type": "move_in",
            "effective_date": "2025-02-01",
            "address": {"local_government_code": SAPPORO_CHUO, "address_lines": ["北1条西2丁目"]},
        },
    )

    async def dead() -> list[dict[str, Any]]:
        page = await _ok(await agency.get(f"{base}/deliveries", params={"status": "dead"}))
        items: list[dict[str, Any]] = page["items"]
        return items

    for _ in range(300):
        if await dead():
            break
        await asyncio.sleep(0.05)
    [missed] = await dead()
    assert missed["attempts"] == 3
    assert missed["last_error"] == "HTTP 503"
    assert len(platform.receiver.events()) == 2
    await _ok(await agency.post(f"{base}/deliveries/{missed['delivery_id']}/replay"))
    await _until(lambda: missed["delivery_id"] in platform.receiver.acknowledged)
    assert platform.receiver.events()[-1]["type"] == "move_in"
    assert not platform.receiver.acknowledged_twice

    # The pull feed of the subscription has the same events, by the same pseudonyms.
    pulled = await _ok(await agency.get(f"{base}/events"))
    assert [(event["resident_code"], event["type"]) for event in pulled["items"]][-3:] == [
        (pseudonyms["一郎"], "death"),
        (pseudonyms["二郎"], "move_out"),
        (pseudonyms["二郎"], "move_in"),
    ]
    await municipality.aclose()
    await agency.aclose()


async def test_a_pension_agency_reads_a_recipient_and_their_household_by_its_own_pseudonyms(
    platform: Platform,
) -> None:
    municipality = await _client(platform, platform.municipality)
    agency = await _client(platform, platform.agency)
    tax_office = await _client(platform, platform.tax_office)
    head = await _register(municipality, "世帯", "一郎", "1948-07-07")
    household_id = (await _ok(await municipality.get(f"/registry/v1/residents/{head}")))["household"][
        "household_id"
    ]
    body = {
        "event_type": "birth",
        "effective_date": "1950-08-08",
        "date_of_birth": "1950-08-08",
        "family_name": "世帯",
        "given_name": "花子",
        "family_name_kana": "セタイ",
        "given_name_kana": "ハナコ",
        "sex": "female",
        "address": {"local_government_code": CHIYODA, "address_lines": ["千代田1-1"]},
        "household": {"household_id": household_id, "head_resident_code": head, "relationship": "妻"},
    }
    spouse = (await _ok(await municipality.post("/registry/v1/residents", json=body)))["resident_code"]
    secrets = (head, spouse, household_id)

    async def pseudonym_of(client: httpx.AsyncClient) -> str:
        verified = await _ok(
            await client.post(
                "/registry/v1/residents/verifications",
                json={"items": [{"four_items": {"name": "世帯 一郎", "date_of_birth": "1948-07-07"}}]},
            )
        )
        found: str = verified["results"][0]["resident_code"]
        return found

    recipient = await pseudonym_of(agency)
    taxpayer = await pseudonym_of(tax_office)
    assert recipient != taxpayer
    assert head not in (recipient, taxpayer)

    # The agency looks its recipient up and reads the household, all by its pseudonyms.
    looked_up = await agency.get(f"/registry/v1/residents/{recipient}")
    resident = await _ok(looked_up)
    assert resident["resident_code"] == recipient
    assert resident["household"]["head_resident_code"] == recipient
    household = resident["household"]["household_id"]
    members_response = await agency.get(f"/registry/v1/households/{household}")
    members = await _ok(members_response)
    assert members["head_resident_code"] == recipient
    assert [m["relationship"] for m in members["members"]] == ["世帯主", "妻"]
    wife = members["members"][1]["resident_code"]
    assert (await _ok(await agency.get(f"/registry/v1/residents/{wife}")))["given_name"] == "花子"
    for response in (looked_up, members_response):
        assert not any(secret in response.text for secret in secrets)

    # Neither agency can use the other's pseudonyms, nor resident codes.
    for client, foreign in ((agency, taxpayer), (tax_office, recipient), (tax_office, wife)):
        refused = await client.get(f"/registry/v1/residents/{foreign}")
        assert refused.status_code == 404, refused.text
        assert refused.json()["type"] == "urn:jichi:problem:resident-not-found"
    assert (await tax_office.get(f"/registry/v1/households/{household}")).status_code == 404
    for path in (f"/registry/v1/residents/{spouse}", f"/registry/v1/households/{household_id}"):
        assert (await agency.get(path)).status_code == 422
    # The municipality, which sees codes, cannot use a pseudonym either.
    assert (await municipality.get(f"/registry/v1/residents/{recipient}")).status_code == 422
    for client in (municipality, agency, tax_office):
        await client.aclose()

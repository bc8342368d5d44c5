"""Client addresses: X-Forwarded-For is believed only from a configured proxy."""

from __future__ import annotations

import pytest

from services.gateway.client_address import ClientAddresses, parse_networks
from tests.gateway.conftest import GatewayFactory

PROXIES = ClientAddresses(parse_networks("10.0.0.0/8, 192.0.2.7"))


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", [b"198.51.100.1"], "203.0.113.9"),  # not a proxy: the header is invented
        ("10.1.2.3", [b"198.51.100.1"], "198.51.100.1"),
        ("10.1.2.3", [b"6.6.6.6, 198.51.100.1"], "198.51.100.1"),  # the caller's own entry is skipped
        ("10.1.2.3", [b"198.51.100.1, 192.0.2.7"], "198.51.100.1"),  # through two proxies
        ("10.1.2.3", [b"6.6.6.6", b"198.51.100.1"], "198.51.100.1"),  # the header twice
        ("10.1.2.3", [], "10.1.2.3"),
        ("10.1.2.3", [b"not-an-address"], "10.1.2.3"),
        ("10.1.2.3", [b"2001:db8::1"], "2001:db8::1"),
    ],
)
def test_the_nearest_untrusted_hop_is_the_client(peer: str, forwarded: list[bytes], expected: str) -> None:
    assert PROXIES.resolve(peer, forwarded) == expected


def test_with_no_proxies_configured_the_socket_decides() -> None:
    assert ClientAddresses(parse_networks("")).resolve("127.0.0.1", [b"198.51.100.1"]) == "127.0.0.1"


def test_a_malformed_proxy_list_is_refused() -> None:
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6"):
        parse_networks("10.0.0.0/8, ingress")


async def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(gateway_factory: GatewayFactory) -> None:
    async with gateway_factory(
        trusted_proxies="127.0.0.1", anonymous_rate_limit_per_second=1.0, anonymous_rate_limit_burst=1
    ) as gateway:
        first = await gateway.get("/registry/v1/echo", headers={"X-Forwarded-For": "198.51.100.1"})
        second = await gateway.get("/registry/v1/echo", headers={"X-Forwarded-For": "198.51.100.2"})
        again = await gateway.get("/registry/v1/echo", headers={"X-Forwarded-For": "198.51.100.1"})
    assert [first.status_code, second.status_code, again.status_code] == [200, 200, 429]
    assert first.json()["headers"]["x-forwarded-for"] == "198.51.100.1"

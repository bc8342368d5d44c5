"""When to try a failed delivery again, and where a webhook may point (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta
from ipaddress import IPv4Address, IPv6Address, ip_address


def retry_delay(attempts: int, *, base_seconds: float, max_seconds: float) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: base, 2·base, 4·base … at most max."""
    if attempts < 1:
        raise ValueError("a delay follows a failed attempt")
    return min(max_seconds, base_seconds * float(2 ** min(attempts - 1, 62)))


def after_failure(
    attempts: int, *, now: datetime, max_attempts: int, base_seconds: float, max_seconds: float
) -> tuple[str, datetime | None]:
    """The delivery's status and next attempt after its `attempts`-th attempt failed."""
    if attempts >= max_attempts:
        return "dead", None
    return "pending", now + timedelta(
        seconds=retry_delay(attempts, base_seconds=base_seconds, max_seconds=max_seconds)
    )


def acknowledged(status_code: int) -> bool:
    """A receiver acknowledges with any 2xx (Standard Webhooks); anything else is retried."""
    return 200 <= status_code < 300


def is_public_address(address: IPv4Address | IPv6Address) -> bool:
    """Whether a webhook may reach `address`: only the public internet (RFC 6890's globally reachable
    addresses, not multicast). Loopback, private, link-local (a cloud's metadata service), shared and
    reserved ranges would let a subscriber make the registry post residents' events, or probe, inside
    the platform's own network."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def refused_host(host: str) -> str | None:
    """Why a webhook's host is refused before any lookup (a `localhost` name, or an address literal
    that is not public), or None: a name is judged by the addresses it resolves to, at delivery."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return "a localhost name"
    try:
        address = ip_address(name)
    except ValueError:
        return None
    return None if is_public_address(address) else f"{address}, not a public address"

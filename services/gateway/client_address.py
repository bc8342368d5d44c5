"""Which address a request comes from: the socket's peer, unless that peer is a trusted proxy.

Only a configured proxy (an ingress, a load balancer) may speak for its client through
`X-Forwarded-For`; from anyone else the header is an invention and is ignored, so a caller
cannot leave its rate-limit bucket by writing a new address into every request.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """`GATEWAY_TRUSTED_PROXIES`: addresses or networks, separated by commas or spaces."""
    return tuple(ipaddress.ip_network(item, strict=False) for item in text.replace(",", " ").split() if item)


class ClientAddresses:
    def __init__(self, trusted: Sequence[Network]) -> None:
        self.trusted = tuple(trusted)

    def _is_trusted(self, address: str) -> bool:
        try:
            parsed = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(parsed in network for network in self.trusted)

    def resolve(self, peer: str, forwarded_for: Iterable[bytes]) -> str:
        """The nearest address, walking back from the peer through trusted proxies only."""
        if not self.trusted or not self._is_trusted(peer):
            return peer
        hops = [hop.strip() for value in forwarded_for for hop in value.decode("latin-1").split(",")]
        for hop in reversed(hops):
            if not hop:
                continue
            if not self._is_trusted(hop):
                try:
                    return str(ipaddress.ip_address(hop))
                except ValueError:
                    return peer
        return peer

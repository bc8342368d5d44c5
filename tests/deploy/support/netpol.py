"""A small evaluator of Kubernetes NetworkPolicy semantics, enough to answer
"may pod A open a TCP connection to pod B on port P?" for the rendered manifests.

It follows the API's rules: a pod is isolated for a direction when a policy of
its namespace selects it with that policy type; an isolated pod accepts only
what the union of those policies allows; a connection needs both the sender's
egress and the receiver's ingress. ipBlock peers are treated as matching every
peer (an over-approximation, so a "denied" answer is always sound). Named
ports are not supported (the manifests use numbers).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]


@dataclass(frozen=True)
class Peer:
    """A pod (namespace set) or a source outside the cluster (namespace None)."""

    name: str
    namespace: str | None
    labels: Mapping[str, str] = field(default_factory=dict)
    namespace_labels: Mapping[str, str] = field(default_factory=dict)


def selector_matches(selector: Obj, labels: Mapping[str, str]) -> bool:
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        k, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In" and labels.get(k) not in values:
            return False
        if op == "NotIn" and k in labels and labels[k] in values:
            return False
        if op == "Exists" and k not in labels:
            return False
        if op == "DoesNotExist" and k in labels:
            return False
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            raise ValueError(f"unknown selector operator {op}")
    return True


def policy_types(policy: Obj) -> list[str]:
    spec = policy["spec"]
    if "policyTypes" in spec:
        return list(spec["policyTypes"])
    return ["Ingress", "Egress"] if "egress" in spec else ["Ingress"]


def _peer_matches(rule_peer: Obj, policy_namespace: str, other: Peer) -> bool:
    if "ipBlock" in rule_peer:
        return True
    if other.namespace is None:
        return False
    ns_selector = rule_peer.get("namespaceSelector")
    if ns_selector is None:
        ns_ok = other.namespace == policy_namespace
    else:
        ns_ok = selector_matches(ns_selector, other.namespace_labels)
    pod_selector = rule_peer.get("podSelector")
    pod_ok = pod_selector is None or selector_matches(pod_selector, other.labels)
    return ns_ok and pod_ok


def _port_matches(ports: list[Obj] | None, port: int, protocol: str) -> bool:
    if not ports:
        return True
    for p in ports:
        if p.get("protocol", "TCP") != protocol:
            continue
        number = p.get("port")
        if number is None:
            return True
        if isinstance(number, str):
            raise ValueError(f"named port {number!r} is not supported by this checker")
        end = p.get("endPort") or number
        if number <= port <= end:
            return True
    return False


def _selecting(policies: Iterable[Obj], pod: Peer, direction: str) -> list[Obj]:
    return [
        p
        for p in policies
        if pod.namespace is not None
        and p["metadata"].get("namespace") == pod.namespace
        and direction in policy_types(p)
        and selector_matches(p["spec"].get("podSelector") or {}, pod.labels)
    ]


def _direction_allows(selected: list[Obj], direction: str, other: Peer, port: int, proto: str) -> bool:
    rules_key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    for policy in selected:
        ns = policy["metadata"]["namespace"]
        for rule in policy["spec"].get(rules_key) or []:
            peers = rule.get(peers_key)
            peer_ok = not peers or any(_peer_matches(rp, ns, other) for rp in peers)
            if peer_ok and _port_matches(rule.get("ports"), port, proto):
                return True
    return False


def allowed(policies: list[Obj], src: Peer, dst: Peer, port: int, proto: str = "TCP") -> bool:
    """May src open a connection to dst:port?"""
    egress = _selecting(policies, src, "Egress")
    if egress and not _direction_allows(egress, "Egress", dst, port, proto):
        return False
    ingress = _selecting(policies, dst, "Ingress")
    return not ingress or _direction_allows(ingress, "Ingress", src, port, proto)

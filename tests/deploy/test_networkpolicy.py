"""NetworkPolicies, checked for what they mean: only the gateway reaches the
services, each service reaches only its own pooler, the poolers only their
cluster. The policies are evaluated for every pair of pods the overlay runs."""

import copy
from typing import Any

import pytest

from .conftest import by_kind
from .support.netpol import Peer, allowed
from .support.paths import NAMESPACES, PROCESSES, SERVICES

Obj = dict[str, Any]


def ns_labels(namespace: str) -> dict[str, str]:
    return {"kubernetes.io/metadata.name": namespace}


def pods(objects: list[Obj], namespace: str) -> dict[str, Peer]:
    """Every pod the overlay runs, by a readable name, with the labels it gets."""
    out: dict[str, Peer] = {}
    nsl = ns_labels(namespace)
    for o in by_kind(objects, "Deployment") + by_kind(objects, "Job"):
        labels = o["spec"]["template"]["metadata"]["labels"]
        out[f"{o['kind'].lower()}/{o['metadata']['name']}"] = Peer(
            o["metadata"]["name"], namespace, labels, nsl
        )
    for pooler in by_kind(objects, "Pooler"):
        name = pooler["metadata"]["name"]
        labels = {
            **pooler["spec"].get("template", {}).get("metadata", {}).get("labels", {}),
            "cnpg.io/poolerName": name,
            "cnpg.io/cluster": pooler["spec"]["cluster"]["name"],
            "cnpg.io/podRole": "pooler",
        }
        out[f"pooler/{name}"] = Peer(name, namespace, labels, nsl)
    for cluster in by_kind(objects, "Cluster"):
        name = cluster["metadata"]["name"]
        labels = {"cnpg.io/cluster": name, "cnpg.io/podRole": "instance", "role": "primary"}
        out[f"postgres/{name}"] = Peer(name, namespace, labels, nsl)
    return out


def outsiders() -> dict[str, Peer]:
    return {
        "internet": Peer("internet", None),
        # a pod elsewhere that borrows the gateway's labels must not pass
        "impostor": Peer(
            "impostor",
            "elsewhere",
            {"app.kubernetes.io/name": "gateway", "app.kubernetes.io/component": "gateway"},
            ns_labels("elsewhere"),
        ),
        "prometheus": Peer("prometheus", "monitoring", {"app": "prometheus"}, ns_labels("monitoring")),
        "operator": Peer(
            "operator",
            "cnpg-system",
            {"app.kubernetes.io/name": "cloudnative-pg"},
            ns_labels("cnpg-system"),
        ),
    }


@pytest.fixture
def world(objects: list[Obj], overlay: str) -> tuple[list[Obj], dict[str, Peer], dict[str, Peer]]:
    namespace = NAMESPACES[overlay]
    return by_kind(objects, "NetworkPolicy"), pods(objects, namespace), outsiders()


# Processes of a service beside its API: they share its database (and so its pooler).
WORKERS = {"registry": {"deployment/registry-deliverer"}}


def service_pods(peers: dict[str, Peer], process: str) -> set[str]:
    return {f"deployment/{process}", f"job/{process}-migrate", *WORKERS.get(process, set())}


def test_the_pod_inventory_is_complete(world: Any) -> None:
    _, peers, _ = world
    assert len(peers) == 7 + 5 + 5 + 5  # deployments (redis, the deliverer too), jobs, poolers, clusters


def test_only_the_gateway_reaches_the_services(world: Any) -> None:
    policies, peers, outside = world
    for service in SERVICES:
        target = peers[f"deployment/{service}"]
        callers = {
            name for name, peer in {**peers, **outside}.items() if allowed(policies, peer, target, 8000)
        }
        assert callers == {"deployment/gateway"}, service
        # Prometheus scrapes /metrics on its own port (platform policy allow-metrics-scrape), only it.
        scrapers = {
            name for name, peer in {**peers, **outside}.items() if allowed(policies, peer, target, 9090)
        }
        assert scrapers == {"prometheus"}, service
        for port in (5432, 6379, 8080):
            assert not allowed(policies, peers["deployment/gateway"], target, port)


def test_the_gateway_is_the_public_entry(world: Any) -> None:
    policies, peers, outside = world
    gateway = peers["deployment/gateway"]
    assert allowed(policies, outside["internet"], gateway, 8000)
    assert not allowed(policies, outside["internet"], gateway, 9090)
    assert allowed(policies, outside["prometheus"], gateway, 9090)
    assert not allowed(policies, outside["internet"], gateway, 5432)
    for service in SERVICES:
        assert allowed(policies, gateway, peers[f"deployment/{service}"], 8000)


def test_each_service_reaches_only_its_own_pooler(world: Any) -> None:
    policies, peers, outside = world
    for pooler_process in PROCESSES:
        pooler = peers[f"pooler/{pooler_process}-db-pooler"]
        callers = {
            name for name, peer in {**peers, **outside}.items() if allowed(policies, peer, pooler, 5432)
        }
        assert callers == service_pods(peers, pooler_process), pooler_process


def test_no_application_reaches_postgres_directly(world: Any) -> None:
    policies, peers, outside = world
    for process in PROCESSES:
        instance = peers[f"postgres/{process}-db"]
        callers = {
            name for name, peer in {**peers, **outside}.items() if allowed(policies, peer, instance, 5432)
        }
        assert callers == {
            f"pooler/{process}-db-pooler",
            f"postgres/{process}-db",
            "operator",
        }, process


def test_applications_talk_to_nothing_else(world: Any) -> None:
    policies, peers, outside = world
    for process in PROCESSES:
        for source in service_pods(peers, process):
            reachable = {
                (name, port)
                for name, peer in {**peers, **outside}.items()
                for port in (443, 5432, 6379, 8000)
                if allowed(policies, peers[source], peer, port)
            }
            expected = {(f"pooler/{process}-db-pooler", 5432)}
            if source == "deployment/gateway":
                expected |= {(f"deployment/{s}", 8000) for s in SERVICES}
                expected |= {("deployment/redis", 6379)}
            elif process != "gateway":
                expected |= {("deployment/gateway", 8000)}
            if source == "deployment/registry-deliverer":
                # the subscribers' webhooks, outside (ipBlock: every outsider, by over-approximation)
                expected |= {(name, 443) for name in outside}
            # (the gateway's migration Job is no gateway: the services refuse it)
            assert reachable == expected, source


def test_redis_is_the_gateways_alone(world: Any) -> None:
    policies, peers, outside = world
    redis = peers["deployment/redis"]
    callers = {name for name, peer in {**peers, **outside}.items() if allowed(policies, peer, redis, 6379)}
    assert callers == {"deployment/gateway"}


def test_a_loose_policy_is_caught(world: Any) -> None:
    """The checks above can fail: an allow-all ingress policy breaks them."""
    policies, peers, _ = world
    loose = copy.deepcopy(policies[0])
    loose["metadata"]["name"] = "allow-all"
    loose["spec"] = {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{}]}
    funds, registry = peers["deployment/funds"], peers["deployment/registry"]
    assert not allowed(policies, funds, registry, 8000)
    # egress of funds still stops it...
    assert not allowed([*policies, loose], funds, registry, 8000)
    # ...but not the internet
    internet = Peer("internet", None)
    assert not allowed(policies, internet, registry, 8000)
    assert allowed([*policies, loose], internet, registry, 8000)


def test_each_pooler_reaches_only_its_own_cluster(world: Any) -> None:
    policies, peers, _ = world
    for process in PROCESSES:
        pooler = peers[f"pooler/{process}-db-pooler"]
        reachable = {
            name
            for name, peer in peers.items()
            if name.startswith("postgres/") and allowed(policies, pooler, peer, 5432)
        }
        assert reachable == {f"postgres/{process}-db"}
        # CloudNativePG's pods must keep their egress (the Kubernetes API): no
        # jichi-wide default-deny may select them
        assert "app.kubernetes.io/part-of" not in pooler.labels

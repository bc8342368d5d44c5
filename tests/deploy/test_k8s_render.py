"""Every overlay renders with kustomize and every object is valid for the
Kubernetes versions we target (strict schemas: unknown fields are errors)."""

import copy
from typing import Any

import pytest

from .conftest import by_kind
from .support import kustomize, schemas
from .support.paths import K8S, KUBERNETES_VERSIONS, NAMESPACES, PROCESSES

Obj = dict[str, Any]

EXPECTED_KINDS = {
    "Namespace": 1,
    "ServiceAccount": 5,
    "ConfigMap": 5,
    "NetworkPolicy": 21,  # the registry deliverer's egress to webhooks among them
    "Cluster": 5,
    "Pooler": 5,
    "Job": 5,
    "Deployment": 7,  # the registry deliverer among them
    "Service": 6,
    "HorizontalPodAutoscaler": 5,
    "PodDisruptionBudget": 5,
}
COMPONENTS = {
    "platform", "network-policy", "config", "database", "migration", "api", "gateway",
    "rate-limit-store", "deliverer",
}  # fmt: skip


def test_base_renders_on_its_own() -> None:
    objs = kustomize.render(K8S / "base")
    assert not by_kind(objs, "Namespace")
    assert all("namespace" not in o["metadata"] for o in objs)


def test_expected_objects(objects: list[Obj]) -> None:
    counts: dict[str, int] = {}
    for o in objects:
        counts[o["kind"]] = counts.get(o["kind"], 0) + 1
    assert counts == EXPECTED_KINDS
    names = [kustomize.key(o) for o in objects]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_object_is_valid(objects: list[Obj], version: str) -> None:
    problems = {kustomize.key(o): schemas.errors(o, version) for o in objects}
    assert {k: v for k, v in problems.items() if v} == {}


def test_the_packages_own_validator_agrees(objects: list[Obj]) -> None:
    """kubernetes_validate.validate (first error only) on the built-in kinds."""
    import kubernetes_validate

    for o in objects:
        if not o["apiVersion"].startswith("postgresql.cnpg.io/"):
            kubernetes_validate.validate(o, KUBERNETES_VERSIONS[0], strict=True)


def test_validation_can_fail(objects: list[Obj]) -> None:
    deployment = copy.deepcopy(by_kind(objects, "Deployment")[0])
    deployment["spec"]["template"]["spec"]["containers"][0]["securityContext"]["runAsNonroot"] = 1
    deployment["spec"]["replicas"] = "three"
    problems = schemas.errors(deployment, KUBERNETES_VERSIONS[0])
    assert any("runAsNonroot" in p for p in problems)
    assert any(p.startswith("spec.replicas") for p in problems)


def test_everything_lands_in_the_overlay_namespace(objects: list[Obj], overlay: str) -> None:
    namespace = NAMESPACES[overlay]
    for o in objects:
        if o["kind"] == "Namespace":
            assert o["metadata"]["name"] == namespace
            assert o["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
        else:
            assert o["metadata"]["namespace"] == namespace, kustomize.key(o)


def test_labels(objects: list[Obj]) -> None:
    for o in objects:
        labels = o["metadata"].get("labels", {})
        assert labels.get("app.kubernetes.io/part-of") == "jichi" or o["kind"] == "Namespace"
        assert labels.get("app.kubernetes.io/name"), kustomize.key(o)
        assert labels.get("app.kubernetes.io/component") in COMPONENTS, kustomize.key(o)
        template = o.get("spec", {}).get("template", {}).get("metadata", {}).get("labels")
        if o["kind"] in ("Deployment", "Job"):
            assert template["app.kubernetes.io/part-of"] == "jichi"
            assert template["app.kubernetes.io/name"] == labels["app.kubernetes.io/name"]


def test_no_secret_is_defined_only_referenced(objects: list[Obj]) -> None:
    assert by_kind(objects, "Secret") == []
    referenced: set[str] = set()
    for o in by_kind(objects, "Deployment") + by_kind(objects, "Job"):
        pod = o["spec"]["template"]["spec"]
        for c in pod.get("initContainers", []) + pod["containers"]:
            for var in c.get("env", []):
                if "value" in var:
                    lowered = var["name"].lower()
                    assert not any(w in lowered for w in ("secret", "password", "key")), var
                ref = var.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    referenced.add(ref["name"])
    expected = {f"{p}-secrets" for p in PROCESSES} | {f"{p}-db-app" for p in PROCESSES}
    assert referenced == expected
    for cm in by_kind(objects, "ConfigMap"):
        for k in cm["data"]:
            assert not any(w in k.lower() for w in ("secret", "password", "_key")), k


def test_images_are_tagged(objects: list[Obj], overlay: str) -> None:
    for o in by_kind(objects, "Deployment") + by_kind(objects, "Job"):
        pod = o["spec"]["template"]["spec"]
        for c in pod.get("initContainers", []) + pod["containers"]:
            name, _, tag = c["image"].rpartition(":")
            assert name, c["image"]
            assert tag not in ("", "latest"), c["image"]
            if name.startswith("jichi/"):
                assert tag == ("dev" if overlay == "development" else "0.1.0")

"""The application Deployments, their Services, autoscalers, disruption budgets
and migration Jobs, as rendered for each overlay."""

from typing import Any

import pytest

from .conftest import by_kind, one
from .support.paths import PROCESSES, migrate_command, serve_command

Obj = dict[str, Any]

CONTAINER_SECURITY = {
    "runAsNonRoot": True,
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}
TMP = "/tmp"  # noqa: S108 - the mount point under test, not a file we create
HPA_RANGE = {"development": (1, 2), "production": (3, 20)}


def component(process: str) -> str:
    return "gateway" if process == "gateway" else "api"


def pod_labels(process: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": process, "app.kubernetes.io/component": component(process)}


def containers(obj: Obj) -> list[Obj]:
    pod = obj["spec"]["template"]["spec"]
    result: list[Obj] = pod.get("initContainers", []) + pod["containers"]
    return result


def assert_hardened(obj: Obj) -> None:
    pod = obj["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    volumes = {v["name"]: v for v in pod["volumes"]}
    for c in containers(obj):
        for k, v in CONTAINER_SECURITY.items():
            assert c["securityContext"][k] == v, (c["name"], k)
        assert c["securityContext"]["runAsUser"] >= 1000
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
        assert "emptyDir" in volumes[mounts[TMP]], "the writable /tmp is an emptyDir"
        for kind in ("requests", "limits"):
            assert set(c["resources"][kind]) == {"cpu", "memory"}, (c["name"], kind)


def database_env(container: Obj, process: str) -> None:
    env = {e["name"]: e for e in container["env"]}
    url = env[f"{process.upper()}_DATABASE_URL"]["value"]
    assert url == (f"postgresql+asyncpg://$(DB_USER):$(DB_PASSWORD)@{process}-db-pooler:5432/{process}")
    names = list(env)
    assert names.index("DB_USER") < names.index(f"{process.upper()}_DATABASE_URL")
    assert env["DB_USER"]["valueFrom"]["secretKeyRef"] == {
        "name": f"{process}-db-app",
        "key": "username",
    }
    assert container["envFrom"][0]["configMapRef"]["name"].startswith(f"{process}-config-")


@pytest.mark.parametrize("process", PROCESSES)
def test_deployment(objects: list[Obj], process: str) -> None:
    dep = one(objects, "Deployment", process)
    spec = dep["spec"]
    assert "replicas" not in spec, "the autoscaler owns the replica count"
    assert spec["selector"]["matchLabels"] == pod_labels(process)
    assert_hardened(dep)
    pod = spec["template"]["spec"]
    assert pod["serviceAccountName"] == process
    (app,) = pod["containers"]
    assert app["name"] == "app"
    assert app["image"].startswith(f"jichi/{process}:")
    assert app["command"] == serve_command(process)
    assert "--workers" not in app["command"]
    assert "args" not in app
    assert app["ports"] == [
        {"name": "http", "containerPort": 8000, "protocol": "TCP"},
        {"name": "metrics", "containerPort": 9090, "protocol": "TCP"},
    ]
    assert app["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert app["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert app["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    startup = app["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 30
    database_env(app, process)
    (init,) = pod["initContainers"]
    assert init["command"] == migrate_command(process)
    assert init["image"] == app["image"]
    assert init["env"] == app["env"]


@pytest.mark.parametrize("process", PROCESSES)
def test_metrics_are_served_on_their_own_port(objects: list[Obj], process: str) -> None:
    """The process serves /metrics on 9090 only (not on the API's port, the gateway's is public);
    Prometheus scrapes the pods there, and no Service routes to it."""
    dep = one(objects, "Deployment", process)
    (app,) = dep["spec"]["template"]["spec"]["containers"]
    ports = {port["name"]: port["containerPort"] for port in app["ports"]}
    assert ports["metrics"] != ports["http"]
    (config,) = [
        obj
        for obj in objects
        if obj["kind"] == "ConfigMap" and obj["metadata"]["name"].startswith(f"{process}-config-")
    ]
    assert config["data"][f"{process.upper()}_METRICS_PORT"] == str(ports["metrics"])
    annotations = dep["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(ports["metrics"])
    assert annotations["prometheus.io/path"] == "/metrics"
    service = one(objects, "Service", process)
    assert [port["targetPort"] for port in service["spec"]["ports"]] == ["http"]


@pytest.mark.parametrize("process", PROCESSES)
def test_service_autoscaler_and_budget(objects: list[Obj], overlay: str, process: str) -> None:
    svc = one(objects, "Service", process)
    assert svc["spec"]["selector"] == pod_labels(process)
    assert svc["spec"]["ports"] == [{"name": "http", "port": 8000, "targetPort": "http", "protocol": "TCP"}]
    hpa = one(objects, "HorizontalPodAutoscaler", process)
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": process,
    }
    low, high = HPA_RANGE[overlay]
    if overlay == "production" and process == "registry":
        high = 30
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (low, high)
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    pdb = one(objects, "PodDisruptionBudget", process)
    assert pdb["spec"]["selector"]["matchLabels"] == pod_labels(process)
    assert pdb["spec"]["maxUnavailable"] == 1


@pytest.mark.parametrize("process", PROCESSES)
def test_migration_job(objects: list[Obj], process: str) -> None:
    job = one(objects, "Job", f"{process}-migrate")
    assert job["metadata"]["labels"]["app.kubernetes.io/component"] == "migration"
    spec = job["spec"]
    assert 0 < spec["ttlSecondsAfterFinished"] <= 3600
    assert spec["backoffLimit"] >= 1
    assert spec["template"]["spec"]["restartPolicy"] == "Never"
    assert_hardened(job)
    (container,) = spec["template"]["spec"]["containers"]
    assert container["command"] == migrate_command(process)
    database_env(container, process)
    dep = one(objects, "Deployment", process)
    assert container["image"] == dep["spec"]["template"]["spec"]["containers"][0]["image"]
    # not an endpoint of the Service
    assert (
        job["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]
        != (one(objects, "Service", process)["spec"]["selector"]["app.kubernetes.io/component"])
    )


@pytest.mark.parametrize("process", PROCESSES)
def test_configuration(objects: list[Obj], overlay: str, process: str) -> None:
    (cm,) = [c for c in by_kind(objects, "ConfigMap") if c["metadata"]["name"].startswith(f"{process}-")]
    data = cm["data"]
    prefix = process.upper()
    assert data[f"{prefix}_DB_STATEMENT_CACHE_SIZE"] == "0"
    assert data[f"{prefix}_LOG_LEVEL"] == ("DEBUG" if overlay == "development" else "INFO")
    if process == "gateway":
        assert data["GATEWAY_REDIS_URL"] == "redis://redis:6379/0"
        for upstream in PROCESSES[1:]:
            assert data[f"GATEWAY_{upstream.upper()}_URL"] == f"http://{upstream}:8000"
        assert data["GATEWAY_ISSUER"].startswith("https://" if overlay == "production" else "http")
    else:
        assert data[f"{prefix}_JWKS_URL"] == "http://gateway:8000/.well-known/jwks.json"
        assert data[f"{prefix}_REVOCATIONS_URL"] == "http://gateway:8000/.well-known/revocations.json"


def test_application_resources_per_overlay(objects: list[Obj], overlay: str) -> None:
    cpu_limit = {"development": "500m", "production": "1"}[overlay]
    for process in PROCESSES:
        app = one(objects, "Deployment", process)["spec"]["template"]["spec"]["containers"][0]
        assert app["resources"]["limits"]["cpu"] == cpu_limit


def test_rollout_phases_are_selectable(objects: list[Obj]) -> None:
    """deploy/README.md applies labels in phases: prerequisites, migrations, the rest.
    Everything a migration Job needs must be in the first phase."""
    first = {"platform", "network-policy", "config", "database"}

    def phase_one(kind: str, name: str) -> bool:
        matches = [
            o
            for o in objects
            if o["kind"] == kind
            and (o["metadata"]["name"] == name or o["metadata"]["name"].startswith(name + "-"))
        ]
        return bool(matches) and all(
            o["metadata"]["labels"]["app.kubernetes.io/component"] in first for o in matches
        )

    for job in by_kind(objects, "Job"):
        pod = job["spec"]["template"]["spec"]
        process = job["metadata"]["labels"]["app.kubernetes.io/name"]
        assert phase_one("ServiceAccount", pod["serviceAccountName"])
        assert phase_one("ConfigMap", f"{process}-config")
        assert phase_one("Cluster", f"{process}-db")
        assert phase_one("Pooler", f"{process}-db-pooler")
        assert phase_one("NetworkPolicy", process)
    for kind in ("NetworkPolicy", "Cluster", "Pooler", "ServiceAccount", "ConfigMap", "Namespace"):
        for o in by_kind(objects, kind):
            assert o["metadata"]["labels"]["app.kubernetes.io/component"] in first
    for kind in ("Deployment", "Job", "HorizontalPodAutoscaler"):
        for o in by_kind(objects, kind):
            assert o["metadata"]["labels"]["app.kubernetes.io/component"] not in first

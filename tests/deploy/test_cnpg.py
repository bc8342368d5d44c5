"""PostgreSQL through CloudNativePG: a Cluster and a transaction-mode Pooler per
process, sized per overlay, checked against the vendored schema subset and the
operator's admission rules these manifests rely on."""

import copy
from typing import Any

import pytest

from .conftest import by_kind, one
from .support import schemas
from .support.paths import KUBERNETES_VERSIONS, PROCESSES

Obj = dict[str, Any]

INSTANCES = {"development": 1, "production": 3}
POOLERS = {"development": 1, "production": 3}
# The operator's admission webhook accepts only these PgBouncer parameters (the
# list of CloudNativePG 1.x; newer releases accept more).
PGBOUNCER_PARAMETERS = {
    "application_name_add_host", "autodb_idle_timeout", "client_idle_timeout",
    "client_login_timeout", "default_pool_size", "disable_pqexec", "idle_transaction_timeout",
    "ignore_startup_parameters", "log_connections", "log_disconnections", "log_pooler_errors",
    "log_stats", "max_client_conn", "max_db_connections", "max_user_connections",
    "min_pool_size", "query_timeout", "query_wait_timeout", "reserve_pool_size",
    "reserve_pool_timeout", "server_check_delay", "server_check_query",
    "server_connect_timeout", "server_fast_close", "server_idle_timeout", "server_lifetime",
    "server_login_retry", "server_reset_query", "server_reset_query_always",
    "server_round_robin", "stats_period", "verbose",
}  # fmt: skip


def test_subsets_are_labelled_as_such() -> None:
    for kind in ("Cluster", "Pooler"):
        path = schemas.CRD_DIR / f"postgresql.cnpg.io_v1_{kind.lower()}.subset.yaml"
        assert path.read_text().startswith("# SUBSET of the openAPIV3Schema")
        assert schemas.crd_subset(kind)["kind"] == kind
    readme = (schemas.CRD_DIR / "README.md").read_text()
    assert "SUBSET" in readme
    assert "not the operator's CRDs" in readme


@pytest.mark.parametrize("process", PROCESSES)
def test_cluster(objects: list[Obj], overlay: str, process: str) -> None:
    cluster = one(objects, "Cluster", f"{process}-db")
    spec = cluster["spec"]
    assert spec["instances"] == INSTANCES[overlay]
    assert spec["bootstrap"]["initdb"]["database"] == process
    assert spec["bootstrap"]["initdb"]["owner"] == process
    assert "secret" not in spec["bootstrap"]["initdb"], "the operator generates the credentials"
    assert spec["enableSuperuserAccess"] is False
    assert spec["imageName"].startswith("ghcr.io/cloudnative-pg/postgresql:")
    assert spec["imageName"].rpartition(":")[2][0].isdigit()
    # the webhook's rule: fewer synchronous standbys than instances
    assert spec.get("maxSyncReplicas", 0) < spec["instances"]
    assert spec.get("minSyncReplicas", 0) <= spec.get("maxSyncReplicas", 0)
    if overlay == "production":
        assert spec["minSyncReplicas"] == 1
        assert spec["affinity"]["podAntiAffinityType"] == "required"
        assert "walStorage" in spec
    resources = spec["resources"]
    assert resources["requests"]["memory"] == resources["limits"]["memory"]


@pytest.mark.parametrize("process", PROCESSES)
def test_pooler(objects: list[Obj], overlay: str, process: str) -> None:
    pooler = one(objects, "Pooler", f"{process}-db-pooler")
    spec = pooler["spec"]
    assert spec["cluster"]["name"] == f"{process}-db"
    assert pooler["metadata"]["name"] not in {c["metadata"]["name"] for c in by_kind(objects, "Cluster")}
    assert spec["type"] == "rw"
    assert spec["instances"] == POOLERS[overlay]
    assert spec["pgbouncer"]["poolMode"] == "transaction"
    assert set(spec["pgbouncer"]["parameters"]) <= PGBOUNCER_PARAMETERS
    assert all(isinstance(v, str) for v in spec["pgbouncer"]["parameters"].values())
    (container,) = spec["template"]["spec"]["containers"]
    assert container["name"] == "pgbouncer"
    assert set(container["resources"]) == {"requests", "limits"}


def test_connection_budget_fits_postgres(objects: list[Obj]) -> None:
    """All PgBouncers of a pooler together open fewer server connections than the
    database accepts, leaving room for the operator and a superuser."""
    for pooler in by_kind(objects, "Pooler"):
        cluster = one(objects, "Cluster", pooler["spec"]["cluster"]["name"])
        max_connections = int(cluster["spec"]["postgresql"]["parameters"]["max_connections"])
        per_bouncer = int(pooler["spec"]["pgbouncer"]["parameters"]["max_db_connections"])
        assert pooler["spec"]["instances"] * per_bouncer <= max_connections - 20


@pytest.mark.parametrize(
    ("kind", "mutate", "expected"),
    [
        ("Cluster", lambda s: s.update(instances=0), "minimum"),
        ("Cluster", lambda s: s.update(primaryUpdateStrategy="automatic"), "is not one of"),
        ("Cluster", lambda s: s["storage"].update(sise="1Gi"), "sise"),
        ("Cluster", lambda s: s["resources"]["limits"].update(cpu=[1]), "resources"),
        ("Pooler", lambda s: s["pgbouncer"].update(poolMode="statement"), "is not one of"),
        ("Pooler", lambda s: s.pop("cluster"), "'cluster' is a required property"),
        ("Pooler", lambda s: s["template"]["spec"].pop("containers"), "containers"),
        ("Pooler", lambda s: s["pgbouncer"]["parameters"].update(max_client_conn=1000), "string"),
    ],
)
def test_schema_subset_rejects(objects: list[Obj], kind: str, mutate: Any, expected: str) -> None:
    obj = copy.deepcopy(by_kind(objects, kind)[0])
    mutate(obj["spec"])
    problems = schemas.errors(obj, KUBERNETES_VERSIONS[-1])
    assert any(expected in p for p in problems), problems

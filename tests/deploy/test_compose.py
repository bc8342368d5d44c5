"""deploy/compose.yaml: the Compose Specification schema, then the essentials."""

import configparser
import copy
import json
import re
from functools import cache
from typing import Any

import jsonschema
import pytest
import yaml

from .support import compose_env
from .support.paths import DEPLOY, PROCESSES, SERVICES, migrate_command, serve_command

COMPOSE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / ".env.example"
SCHEMA = DEPLOY / "schemas" / "compose-spec.json"
SECRET_NAME = re.compile(r"PASSWORD|SECRET|_KEY$")

Obj = dict[str, Any]


@cache
def raw() -> Obj:
    doc: Obj = yaml.safe_load(COMPOSE.read_text())
    return doc


def example_env() -> dict[str, str]:
    """The .env.example values, with every empty secret given a placeholder."""
    values, _ = compose_env.parse_env_file(ENV_EXAMPLE.read_text())
    return {k: v or f"test-{k.lower()}" for k, v in values.items()}


@cache
def compose() -> Obj:
    doc: Obj = compose_env.interpolate(raw(), example_env())
    return doc


def services() -> Obj:
    svcs: Obj = compose()["services"]
    return svcs


def schema_errors(doc: Obj) -> list[str]:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(doc)]


def test_vendored_schema_is_the_compose_specification() -> None:
    schema = json.loads(SCHEMA.read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "Compose Specification"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_file_is_valid_before_and_after_interpolation() -> None:
    assert schema_errors(raw()) == []
    assert schema_errors(compose()) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("services", "registry", "depends_on", "registry-migrate", "condition"), "finished"),
        (("services", "registry", "healthcheck", "interval"), ["10s"]),
        (("services", "registry", "restart_policy"), "always"),
        (("services", "gateway", "ports"), "8000:8000"),
    ],
)
def test_schema_rejects_a_broken_file(path: tuple[str, ...], value: object) -> None:
    doc = copy.deepcopy(compose())
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    assert schema_errors(doc) != []


def test_every_variable_is_documented_in_env_example() -> None:
    used = compose_env.variables(COMPOSE.read_text())
    values, comments = compose_env.parse_env_file(ENV_EXAMPLE.read_text())
    assert used == set(values), used ^ set(values)
    undocumented = [k for k, c in comments.items() if len(c) < 15]
    assert undocumented == []


def test_env_example_commits_no_secret() -> None:
    values, _ = compose_env.parse_env_file(ENV_EXAMPLE.read_text())
    secrets = {k: v for k, v in values.items() if SECRET_NAME.search(k)}
    assert len(secrets) >= 12
    assert all(v == "" for v in secrets.values()), secrets
    with pytest.raises(compose_env.MissingVariableError):
        compose_env.interpolate(raw(), values)  # Compose refuses to start without them
    ignored = (DEPLOY / ".gitignore").read_text().splitlines()
    assert ".env" in ignored


def test_the_expected_containers() -> None:
    expected = {"postgres", "pgbouncer", "redis", *PROCESSES, *(f"{p}-migrate" for p in PROCESSES)}
    assert set(services()) == expected | {"registry-deliverer"}


def test_the_registry_deliverer() -> None:
    """Its own process on the registry's image and settings: the outbox in, the webhooks out."""
    svc, registry = services()["registry-deliverer"], services()["registry"]
    assert svc["command"] == ["python", "-m", "services.registry", "deliver"]
    assert svc["image"] == registry["image"]
    assert svc["environment"] == registry["environment"]
    assert svc["depends_on"] == {"registry-migrate": {"condition": "service_completed_successfully"}}
    assert set(svc["networks"]) == {"edge", "data"}
    assert svc["read_only"] is True
    assert svc["cap_drop"] == ["ALL"]
    for key in ("REGISTRY_PSEUDONYM_KEY", "REGISTRY_WEBHOOK_SECRET_KEY"):
        assert key in registry["environment"]


@pytest.mark.parametrize("process", PROCESSES)
def test_application(process: str) -> None:
    svc = services()[process]
    prefix = process.upper()
    assert svc["command"] == serve_command(process)
    assert svc["image"] == f"jichi/{process}:dev"
    assert svc["build"]["args"]["SERVICE"] == process
    assert svc["build"]["dockerfile"] == "deploy/docker/Dockerfile"
    assert svc["depends_on"][f"{process}-migrate"] == {"condition": "service_completed_successfully"}
    check = svc["healthcheck"]["test"]
    assert check[:2] == ["CMD", "python"]
    assert "/healthz" in check[-1]
    assert svc["user"] == "10001:10001"
    assert svc["read_only"] is True
    assert svc["cap_drop"] == ["ALL"]
    env = svc["environment"]
    assert env[f"{prefix}_DATABASE_URL"].startswith(f"postgresql+asyncpg://{process}:")
    assert env[f"{prefix}_DATABASE_URL"].endswith(f"@pgbouncer:6432/{process}")
    assert env[f"{prefix}_DB_STATEMENT_CACHE_SIZE"] == "0"
    assert f"{prefix}_LOG_LEVEL" in env
    # /metrics on its own port, published nowhere (only the gateway's API port is).
    assert env[f"{prefix}_METRICS_PORT"] == "9090"
    assert f"{prefix}_PAGE_TOKEN_SECRET" in env
    if process == "gateway":
        for upstream in SERVICES:
            assert env[f"GATEWAY_{upstream.upper()}_URL"] == f"http://{upstream}:8000"
        assert env["GATEWAY_REDIS_URL"] == "redis://redis:6379/0"
        assert env["GATEWAY_ISSUER"]
        assert "GATEWAY_KEY_ENCRYPTION_SECRET" in env
        assert svc["depends_on"]["redis"] == {"condition": "service_healthy"}
    else:
        assert env[f"{prefix}_JWKS_URL"] == "http://gateway:8000/.well-known/jwks.json"
        assert env[f"{prefix}_REVOCATIONS_URL"] == "http://gateway:8000/.well-known/revocations.json"
    if process == "registry":
        assert "REGISTRY_IDENTITY_KEY" in env


@pytest.mark.parametrize("process", PROCESSES)
def test_migration(process: str) -> None:
    job = services()[f"{process}-migrate"]
    app = services()[process]
    assert job["command"] == migrate_command(process)
    assert job["image"] == app["image"]
    assert job["restart"] == "no"
    assert job["environment"] == app["environment"]
    assert job["depends_on"] == {"pgbouncer": {"condition": "service_healthy"}}
    assert job["networks"] == ["data"]


def test_only_the_gateway_is_published() -> None:
    published = {name for name, svc in services().items() if svc.get("ports")}
    assert published == {"gateway"}
    assert services()["gateway"]["ports"] == ["127.0.0.1:8000:8000"]


def test_networks_separate_the_tiers() -> None:
    nets = {name: set(svc.get("networks", [])) for name, svc in services().items()}
    assert nets["postgres"] == {"data"}
    assert nets["pgbouncer"] == {"data"}
    assert nets["redis"] == {"backend"}
    assert nets["gateway"] == {"edge", "backend", "data"}
    for process in SERVICES:
        assert nets[process] == {"backend", "data"}
    assert compose()["networks"]["data"]["internal"] is True
    assert compose()["networks"]["backend"]["internal"] is True


def test_infrastructure_is_pinned_and_healthchecked() -> None:
    for name in ("postgres", "pgbouncer", "redis"):
        svc = services()[name]
        assert re.fullmatch(r"[\w./-]+:\d+\.\d+(\.\d+)?(-[a-z]+)?", svc["image"]), svc["image"]
        assert svc["healthcheck"]["test"][0] == "CMD"
    assert services()["pgbouncer"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}


def test_pgbouncer_pools_per_transaction_for_every_database() -> None:
    ini = configparser.ConfigParser(interpolation=None)
    ini.read_string((DEPLOY / "compose" / "pgbouncer" / "pgbouncer.ini").read_text())
    assert ini["pgbouncer"]["pool_mode"] == "transaction"
    assert ini["pgbouncer"]["auth_type"] == "scram-sha-256"
    assert ini["pgbouncer"]["listen_port"] == "6432"
    assert set(ini["databases"]) == set(PROCESSES)
    for process in PROCESSES:
        assert ini["databases"][process] == f"host=postgres port=5432 dbname={process}"
    # the server-connection budget stays under PostgreSQL's max_connections
    budget = len(PROCESSES) * int(ini["pgbouncer"]["max_db_connections"])
    assert budget < 200
    assert "max_connections=200" in services()["postgres"]["command"]


def test_init_script_creates_one_database_and_role_per_process() -> None:
    sql = (DEPLOY / "compose" / "postgres" / "initdb.sql").read_text()
    for process in PROCESSES:
        assert f"CREATE ROLE {process} LOGIN PASSWORD :'{process}_password';" in sql
        assert f"CREATE DATABASE {process} OWNER {process}" in sql
        assert f"\\getenv {process}_password {process.upper()}_DB_PASSWORD" in sql
        assert f"\\connect {process}\n" in sql
        assert process.upper() + "_DB_PASSWORD" in services()["postgres"]["environment"]
    assert not re.search(r"PASSWORD\s+'", sql), "no literal password in the script"
    mounts = services()["postgres"]["volumes"]
    assert "./compose/postgres/initdb.sql:/docker-entrypoint-initdb.d/10-jichi.sql:ro" in mounts

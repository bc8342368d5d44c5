"""Kubernetes JSON schemas from the kubernetes-validate package, and the
CloudNativePG subset schemas of deploy/k8s/crds, both checked offline."""

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource

from .paths import K8S

Obj = dict[str, Any]
DEFINITIONS_URI = "https://kubernetes.io/api/_definitions.json"
CRD_DIR = K8S / "crds"


def _schema_root() -> Path:
    import kubernetes_validate

    return Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"


@cache
def schema_dir(version: str) -> Path:
    """The strict schema folder for a Kubernetes minor version, e.g. '1.31'."""
    candidates = sorted(
        p
        for p in _schema_root().iterdir()
        if re.fullmatch(rf"v{re.escape(version)}\.\d+-local-strict", p.name)
    )
    if not candidates:
        raise LookupError(f"kubernetes-validate has no schemas for Kubernetes {version}")
    return candidates[-1]


@cache
def _registry(version: str) -> Registry:
    definitions = json.loads((schema_dir(version) / "_definitions.json").read_text())
    return Resource.from_contents(definitions) @ Registry()


def _format_errors(errors: list[jsonschema.ValidationError]) -> list[str]:
    out = []
    for err in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        where = ".".join(str(p) for p in err.absolute_path) or "<root>"
        out.append(f"{where}: {err.message[:300]}")
    return out


@cache
def _resource_schema(version: str, kind: str, api_version: str) -> Obj:
    # rbac.authorization.k8s.io/v1 -> rbac-v1, apps/v1 -> apps-v1, v1 -> v1
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    path = schema_dir(version) / f"{kind.lower()}-{group_version}.json"
    if not path.exists():
        raise LookupError(f"no schema for {api_version} {kind} in Kubernetes {version}")
    schema: Obj = json.loads(path.read_text())
    return schema


def kubernetes_errors(obj: Obj, version: str) -> list[str]:
    """Errors of a built-in object against the strict schema of that version."""
    schema = _resource_schema(version, obj["kind"], obj["apiVersion"])
    validator = jsonschema.Draft202012Validator(schema, registry=_registry(version))
    return _format_errors(list(validator.iter_errors(obj)))


def definition_ref(name: str) -> Obj:
    return {"$ref": f"{DEFINITIONS_URI}#/$defs/{name}"}


# -- CloudNativePG ---------------------------------------------------------------


@cache
def crd_subset(kind: str) -> Obj:
    path = CRD_DIR / f"postgresql.cnpg.io_v1_{kind.lower()}.subset.yaml"
    doc: Obj = yaml.safe_load(path.read_text())
    return doc


def openapi_to_json_schema(node: Obj) -> Obj:
    """A CRD's structural openAPIV3Schema as a JSON schema, with unknown fields
    rejected (strict field validation) and core types referenced by name."""
    if name := node.get("x-jichi-kubernetes-type"):
        return definition_ref(name)
    out: Obj = {}
    for word in ("type", "enum", "minimum", "maximum", "required", "pattern", "default"):
        if word in node:
            out[word] = node[word]
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if "items" in node:
        out["items"] = openapi_to_json_schema(node["items"])
    if "properties" in node:
        out["properties"] = {k: openapi_to_json_schema(v) for k, v in node["properties"].items()}
    additional = node.get("additionalProperties")
    if isinstance(additional, dict):
        out["additionalProperties"] = openapi_to_json_schema(additional)
    elif "properties" in node and not node.get("x-kubernetes-preserve-unknown-fields"):
        out["additionalProperties"] = False
    return out


def cnpg_errors(obj: Obj, version: str) -> list[str]:
    subset = crd_subset(obj["kind"])
    if obj["apiVersion"] != f"{subset['group']}/{subset['version']}":
        return [f"apiVersion {obj['apiVersion']} is not {subset['group']}/{subset['version']}"]
    schema = openapi_to_json_schema(subset["openAPIV3Schema"])
    validator = jsonschema.Draft202012Validator(schema, registry=_registry(version))
    return _format_errors(list(validator.iter_errors(obj)))


def errors(obj: Obj, version: str) -> list[str]:
    if obj["apiVersion"].startswith("postgresql.cnpg.io/"):
        return cnpg_errors(obj, version)
    return kubernetes_errors(obj, version)

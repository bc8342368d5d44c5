"""Render a kustomization with a real kustomize, without a cluster.

The machine image carries kubectl (with kustomize built in, `kubectl kustomize`);
a standalone `kustomize` binary is preferred when present. Neither talks to a
cluster for rendering: KUBECONFIG points at an empty file to make sure of it.
"""

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

Obj = dict[str, Any]


class RendererMissingError(RuntimeError):
    pass


def renderer() -> list[str]:
    if exe := shutil.which("kustomize"):
        return [exe, "build", "--load-restrictor", "LoadRestrictionsRootOnly"]
    if exe := shutil.which("kubectl"):
        return [exe, "kustomize"]
    raise RendererMissingError(
        "neither `kustomize` nor `kubectl` is on PATH; install the Debian package "
        "`kubectl` (Google Cloud SDK repository, as on the project's machines) or a "
        "kustomize binary to render deploy/k8s"
    )


def render(path: Path) -> list[Obj]:
    env = {**os.environ, "KUBECONFIG": os.devnull}
    proc = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [*renderer(), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    if proc.returncode != 0:
        raise AssertionError(f"kustomize failed on {path}:\n{proc.stderr}")
    return [doc for doc in yaml.safe_load_all(proc.stdout) if doc]


def key(obj: Obj) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"

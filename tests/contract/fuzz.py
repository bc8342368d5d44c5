"""`make fuzz`: contract-fuzz every service's OpenAPI with schemathesis against the running platform.

The platform starts as in `make run` but in a temporary folder with its own SQLite databases
and ports, with a client holding every scope (rate limit lifted), and each service's document
is fuzzed through the gateway with a bounded number of examples. Checks: no 5xx, and every
response conforms to its documented schema, status code and content type.

`make fuzz-deep` (not in CI) runs the same with many more examples and with the edge cases of
`tests.contract.edge_cases` swapped into generated requests (SCHEMATHESIS_HOOKS).
"""

from __future__ import annotations

import asyncio
import codecs
import os
import re
import sys
import tempfile
from pathlib import Path

from deploy.local.platform import PROCESSES, ROOT, SERVICES, LocalPlatform, token_for
from shared.auth.scopes import SCOPES
from tests.support.servers import free_port

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
MAX_EXAMPLES = os.environ.get("FUZZ_MAX_EXAMPLES", "25")


async def fuzz(selected: tuple[str, ...]) -> int:
    with tempfile.TemporaryDirectory(prefix="jichi-fuzz-") as folder:
        log_path = Path(folder) / "platform.log"
        with log_path.open("w") as log:
            platform = LocalPlatform(
                var_dir=Path(folder), ports={name: free_port() for name in PROCESSES}, log=log
            )
            await platform.migrate()
            await platform.ensure_service_clients()
            fuzzer = await platform.ensure_client("fuzzer", " ".join(SCOPES), rate_limit=1_000_000)
            await platform.start()
            try:
                if not await platform.wait_ready():
                    print(log_path.read_text())  # noqa: T201
                    return 1
                token = await token_for(platform, fuzzer)
                runs = {name: await run_schemathesis(platform, name, token) for name in selected}
            finally:
                await platform.stop()
        reports = {name: report for name, (report, _) in runs.items()}
        print(f"\ntest cases generated: {sum(generated for _, generated in runs.values())}")  # noqa: T201
        failures = {name: report for name, report in reports.items() if report is not None}
        if failures:
            # CI shows only the end of the output: the platform's log first, then what failed,
            # each service's errors and failures last, with their exception's own line at the end.
            print("platform log tail:\n" + "".join(log_path.read_text().splitlines(True)[-80:]))  # noqa: T201
            print(f"contract fuzzing failed for: {', '.join(failures)}")  # noqa: T201
            for name, report in failures.items():
                print(f"\n-- {name} failures --\n{report}")  # noqa: T201
            return 1
    print(f"contract fuzzing passed: {', '.join(selected)}")  # noqa: T201
    return 0


async def run_schemathesis(platform: LocalPlatform, service: str, token: str) -> tuple[str | None, int]:
    """Runs schemathesis, echoing its output; returns its failure report (None when it passed)
    and the number of test cases it generated."""
    print(f"\n-- {service} --", flush=True)  # noqa: T201
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "st"),
        "run",
        f"{platform.gateway_url}/{service}/openapi.json",
        "--url",
        platform.gateway_url,
        "--header",
        f"Authorization: Bearer {token}",
        "--header",
        "X-Purpose: contract fuzzing",
        "--checks",
        CHECKS,
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        "20261127",
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "--warnings",
        "off",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdout is not None
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    received: list[str] = []
    while chunk := await process.stdout.read(65_536):  # progress lines can be long: no readline
        received.append(decoder.decode(chunk))
        sys.stdout.write(received[-1])
        sys.stdout.flush()
    output = "".join(received)
    if await process.wait() == 0:
        return None, generated_cases(output)
    return failure_details(output.splitlines(keepends=True))[-6000:], generated_cases(output)


def generated_cases(output: str) -> int:
    """The count in schemathesis's summary line `N generated, ...`; 0 when it has none."""
    found = re.search(r"(\d+) generated", output)
    return int(found.group(1)) if found else 0


def failure_details(output: list[str]) -> str:
    """Schemathesis's FAILURES and ERRORS sections without its summary and advice, which a CI
    tail would show instead of them; the summary itself when there are no such sections."""
    sections = {
        marker: index
        for index, line in enumerate(output)
        for marker in ("FAILURES", "ERRORS", "SUMMARY")
        if marker in line and line.lstrip().startswith("=")
    }
    summary = sections.get("SUMMARY", len(output))
    start = min(sections.get("FAILURES", summary), sections.get("ERRORS", summary))
    if start == summary:
        return "".join(output[summary:] or output[-60:])
    return "".join(line for line in output[start:summary] if not _is_advice(line))


def _is_advice(line: str) -> bool:
    return "Need more help?" in line or "Join our Discord" in line


if __name__ == "__main__":
    raise SystemExit(asyncio.run(fuzz(tuple(sys.argv[1:]) or SERVICES)))

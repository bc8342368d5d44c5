"""The platform as local processes: migrate, create clients, start, wait until ready, stop.

Used by `make run` (on the embedded SQLite databases), by the contract fuzzing and by the
benchmarks (on PostgreSQL), so that all three start the platform the same way.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

import httpx

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("registry", "elections", "funds", "revitalization")
PROCESSES = ("gateway", *SERVICES)
# Processes beside the servers: they serve no HTTP (no port) and share a service's database.
WORKERS = ("registry-deliverer",)
DEFAULT_PORTS = {"gateway": 8000, "registry": 8001, "elections": 8002, "funds": 8003, "revitalization": 8004}
# Every service (not the gateway) serves HTTP this way, here as in the image and the manifests.
HTTP_PROTOCOL = "shared.web.server:HttpProtocol"
COLOURS = {
    "gateway": 36,
    "registry": 32,
    "elections": 33,
    "funds": 35,
    "revitalization": 34,
    "registry-deliverer": 92,
}

# What each service may do when it calls another through the gateway.
SERVICE_CLIENT_SCOPES = {
    "elections": (
        "registry:read registry:address registry:history registry:feed registry:protected registry:log"
    ),
    "funds": "elections:read",
    "revitalization": "registry:read registry:address registry:history",
}


def serve_command(name: str, *, host: str, port: int) -> list[str]:
    """The arguments to `python` that serve one process, as the image and the manifests do."""
    if name == "registry-deliverer":
        # Pushes subscriptions' events to their webhooks from the outbox, apart from the API.
        return ["-m", "services.registry", "deliver"]
    if name == "gateway":
        # The public door runs on granian with its bounds from GATEWAY_* (services/gateway/server.py).
        return ["-m", "services.gateway", "serve", "--host", host, "--port", str(port)]
    command = ["-m", "uvicorn", f"services.{name}.app:create_app", "--factory"]
    command += ["--host", host, "--port", str(port)]
    return [*command, "--no-access-log", "--timeout-keep-alive", "30", "--http", HTTP_PROTOCOL]


def configured_ports() -> dict[str, int]:
    return {name: int(os.environ.get(f"{name.upper()}_PORT", port)) for name, port in DEFAULT_PORTS.items()}


class LocalPlatform:
    def __init__(
        self,
        *,
        var_dir: Path,
        ports: Mapping[str, int],
        database_urls: Mapping[str, str] | None = None,
        extra_env: Mapping[str, str] | None = None,
        log: TextIO | None = sys.stdout,
        log_dir: Path | None = None,
    ) -> None:
        self.var_dir = var_dir
        self.ports = dict(ports)
        self.credentials_file = var_dir / "local-credentials.json"
        self.log = log
        self.log_dir = log_dir
        self.processes: dict[str, asyncio.subprocess.Process] = {}
        self._relays: set[asyncio.Task[None]] = set()
        self.env = self._environment(database_urls or {}, extra_env or {})

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def _environment(self, database_urls: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT)
        for name in PROCESSES:
            prefix = name.upper()
            default_db = f"sqlite+aiosqlite:///{self.var_dir / (name + '.db')}"
            env.setdefault(f"{prefix}_DATABASE_URL", database_urls.get(name, default_db))
        for name in SERVICES:
            prefix = name.upper()
            env.setdefault(f"{prefix}_JWKS_URL", f"{self.gateway_url}/.well-known/jwks.json")
            env.setdefault(f"{prefix}_REVOCATIONS_URL", f"{self.gateway_url}/.well-known/revocations.json")
            env.setdefault(f"{prefix}_GATEWAY_URL", self.gateway_url)
            env.setdefault(f"GATEWAY_{prefix}_URL", self.url(name))
        # On one's own machine, webhooks go to one's own receivers (a deployment refuses them).
        env.setdefault("REGISTRY_WEBHOOK_PRIVATE_ADDRESSES_ALLOWED", "true")
        env.update(extra)
        return env

    async def command(self, *args: str) -> str:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            cwd=ROOT,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
        text = output.decode()
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{text}")
        return text

    async def migrate(self, names: tuple[str, ...] = PROCESSES) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        await asyncio.gather(*(self.command("-m", f"services.{name}", "migrate") for name in names))

    async def ensure_client(
        self, name: str, scopes: str, *, rate_limit: float | None = None
    ) -> dict[str, str]:
        """The client's credentials, created once and kept in the var folder for the next run.

        A client kept from a run that wanted other scopes (the elections service gained
        registry:log) is disabled and replaced, under a name that tells the scopes apart."""
        known: dict[str, Any] = (
            json.loads(self.credentials_file.read_text()) if self.credentials_file.exists() else {}
        )
        kept = known.get(name)
        if kept is not None and kept.get("scopes") == scopes:
            return {"client_id": kept["client_id"], "client_secret": kept["client_secret"]}
        label = name
        if kept is not None:
            await self.command("-m", "services.gateway", "clients", "disable", kept["client_id"])
            label = f"{name}-{hashlib.sha256(scopes.encode()).hexdigest()[:8]}"
        args = ["-m", "services.gateway", "clients", "create", "--name", label, "--scopes", scopes]
        if rate_limit is not None:
            args += ["--rate-limit", str(rate_limit)]
        text = await self.command(*args)
        issued: dict[str, str] = json.loads(text[text.index("{") :])
        known[name] = {**issued, "scopes": scopes}
        self.credentials_file.write_text(json.dumps(known, indent=2))
        self.credentials_file.chmod(0o600)
        return issued

    async def ensure_service_clients(self) -> None:
        for service, scopes in SERVICE_CLIENT_SCOPES.items():
            issued = await self.ensure_client(f"{service}-service", scopes)
            self.env[f"{service.upper()}_CLIENT_ID"] = issued["client_id"]
            self.env[f"{service.upper()}_CLIENT_SECRET"] = issued["client_secret"]

    async def load_demo_residents(self, count: int = 500) -> Path:
        """Synthetic residents for the demo, loaded once: a second run finds the file and skips it."""
        loaded = self.var_dir / "registry-demo.jsonl"
        if not loaded.exists():
            pending = self.var_dir / "registry-demo.pending.jsonl"
            await self.command(
                "-m",
                "services.registry",
                "generate",
                "--count",
                str(count),
                "--seed",
                "1",
                "--out",
                str(pending),
            )
            await self.command("-m", "services.registry", "import", str(pending), "--quiet")
            pending.rename(loaded)
        return loaded

    async def start(
        self, *, host: str = "127.0.0.1", names: tuple[str, ...] = (*PROCESSES, *WORKERS)
    ) -> None:
        """Start the processes named (all, the workers too, by default), the services before the gateway."""
        for name in sorted(names, key=lambda name: name == "gateway"):
            # With a log folder each process writes its own file directly (nothing relays it, so
            # a benchmark measures the services, not the relay); otherwise lines are prefixed.
            output: Any = (
                (self.log_dir / f"{name}.log").open("ab") if self.log_dir else asyncio.subprocess.PIPE
            )
            command = serve_command(name, host=host, port=self.ports.get(name, 0))
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                *command,
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
            if process.stdout is not None:
                task = asyncio.create_task(self._relay(name, process.stdout))
                self._relays.add(task)
                task.add_done_callback(self._relays.discard)
            self.processes[name] = process

    async def _relay(self, name: str, stream: asyncio.StreamReader) -> None:
        label = f"\033[{COLOURS[name]}m{name:>14}\033[0m |"
        while line := await stream.readline():
            if self.log is not None:
                self.log.write(f"{label} {line.decode(errors='replace')}")
                self.log.flush()

    async def wait_ready(self, seconds: float = 60.0) -> bool:
        async with httpx.AsyncClient() as client:
            try:
                async with asyncio.timeout(seconds):
                    while True:
                        if any(p.returncode is not None for p in self.processes.values()):
                            return False
                        try:
                            response = await client.get(f"{self.gateway_url}/readyz", timeout=2.0)
                            if response.status_code == 200:
                                return True
                        except httpx.HTTPError:
                            pass
                        await asyncio.sleep(0.3)
            except TimeoutError:
                return False

    async def wait_any_exit(self) -> None:
        await asyncio.wait(
            [asyncio.create_task(p.wait()) for p in self.processes.values()],
            return_when=asyncio.FIRST_COMPLETED,
        )

    async def stop(self) -> None:
        for process in self.processes.values():
            if process.returncode is None:
                process.terminate()
        waits = [asyncio.create_task(p.wait()) for p in self.processes.values()]
        if waits:
            await asyncio.wait(waits, timeout=10)
        for process in self.processes.values():
            if process.returncode is None:
                process.kill()
                await process.wait()


async def token_for(
    platform: LocalPlatform, credentials: Mapping[str, str], scopes: str | None = None
) -> str:
    form = {"grant_type": "client_credentials"}
    if scopes:
        form["scope"] = scopes
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{platform.gateway_url}/oauth/token",
            data=form,
            auth=(credentials["client_id"], credentials["client_secret"]),
        )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token

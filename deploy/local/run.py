"""`make run`: the whole platform on this machine, on the embedded SQLite databases under var/.

Migrates every database, makes sure the demo client and the services' own clients exist (their
credentials are kept in var/local-credentials.json, for this machine only), loads demonstration
data where a service offers it, starts the gateway and the four services with prefixed logs,
and stops them all on Ctrl-C. A second run reuses the databases and the credentials.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal

from deploy.local.platform import ROOT, LocalPlatform, configured_ports
from shared.auth.scopes import SCOPES


def banner(platform: LocalPlatform, demo: dict[str, str], resident_code: str) -> str:
    gateway = platform.gateway_url
    client_id, secret = demo["client_id"], demo["client_secret"]
    return f"""
jichi is running.
  gateway             {gateway}
  API docs            {gateway}/docs
  demo client id      {client_id}
  demo client secret  {secret}

Get a token and call an API:
  TOKEN=$(curl -s -u {client_id}:{secret} -d grant_type=client_credentials {gateway}/oauth/token \\
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  curl -s -H "Authorization: Bearer $TOKEN" {gateway}/registry/v1/caller
  curl -s -H "Authorization: Bearer $TOKEN" \\
    -H "X-Purpose: jichi:purpose:pension-benefit; description*=UTF-8''%E7%8F%BE%E6%B3%81%E7%A2%BA%E8%AA%8D" \\
    {gateway}/registry/v1/residents/{resident_code}
  curl -s {gateway}/registry/v1/purposes
  curl -s {gateway}/registry/v1/local-government-codes/131016

Ctrl-C stops everything.
"""


async def main() -> int:
    platform = LocalPlatform(var_dir=ROOT / "var", ports=configured_ports())
    await platform.migrate()
    print("migrated: gateway, registry, elections, funds, revitalization")
    await platform.ensure_service_clients()
    demo = await platform.ensure_client("demo", " ".join(SCOPES))
    demo_residents = await platform.load_demo_residents()
    first = json.loads(demo_residents.read_text().split("\n", 1)[0])
    print(f"registry: demonstration residents from var/{demo_residents.name}")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await platform.start(host=os.environ.get("JICHI_HOST", "127.0.0.1"))
    ready = await platform.wait_ready()
    print(
        banner(platform, demo, first["resident_code"])
        if ready
        else "\nThe platform did not become ready; see the logs above.\n"
    )
    stopper = asyncio.create_task(stop.wait())
    exited = asyncio.create_task(platform.wait_any_exit())
    await asyncio.wait([stopper, exited], return_when=asyncio.FIRST_COMPLETED)
    await platform.stop()
    return 0 if stop.is_set() else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))

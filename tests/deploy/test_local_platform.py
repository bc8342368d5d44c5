"""`make run` keeps its clients between runs, and replaces one whose wanted scopes changed."""

from __future__ import annotations

import json
from pathlib import Path

from deploy.local.platform import LocalPlatform, configured_ports


class RecordingPlatform(LocalPlatform):
    """The platform with the gateway's command line replaced by a note of each call."""

    def __init__(self, var_dir: Path) -> None:
        super().__init__(var_dir=var_dir, ports=configured_ports(), log=None)
        self.calls: list[tuple[str, ...]] = []

    async def command(self, *args: str) -> str:
        self.calls.append(args[3:])
        number = len(self.calls)
        return f'created\n{{"client_id": "id-{number}", "client_secret": "secret-{number}"}}'


async def test_a_client_is_made_once_then_remade_when_its_scopes_change(tmp_path: Path) -> None:
    platform = RecordingPlatform(tmp_path)
    first = await platform.ensure_client("elections-service", "registry:read")
    assert await platform.ensure_client("elections-service", "registry:read") == first
    assert platform.calls == [("create", "--name", "elections-service", "--scopes", "registry:read")]
    changed = await platform.ensure_client("elections-service", "registry:read registry:log")
    assert changed == {"client_id": "id-3", "client_secret": "secret-3"}
    assert platform.calls[1] == ("disable", "id-1")
    assert platform.calls[2][:2] == ("create", "--name")
    assert platform.calls[2][2].startswith("elections-service-")
    assert platform.calls[2][3:] == ("--scopes", "registry:read registry:log")
    saved = json.loads((tmp_path / "local-credentials.json").read_text())
    assert saved["elections-service"]["scopes"] == "registry:read registry:log"


async def test_credentials_kept_before_scopes_were_recorded_are_replaced(tmp_path: Path) -> None:
    (tmp_path / "local-credentials.json").write_text(
        json.dumps({"elections-service": {"client_id": "old", "client_secret": "s"}})
    )
    platform = RecordingPlatform(tmp_path)
    issued = await platform.ensure_client("elections-service", "registry:read registry:log")
    assert issued["client_id"] == "id-2"
    assert platform.calls[0] == ("disable", "old")

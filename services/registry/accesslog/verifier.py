"""`python -m services.registry verify-log`: a third party's check of the access log, over the API alone.

It trusts only the public keys it pinned on its first run (or was given) and the checkpoint it
saw last (its state file). Each run it checks every newer checkpoint's signature and that each
extends the one before it (consistency proofs), so a truncated or rewritten log, or a forged
checkpoint, fails. `--full` recomputes the latest root from every leaf hash (a missing entry,
such as all of one resident's, fails); `--resident` checks each of a resident's disclosed records
against its inclusion proof (a rewritten recipient or a moved entry fails).
"""

from __future__ import annotations

import argparse
import base64
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from services.registry.accesslog import checkpoint, merkle
from services.registry.accesslog.entries import payload_of
from shared.contracts.registry import PURPOSE_HEADER

API = "/registry/v1"
LEAVES_PER_REQUEST = 1000


class LogVerificationError(Exception):
    """The log or a checkpoint failed a check: the message says which and why."""


def _bytes(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


@dataclass
class State:
    """What the verifier trusts between runs: the pinned keys and the last checkpoint it accepted."""

    keys: dict[str, str] = field(default_factory=dict)
    checkpoint: dict[str, Any] | None = None

    @classmethod
    def load(cls, path: Path | None) -> State:
        if path is None or not path.exists():
            return cls()
        saved = json.loads(path.read_text(encoding="utf-8"))
        return cls(keys=dict(saved["keys"]), checkpoint=saved.get("checkpoint"))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"keys": self.keys, "checkpoint": self.checkpoint}, indent=2) + "\n")


@dataclass
class Report:
    tree_size: int = 0
    checkpoints_checked: int = 0
    leaves_checked: int = 0
    records_proved: int = 0
    records_pending: int = 0


class Verifier:
    def __init__(self, client: httpx.AsyncClient, state: State) -> None:
        self.client = client
        self.state = state
        self.report = Report()

    async def _get(self, path: str, **params: Any) -> Any:
        response = await self.client.get(API + path, params=params)
        if response.status_code != 200:
            raise LogVerificationError(f"GET {path} answered {response.status_code}: {response.text[:300]}")
        return response.json()

    async def pin_keys(self) -> None:
        """Pin the published keys on the first run; later runs trust only what they pinned."""
        published = (await self._get("/access-log/keys"))["keys"]
        for key in published:
            if checkpoint.key_id_of(_bytes(key["public_key"])) != key["key_id"]:
                raise LogVerificationError(f"key {key['key_id']} does not have the id its public key gives")
        if not self.state.keys:
            self.state.keys = {key["key_id"]: key["public_key"] for key in published}

    def check_signature(self, signed: dict[str, Any]) -> None:
        public = self.state.keys.get(signed["key_id"])
        if public is None:
            raise LogVerificationError(
                f"checkpoint of {signed['tree_size']} entries is signed by key {signed['key_id']}, "
                "which this verifier does not trust"
            )
        text = checkpoint.body(
            origin=signed["origin"],
            tree_size=signed["tree_size"],
            root_hash=_bytes(signed["root_hash"]),
            signed_at=signed["signed_at"],
        )
        if not checkpoint.signature_is_valid(_bytes(public), text, _bytes(signed["signature"])):
            raise LogVerificationError(
                f"checkpoint of {signed['tree_size']} entries: the signature is invalid"
            )
        known = self.state.checkpoint
        if known is not None and signed["origin"] != known["origin"]:
            raise LogVerificationError(f"checkpoint of another log: {signed['origin']!r}")
        self.report.checkpoints_checked += 1

    async def check_extends(self, older: dict[str, Any], newer: dict[str, Any]) -> None:
        """`newer` is an append-only extension of `older` (both signature-checked)."""
        first, second = older["tree_size"], newer["tree_size"]
        if second < first:
            raise LogVerificationError(f"the log shrank from {first} to {second} entries (truncated)")
        if first == second:
            if older["root_hash"] != newer["root_hash"]:
                raise LogVerificationError(f"two different roots for {first} entries (history rewritten)")
            return
        proof = (await self._get("/access-log/consistency", first=first, second=second))["proof"]
        if not merkle.verify_consistency(
            first, second, _bytes(older["root_hash"]), _bytes(newer["root_hash"]), [_bytes(p) for p in proof]
        ):
            raise LogVerificationError(
                f"the checkpoint of {second} entries does not extend the one of {first} (history rewritten)"
            )

    async def _newer_checkpoints(self, after_size: int) -> AsyncIterator[dict[str, Any]]:
        token: str | None = None
        while True:
            params: dict[str, Any] = {"after_size": after_size, "page_size": 500}
            if token:
                params["page_token"] = token
            page = await self._get("/access-log/checkpoints", **params)
            for item in page["items"]:
                yield item
            token = page["next_page_token"]
            if not token:
                return

    async def follow_checkpoints(self) -> dict[str, Any]:
        """Check every checkpoint since the last one accepted; the latest becomes the accepted one."""
        latest: dict[str, Any] = await self._get("/access-log/checkpoints/latest")
        self.check_signature(latest)
        previous = self.state.checkpoint
        if previous is not None and latest["tree_size"] < previous["tree_size"]:
            raise LogVerificationError(
                f"the log shrank from {previous['tree_size']} to {latest['tree_size']} entries (truncated)"
            )
        async for newer in self._newer_checkpoints(previous["tree_size"] if previous else 0):
            if newer["tree_size"] > latest["tree_size"]:
                break
            self.check_signature(newer)
            if previous is not None:
                await self.check_extends(previous, newer)
            previous = newer
        if previous is None or previous["tree_size"] != latest["tree_size"]:
            raise LogVerificationError("the latest checkpoint is missing from the list of checkpoints")
        await self.check_extends(previous, latest)
        self.report.tree_size = latest["tree_size"]
        return latest

    async def recompute_root(self, latest: dict[str, Any]) -> None:
        """Every leaf hash of the latest checkpoint, folded into its root."""
        compact = merkle.CompactRange()
        size = latest["tree_size"]
        for start in range(0, size, LEAVES_PER_REQUEST):
            end = min(size, start + LEAVES_PER_REQUEST)
            leaves = (await self._get("/access-log/leaves", start=start, end=end))["leaf_hashes"]
            if len(leaves) != end - start:
                raise LogVerificationError(f"leaves [{start}, {end}) are incomplete")
            for leaf in leaves:
                compact.append(_bytes(leaf))
        if compact.root() != _bytes(latest["root_hash"]):
            raise LogVerificationError(f"the leaves do not make the root of the checkpoint of {size} entries")
        self.report.leaves_checked = size

    async def check_disclosure(self, resident_code: str, purpose: str, latest: dict[str, Any]) -> None:
        """Every record of the resident's disclosure is in the signed tree where it says it is."""
        token: str | None = None
        while True:
            params: dict[str, Any] = {"page_size": 500}
            if token:
                params["page_token"] = token
            response = await self.client.get(
                f"{API}/residents/{resident_code}/access-records",
                params=params,
                headers={PURPOSE_HEADER: quote(purpose, safe="")},
            )
            if response.status_code != 200:
                raise LogVerificationError(
                    f"the disclosure answered {response.status_code}: {response.text[:300]}"
                )
            page = response.json()
            signed = page["checkpoint"]
            if signed is not None:
                self.check_signature(signed)
                older, newer = sorted((signed, latest), key=lambda item: int(item["tree_size"]))
                await self.check_extends(older, newer)
            for record in page["items"]:
                self._check_record(record, resident_code, signed)
            token = page["next_page_token"]
            if not token:
                return

    def _check_record(
        self, record: dict[str, Any], resident_code: str, signed: dict[str, Any] | None
    ) -> None:
        size = 0 if signed is None else signed["tree_size"]
        if record["inclusion_proof"] is None:
            if record["leaf_index"] < size:
                raise LogVerificationError(f"entry {record['entry_id']} lacks its inclusion proof")
            self.report.records_pending += 1
            return
        assert signed is not None
        leaf = merkle.leaf_hash(
            payload_of(
                recorded_at=record["recorded_at"],
                served_by=record["served_by"],
                client_id=record["client_id"],
                purpose=record["purpose"],
                request_id=record["request_id"],
                operation=record["operation"],
                resident_code=resident_code,
                items=",".join(record["items"]),
            )
        )
        proof = [_bytes(p) for p in record["inclusion_proof"]]
        if not merkle.verify_inclusion(leaf, record["leaf_index"], size, proof, _bytes(signed["root_hash"])):
            raise LogVerificationError(
                f"entry {record['entry_id']} is not in the signed tree as disclosed (altered or moved)"
            )
        self.report.records_proved += 1


async def verify_log(
    client: httpx.AsyncClient,
    state: State,
    *,
    full: bool = False,
    resident_code: str | None = None,
    purpose: str | None = None,
) -> Report:
    """Run every check; on success `state` holds the checkpoint to trust next time."""
    verifier = Verifier(client, state)
    await verifier.pin_keys()
    latest = await verifier.follow_checkpoints()
    if full:
        await verifier.recompute_root(latest)
    if resident_code is not None:
        await verifier.check_disclosure(resident_code, purpose or "", latest)
    state.checkpoint = latest
    return verifier.report


async def run_command(args: argparse.Namespace) -> int:
    """The command: prints what it checked, keeps the state only when everything held."""
    state_file = Path(args.state) if args.state else None
    state = State.load(state_file)
    headers = {"Authorization": f"Bearer {args.token}"}
    async with httpx.AsyncClient(base_url=args.url.rstrip("/"), headers=headers, timeout=30.0) as client:
        try:
            report = await verify_log(
                client, state, full=args.full, resident_code=args.resident, purpose=args.purpose
            )
        except (LogVerificationError, httpx.HTTPError) as error:
            print(f"verify-log: FAILED: {error}")  # noqa: T201 - command output
            return 1
    if state_file is not None:
        state.save(state_file)
    print(  # noqa: T201 - command output
        f"verify-log: OK: {report.tree_size} entries, {report.checkpoints_checked} checkpoint signatures, "
        f"{report.leaves_checked} leaves recomputed, {report.records_proved} records proved, "
        f"{report.records_pending} awaiting the next checkpoint"
    )
    return 0

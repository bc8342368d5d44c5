"""`make examples`: the documents' examples, taken from what the test suite sent and received.

The suite records, per operation, its smallest successful request and response bodies
(tests/support/exchanges.py, with JICHI_RECORD_EXCHANGES naming the file). This turns that record
into each service's `examples.json`, which its document embeds: lists cut to their first two
items and exports to their first lines, so an example stays readable.
`tests/contract/test_documents.py` validates every example against its schema and fails when
an operation has none.

    python -m tests.contract.examples <recorded.json> [<more recorded.json> ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parents[2]
LIST_ITEMS = 2
TEXT_LINES = 4


def _shortened(value: Any) -> Any:
    if isinstance(value, list):
        return [_shortened(item) for item in value[:LIST_ITEMS]]
    if isinstance(value, dict):
        return {key: _shortened(item) for key, item in value.items()}
    return value


def example_body(media_type: str, body: str) -> Any:
    if media_type == "application/json":
        return _shortened(json.loads(body))
    if media_type == "application/x-www-form-urlencoded":
        # A form is an object of fields; a secret, even a test's, is not shown in a document.
        fields = dict(parse_qsl(body))
        return {key: "********" if "secret" in key else value for key, value in fields.items()}
    return "".join(body.splitlines(keepends=True)[:TEXT_LINES])


def service_examples(recorded: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Service name -> {"METHOD path": {"request": ..., "responses": [...]}}."""
    examples: dict[str, dict[str, Any]] = {}
    for operation in recorded:
        service = operation["document"].strip("/").split("/")[0]
        entry: dict[str, Any] = {}
        if operation["request"]:
            request = operation["request"]
            media_type = request["media_type"] or "application/json"  # httpx's json= sends no other
            entry["request"] = {"media_type": media_type, "body": example_body(media_type, request["body"])}
        entry["responses"] = [
            {
                "status": response["status"],
                "media_type": response["media_type"],
                "body": example_body(response["media_type"], response["body"]),
            }
            for response in operation["responses"]
        ]
        examples.setdefault(service, {})[f"{operation['method']} {operation['path']}"] = entry
    return examples


def main(*recorded_paths: str) -> None:
    """Several records (of parts of the suite) fill in each other's operations, the first winning."""
    recorded: dict[tuple[str, str, str], Any] = {}
    for path in recorded_paths:
        for operation in json.loads(Path(path).read_text(encoding="utf-8")):
            key = (operation["document"], operation["method"], operation["path"])
            if key not in recorded or not recorded[key]["responses"]:
                recorded[key] = operation
    for service, examples in service_examples(list(recorded.values())).items():
        folder = ROOT / "services" / service
        if folder.is_dir():
            text = json.dumps(dict(sorted(examples.items())), ensure_ascii=False, indent=1) + "\n"
            (folder / "examples.json").write_text(text, encoding="utf-8")
            print(f"{service}: {len(examples)} operations")  # noqa: T201


if __name__ == "__main__":
    main(*sys.argv[1:])

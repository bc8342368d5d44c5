"""The catalogue of problem types: every `urn:jichi:problem:<slug>` a service can answer with.

Each entry (in `problem_types.toml`, English and Japanese) gives the statuses it comes with,
its title, what it means and what the caller should do. The gateway serves it at
`/problems` and `/problems/{slug}` (JSON, or HTML for a browser), which is where a type URN
resolves; the OpenAPI documents list each operation's types from it. A slug raised anywhere
in the source without an entry fails `tests/shared/web/test_problem_types.py`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.web.problems import TYPE_PREFIX

CATALOGUE_PATH = Path(__file__).with_name("problem_types.toml")
PAGES_PREFIX = "/problems"


@dataclass(frozen=True)
class ProblemType:
    slug: str
    statuses: tuple[int, ...]
    title: str
    title_ja: str
    meaning: str
    meaning_ja: str
    action: str
    action_ja: str
    headers: tuple[str, ...] = ()
    embedded: bool = False

    def example(self, status: int) -> dict[str, Any]:
        """A problem document of this type, as the OpenAPI documents show it."""
        return {
            "type": TYPE_PREFIX + self.slug,
            "title": self.title,
            "status": status,
            "detail": self.meaning,
            "instance": "/",
            "request_id": "4bf92f3577b34da6a3ce929d0e0e4736",
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "type": TYPE_PREFIX + self.slug,
            "slug": self.slug,
            "statuses": list(self.statuses),
            "headers": list(self.headers),
            "embedded": self.embedded,
            "en": {"title": self.title, "meaning": self.meaning, "action": self.action},
            "ja": {"title": self.title_ja, "meaning": self.meaning_ja, "action": self.action_ja},
            "page": problem_page_path(self.slug),
        }


def problem_page_path(slug: str) -> str:
    return f"{PAGES_PREFIX}/{slug}"


def _load(path: Path) -> dict[str, ProblemType]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        slug: ProblemType(
            slug=slug,
            statuses=tuple(entry["statuses"]),
            title=entry["title"],
            title_ja=entry["title_ja"],
            meaning=entry["meaning"],
            meaning_ja=entry["meaning_ja"],
            action=entry["action"],
            action_ja=entry["action_ja"],
            headers=tuple(entry.get("headers", ())),
            embedded=entry.get("embedded", False),
        )
        for slug, entry in sorted(raw.items())
    }


PROBLEM_TYPES: dict[str, ProblemType] = _load(CATALOGUE_PATH)

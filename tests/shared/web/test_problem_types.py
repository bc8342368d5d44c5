"""Every problem type raised anywhere in the source is in the catalogue, once, in both languages.

The source is read, not run: a `slug="..."` keyword, a Problem subclass's `slug`, a literal
passed where a function takes `slug`, an OAuth error code (`urn:jichi:problem:oauth-<code>`)
and a literal `urn:jichi:problem:...` string all count. A new problem type without an entry fails.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from shared.web.problem_types import PROBLEM_TYPES
from shared.web.problems import TYPE_PREFIX

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [path for folder in ("services", "shared") for path in sorted((ROOT / folder).rglob("*.py"))]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
# Functions that build the type from another argument than `slug`: (function, argument, prefix).
TYPE_BUILDERS = {("_oauth_error", "error"): "oauth-"}


def _slug_parameters(trees: list[ast.Module]) -> dict[str, list[tuple[int, str, str]]]:
    """Function name -> (position, argument name, slug prefix) of its slug-carrying arguments."""
    found: dict[str, list[tuple[int, str, str]]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [argument.arg for argument in [*node.args.posonlyargs, *node.args.args]]
                for position, name in enumerate(names):
                    prefix = "" if name == "slug" else TYPE_BUILDERS.get((node.name, name))
                    if prefix is not None:
                        found.setdefault(node.name, []).append((position, name, prefix))
    return found


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def raised_slugs() -> Iterator[tuple[str, str]]:
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in SOURCES]
    parameters = _slug_parameters(trees)
    for path, tree in zip(SOURCES, trees, strict=True):
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = (
                    node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                )
                keywords = {keyword.arg: keyword.value for keyword in node.keywords}
                if (slug := _literal(keywords.get("slug"))) is not None:
                    yield slug, where
                for position, argument, prefix in parameters.get(name, []):
                    value = _literal(
                        node.args[position] if position < len(node.args) else keywords.get(argument)
                    )
                    if value is not None:
                        yield prefix + value.replace("_", "-"), where
            elif isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple):
                        targets = statement.targets[0]
                        if isinstance(targets, ast.Tuple):
                            names = [getattr(target, "id", "") for target in targets.elts]
                            if "slug" in names:
                                yield str(_literal(statement.value.elts[names.index("slug")])), where
                    elif (
                        isinstance(statement, ast.AnnAssign)
                        and getattr(statement.target, "id", "") == "slug"
                        and (slug := _literal(statement.value)) is not None
                    ):
                        yield slug, where
            elif (
                (text := _literal(node)) is not None
                and text.startswith(TYPE_PREFIX)
                and SLUG.fullmatch(text.removeprefix(TYPE_PREFIX))
            ):
                yield text.removeprefix(TYPE_PREFIX), where


def test_the_scan_finds_problems_of_every_kind() -> None:
    slugs = {slug for slug, _ in raised_slugs()}
    assert {"internal-error", "resident-not-found", "election-not-found", "oauth-invalid-client"} <= slugs
    assert {"too-many-requests", "roll-build-interrupted", "validation-failed"} <= slugs
    assert len(slugs) >= 150


def test_every_raised_problem_type_is_catalogued() -> None:
    missing = sorted({f"{slug} ({where})" for slug, where in raised_slugs() if slug not in PROBLEM_TYPES})
    assert missing == []


def test_every_entry_is_complete_in_both_languages() -> None:
    for slug, entry in PROBLEM_TYPES.items():
        assert entry.statuses, slug
        assert all(400 <= status < 600 for status in entry.statuses), slug
        for text in (entry.title, entry.meaning, entry.action):
            assert text.strip(), slug
            assert not JAPANESE.search(text), slug
        for text in (entry.title_ja, entry.meaning_ja, entry.action_ja):
            assert JAPANESE.search(text), slug


# Raised with the code of a failed eligibility finding as its slug (placements' extensions).
FINDING_SLUGS = {"extension-not-later", "extension-beyond-limit"}


def test_the_catalogue_lists_no_type_that_nothing_raises() -> None:
    raised = {slug for slug, _ in raised_slugs()} | FINDING_SLUGS
    assert sorted(set(PROBLEM_TYPES) - raised) == []

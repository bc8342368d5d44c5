"""Compose-style variable interpolation (${VAR}, ${VAR:-default}, ${VAR:?error},
${VAR-default}, ${VAR?error}, ${VAR:+alt}, $VAR and the $$ escape)."""

import re
from typing import Any

PATTERN = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


class MissingVariableError(KeyError):
    pass


def variables(text: str) -> set[str]:
    return {m.group("braced") or m.group("plain") for m in PATTERN.finditer(text) if not m.group("escaped")}


def _replace(value: str, env: dict[str, str]) -> str:
    def repl(m: re.Match[str]) -> str:
        if m.group("escaped"):
            return "$"
        name = m.group("braced") or m.group("plain")
        op, arg = m.group("op"), m.group("arg") or ""
        present = name in env
        nonempty = present and env[name] != ""
        if op in (":-", "-"):
            use_default = not nonempty if op == ":-" else not present
            return arg if use_default else env[name]
        if op in (":?", "?"):
            missing = not nonempty if op == ":?" else not present
            if missing:
                raise MissingVariableError(f"{name}: {arg}")
            return env[name]
        if op in (":+", "+"):
            return arg if (nonempty if op == ":+" else present) else ""
        return env.get(name, "")

    return PATTERN.sub(repl, value)


def interpolate(obj: Any, env: dict[str, str]) -> Any:
    if isinstance(obj, str):
        return _replace(obj, env)
    if isinstance(obj, list):
        return [interpolate(v, env) for v in obj]
    if isinstance(obj, dict):
        return {k: interpolate(v, env) for k, v in obj.items()}
    return obj


def parse_env_file(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """(values, the comment block directly above each variable)."""
    values: dict[str, str] = {}
    comments: dict[str, str] = {}
    block: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            block.append(stripped.lstrip("#").strip())
            continue
        if not stripped:
            block = []
            continue
        name, sep, value = stripped.partition("=")
        if not sep:
            raise ValueError(f"not a NAME=value line: {line!r}")
        values[name.strip()] = value.strip()
        comments[name.strip()] = " ".join(b for b in block if b)
        block = []
    return values, comments

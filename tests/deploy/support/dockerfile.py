"""A small Dockerfile parser and a linter for the essentials this project requires.

The parser follows the Dockerfile reference: parser directives at the top,
line continuations with the escape character, comment lines dropped (also
inside a continuation), instruction keywords case-insensitive, exec (JSON) and
shell forms, and global ARG defaults substituted into FROM.
"""

import json
import re
import shlex
from dataclasses import dataclass, field

SECRET_NAME = re.compile(
    r"(?i)(secret|passw(or)?d|passphrase|token|api_?key|private_?key|credential|_key$|^key$)"
)
REMOTE = re.compile(r"^(https?|ftp|git)://|^git@", re.IGNORECASE)
EXACT_TAG = re.compile(r"^[^:@\s]+:(?P<tag>[^@\s]*\d+\.\d+\.\d+[^@\s]*)(@sha256:[0-9a-f]{64})?$")
DIGEST = re.compile(r"^[^@\s]+@sha256:[0-9a-f]{64}$")


@dataclass
class Instruction:
    keyword: str
    args: str
    line: int
    flags: dict[str, str] = field(default_factory=dict)

    def exec_form(self) -> list[str] | None:
        try:
            value = json.loads(self.args)
        except ValueError:
            return None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        return None


@dataclass
class Stage:
    image: str  # FROM's image, ARG defaults substituted
    name: str | None
    instructions: list[Instruction]


def parse(text: str) -> list[Instruction]:
    lines = text.splitlines()
    escape = "\\"
    i = 0
    # parser directives: "# key=value" lines before anything else
    while i < len(lines):
        m = re.match(r"^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$", lines[i])
        if not m:
            break
        if m.group(1).lower() == "escape":
            escape = m.group(2)
        i += 1
    out: list[Instruction] = []
    buf: list[str] = []
    start = 0
    for number, raw in enumerate(lines[i:], start=i + 1):
        stripped = raw.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if buf and stripped.startswith("#"):
            continue  # comment line inside a continuation
        if not buf:
            start = number
        if stripped.endswith(escape):
            buf.append(stripped[: -len(escape)].rstrip())
            continue
        buf.append(stripped)
        out.append(_instruction(" ".join(part for part in buf if part), start))
        buf = []
    if buf:
        out.append(_instruction(" ".join(buf), start))
    return out


def _instruction(joined: str, line: int) -> Instruction:
    keyword, _, rest = joined.partition(" ")
    rest = rest.strip()
    flags: dict[str, str] = {}
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        name, _, value = flag[2:].partition("=")
        flags[name] = value
        rest = rest.strip()
    return Instruction(keyword.upper(), rest, line, flags)


def _substitute(value: str, args: dict[str, str]) -> str:
    def repl(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        return args.get(name, "")

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)", repl, value)


def _kv_pairs(args: str) -> list[tuple[str, str]]:
    """ENV/ARG/LABEL arguments: KEY=VALUE pairs (or the legacy 'KEY VALUE')."""
    tokens = shlex.split(args, posix=True)
    if tokens and "=" not in tokens[0]:
        return [(tokens[0], " ".join(tokens[1:]))]
    pairs = []
    for token in tokens:
        k, _, v = token.partition("=")
        pairs.append((k, v))
    return pairs


def stages(instructions: list[Instruction]) -> list[Stage]:
    global_args: dict[str, str] = {}
    out: list[Stage] = []
    for ins in instructions:
        if ins.keyword == "ARG" and not out:
            for k, v in _kv_pairs(ins.args):
                global_args[k] = v
        elif ins.keyword == "FROM":
            parts = ins.args.split()
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            out.append(Stage(_substitute(parts[0], global_args), name, []))
        elif out:
            out[-1].instructions.append(ins)
        else:
            raise ValueError(f"line {ins.line}: {ins.keyword} before the first FROM")
    return out


def _shell_commands(ins: Instruction) -> list[list[str]]:
    """The simple commands of a RUN instruction, split on && || ; and |."""
    form = ins.exec_form()
    if form is not None:
        return [form]
    commands: list[list[str]] = []
    lexer = shlex.shlex(ins.args, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    current: list[str] = []
    for token in lexer:
        if token in ("&&", "||", ";", "|", "&", "(", ")"):
            if current:
                commands.append(current)
            current = []
        else:
            current.append(token)
    if current:
        commands.append(current)
    return commands


def _is_pip_install(cmd: list[str]) -> bool:
    words = [w for w in cmd if not w.startswith("-")]
    for i, w in enumerate(words[:-1]):
        if (w == "pip" or w.endswith("/pip") or re.fullmatch(r"pip3(\.\d+)?", w)) and words[
            i + 1
        ] == "install":
            return True
        if w == "pip" and i > 0 and words[i - 1] == "-m":
            return words[i + 1] == "install"
    return "-m" in cmd and "pip" in cmd and "install" in cmd


def _has_constraints(cmd: list[str], constraints: str) -> bool:
    for i, w in enumerate(cmd):
        if w in ("-c", "--constraint") and i + 1 < len(cmd) and cmd[i + 1].endswith(constraints):
            return True
        if w.startswith(("--constraint=", "-c=")) and w.endswith(constraints):
            return True
    return False


def lint(text: str, constraints: str = "constraints.txt") -> list[str]:
    """Problems with the essentials; an empty list means the Dockerfile passes."""
    problems: list[str] = []
    instructions = parse(text)
    all_stages = stages(instructions)
    if not all_stages:
        return ["no FROM instruction"]
    names = {s.name for s in all_stages if s.name}
    for stage in all_stages:
        if stage.image in names:
            continue
        if stage.image.endswith(":latest") or not (EXACT_TAG.match(stage.image) or DIGEST.match(stage.image)):
            problems.append(f"FROM {stage.image}: not pinned to an exact version (x.y.z tag)")
    for ins in instructions:
        if ins.keyword == "ADD":
            sources = ins.exec_form() or ins.args.split()
            for src in sources[:-1]:
                if REMOTE.match(src):
                    problems.append(f"line {ins.line}: ADD of a remote URL {src}")
        if ins.keyword in ("ENV", "ARG"):
            for k, _ in _kv_pairs(ins.args):
                if SECRET_NAME.search(k):
                    problems.append(f"line {ins.line}: {ins.keyword} {k} looks like a secret")
        if ins.keyword == "RUN":
            for cmd in _shell_commands(ins):
                if not _is_pip_install(cmd):
                    continue
                if "--no-cache-dir" not in cmd:
                    problems.append(f"line {ins.line}: pip install without --no-cache-dir")
                if not _has_constraints(cmd, constraints):
                    problems.append(f"line {ins.line}: pip install without -c {constraints}")
    final = all_stages[-1]
    users = [i for i in final.instructions if i.keyword == "USER"]
    if not users:
        problems.append("final stage: no USER (the image would run as root)")
    else:
        user = users[-1].args.split(":")[0].strip()
        if user in ("root", "0", ""):
            problems.append(f"final stage: USER {users[-1].args} is root")
    checks = [i for i in final.instructions if i.keyword == "HEALTHCHECK"]
    if not checks or checks[-1].args.strip().upper() == "NONE":
        problems.append("final stage: no HEALTHCHECK")
    return problems


def final_stage(text: str) -> Stage:
    return stages(parse(text))[-1]

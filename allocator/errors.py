"""What can go wrong, for a user: one small hierarchy, each error knowing how it shows itself
and which exit status it means (SPEC §5), so no command formats an error of its own.

* `InstanceError`: an instance file (or dict) is not a valid instance; it lists every `Problem`.
* `UsageError`: a request does not fit the instance (an unknown scenario, a coalition question
  naming a party the instance does not have).

Both exit with status 2. Anything else escaping a command is an internal error (status 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Path = tuple[str | int, ...]

#: what kind of thing is wrong, for code that must tell problems apart (never the message text)
ProblemKind = Literal[
    "syntax",       # the file cannot be parsed at all
    "unknown_key",  # a key the format does not have (a typo must never drop a demand)
    "missing_key",  # a required key is absent
    "shape",        # a value of the wrong type or out of range
    "reference",    # an id that points nowhere
    "duplicate",    # an id given twice
    "meaning",      # well-formed and well-referenced, but meaningless (a party naming itself)
    "base_rules",   # plain arithmetic shows the base rules admit no government at all
]


def format_path(path: Path) -> str:
    """`("demands", 3, "of", 0)` -> `demands[3].of[0]`, the way a user reads a nested file."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, with where it is and what to do about it."""

    message: str
    path: Path = ()
    file: str | None = None
    line: int | None = None
    kind: ProblemKind = "shape"

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        located = format_path(self.path)
        return f"{where}: {located}: {self.message}" if located else f"{where}: {self.message}"


class AllocatorError(Exception):
    """A mistake in what the user gave us: shown as a message, never as a traceback."""

    exit_code = 2

    def show(self) -> str:
        """The text for stderr."""
        return f"error: {self}"


class InstanceError(AllocatorError):
    """An instance could not be loaded; `problems` lists everything found, not just the first."""

    def __init__(self, problems: Sequence[Problem], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        super().__init__("\n".join(str(p) for p in self.problems))

    def show(self) -> str:
        head = f"{self.source}: " if self.source else ""
        count = len(self.problems)
        return f"{head}{count} problem{'s' if count != 1 else ''} found\n{self}"


class UsageError(AllocatorError):
    """A request that does not fit the instance (an unknown scenario, a question about a party
    the instance does not have)."""


#: a value quoted in a message is cut to this many characters
MAX_SHOWN = 60


def shown(value: object) -> str:
    """A value as a message quotes it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "..."


def known(ids: Iterable[str]) -> str:
    """`known: a, b, c` for a message about an unknown id."""
    listed = ", ".join(ids)
    return f"known: {listed}" if listed else "none are defined"

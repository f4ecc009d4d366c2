"""User-facing errors: every problem in an input, located precisely enough to fix it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Path = tuple[str | int, ...]


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

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        located = format_path(self.path)
        return f"{where}: {located}: {self.message}" if located else f"{where}: {self.message}"


class InstanceError(Exception):
    """An instance could not be loaded; `problems` lists everything found, not just the first."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(Exception):
    """A request that does not fit the instance (an unknown scenario, a malformed --why-not)."""


def known(ids: Iterable[str]) -> str:
    listed = ", ".join(ids)
    return f"known: {listed}" if listed else "none are defined"

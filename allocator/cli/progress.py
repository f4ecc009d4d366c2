"""What a long run shows while it works: one line on stderr, only when stderr is a terminal, and
cleared before the answer is printed (rich's `Progress`, transient).

Two shapes of the same display: a counter that names the phase ("3,072 coalitions found",
"minimal conflict") for work whose size is not known, and a bar with the rate and the time left
for work that is counted in advance (a sweep's draws).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

#: ticks between two updates of the counter (a listing finds tens of thousands a second)
EVERY = 256


class Progress:
    """A progress line for `noun`s ("coalition", "draw"); `total` given: a bar of that many.
    Use it as a context manager; it does nothing unless stderr is a terminal or a `console` is
    given (tests give one)."""

    def __init__(self, noun: str, total: int | None = None,
                 console: Console | None = None) -> None:
        self.noun, self.total, self.count = noun, total, 0
        self.enabled = console is not None or sys.stderr.isatty()
        self._console = console
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None
        self._running = False

    def __enter__(self) -> Progress:
        if not self.enabled:
            return self
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
    ProgressColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import (
            Progress as RichProgress,
        )

        console = self._console or Console(stderr=True)
        columns: tuple[ProgressColumn, ...]
        if self.total is None:
            columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        else:
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TimeRemainingColumn())
        self._bar = RichProgress(*columns, console=console, transient=True,
                                 redirect_stdout=False, redirect_stderr=False)
        self._bar.start()
        self._running = True
        self._task = self._bar.add_task(f"{self.noun}s" if self.total else "starting",
                                        total=self.total)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._bar is not None and self._running:
            self._bar.stop()  # transient: the line is cleared
        self._bar = None

    @contextmanager
    def paused(self) -> Iterator[None]:
        """While output is written: the line is cleared (and comes back at the next update),
        so that the answer never lands beside it."""
        if self._bar is not None and self._running:
            self._bar.stop()
            self._running = False
        yield

    def tick(self) -> None:
        """One more found."""
        self.count += 1
        if self._bar is not None and self.count % EVERY == 0:
            self._show(f"{self.count:,} {self.noun}s found")

    def phase(self, name: str) -> None:
        """A phase of the work started (the explanation's steps, say)."""
        self._show(name)

    def advance(self, done: int) -> None:
        """So many of `total` are done."""
        bar = self._line()
        if bar is not None and self._task is not None:
            bar.update(self._task, completed=done)

    def _show(self, description: str) -> None:
        bar = self._line()
        if bar is not None and self._task is not None:
            bar.update(self._task, description=description)

    def _line(self) -> RichProgress | None:
        """The line to update, if there is one (shown again after a pause)."""
        if self._bar is not None and not self._running:
            self._bar.start()
            self._running = True
        return self._bar

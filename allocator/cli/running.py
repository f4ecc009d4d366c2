"""How every command runs: its own clock, Ctrl-C and SIGTERM, errors, and its exit status.

A command hands its work to `run_command`, which

* treats SIGTERM (what `timeout` and job schedulers send) as Ctrl-C while the work runs, so that
  what was found is still reported, marked incomplete, and no temporary file is left; the
  process's own handler is put back afterwards;
* shows a user's mistake (an `AllocatorError`) as its message with its exit status, and anything
  unexpected as an internal error (exit 1), never as a bare traceback;
* ends quietly, as other Unix tools do, when the reader of its output went away (`| head`).

Nothing here changes the process at import: a command starts its own clock (`Clock`) when it
starts, and leaves signal handlers as it found them.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

import click

from ..errors import AllocatorError

#: SPEC §5: 0 allocations found, 3 deadlock proven, 4 limit reached without an answer
EXIT = {"feasible": 0, "deadlock": 3, "unknown": 4}
#: the exit status of a process whose output pipe was closed (128 + SIGPIPE), as a shell shows it
BROKEN_PIPE = 141


class Clock:
    """When a command started: `--time-limit S` counts from here, so that the whole run,
    output included, ends within S and a little."""

    def __init__(self, seconds: float | None) -> None:
        self.started = time.monotonic()
        self.deadline = None if seconds is None else self.started + seconds

    def remaining(self) -> float | None:
        """Seconds left (never negative), or None without a time limit."""
        return None if self.deadline is None else max(self.deadline - time.monotonic(), 0.0)


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises KeyboardInterrupt as Ctrl-C does (on the main thread, and
    unless the parent process told us to ignore it); the previous handler comes back after."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGTERM) is signal.SIG_IGN):
        yield
        return
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_command(work: Callable[[], int]) -> NoReturn:
    """Run a command's work and exit with its status (see the module docstring)."""
    try:
        with sigterm_as_interrupt():
            code = work()
        sys.stdout.flush()
    except AllocatorError as exc:
        click.echo(exc.show(), err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        _quiet_broken_pipe()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # an internal error: say so plainly, details on request
        if os.environ.get("ALLOCATOR_DEBUG"):
            traceback.print_exc()
        click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                   "(set ALLOCATOR_DEBUG=1 to see the traceback; please report it)", err=True)
        sys.exit(1)
    sys.exit(code)


def _quiet_broken_pipe() -> NoReturn:
    """The reader went away: stop without a word. Python would still try to flush stdout at
    exit and complain, so stdout is pointed at /dev/null first."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file behind stdout (a test's capture)
        pass
    sys.exit(BROKEN_PIPE)

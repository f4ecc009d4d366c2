"""Where a command's output goes: stdout as it comes, or a file written whole or not at all.

`Sink("-")` or `Sink(None)` is stdout. A path to a regular file (or to nothing yet) is written
to a temporary file beside it and moved into place only when the output is complete, so a
reader never sees half a file; the file keeps the mode of the one it replaces (a new one gets
the usual mode under the umask). A symlink is followed: its target is replaced, never the link.
A device or a pipe (`/dev/stdout`, a FIFO) is written directly, as it cannot be replaced.
Problems become `OutputError`s (exit status 2), never tracebacks.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO

from .errors import AllocatorError


class OutputError(AllocatorError):
    """The output cannot be written where the user asked."""


class Sink:
    """Text output to stdout or to a file (see the module docstring)."""

    def __init__(self, out: str | None) -> None:
        if out == "":
            raise OutputError("--out needs a path (or - for standard output)")
        self._temp: str | None = None
        self.path = None if out in (None, "-") else Path(out)
        self.stream: IO[str] = sys.stdout
        if self.path is not None:
            self.stream = self._open(self.path)

    def _open(self, path: Path) -> IO[str]:
        target = Path(os.path.realpath(path))  # a symlink's target, not the link
        try:
            if target.exists() and not target.is_file():
                if target.is_dir():
                    raise OutputError(f"--out {path}: that is a folder; give a file name")
                return open(target, "w", encoding="utf-8", newline="")  # a device or a pipe
            self.path = target
            self._mode = (stat.S_IMODE(target.stat().st_mode) if target.exists()
                          else 0o666 & ~_umask())
            fd, self._temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            return os.fdopen(fd, "w", encoding="utf-8", newline="")
        except OSError as exc:
            raise OutputError(f"--out {path}: cannot write there ({exc.strerror or exc})"
                              ) from None

    def write(self, text: str) -> None:
        try:
            self.stream.write(text)
        except OSError as exc:
            self.close(keep=False)
            raise OutputError(f"cannot write the output: {exc.strerror or exc}") from None

    def flush(self) -> None:
        self.stream.flush()

    def close(self, keep: bool = True) -> None:
        """Finish: move the file into place (`keep`), or leave no trace of it."""
        if self.stream is sys.stdout:
            self.stream.flush()
            return
        try:
            self.stream.close()
            if self._temp is not None and keep and self.path is not None:
                os.chmod(self._temp, self._mode)
                os.replace(self._temp, self.path)
                self._temp = None
        except OSError as exc:
            raise OutputError(f"cannot write the output: {exc.strerror or exc}") from None
        finally:
            if self._temp is not None and os.path.exists(self._temp):
                os.unlink(self._temp)
            self._temp = None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current

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
from typing import IO, Any

from .errors import AllocatorError


class OutputError(AllocatorError):
    """The output cannot be written where the user asked."""


class Sink:
    """Text (or with `binary`, bytes) output to stdout or to a file (see the module
    docstring)."""

    def __init__(self, out: str | None, binary: bool = False) -> None:
        if out == "":
            raise OutputError("--out needs a path (or - for standard output)")
        self._temp: str | None = None
        self._binary = binary
        self.path = None if out in (None, "-") else Path(out)
        self._stdout: IO[Any] = sys.stdout.buffer if binary else sys.stdout
        self.stream: IO[Any] = self._stdout
        if self.path is not None:
            self.stream = self._open(self.path)

    def _opened(self, file: str | int) -> IO[Any]:
        """A path (or an open descriptor) for writing, as bytes or as UTF-8 text."""
        if self._binary:
            return open(file, "wb")
        return open(file, "w", encoding="utf-8", newline="")

    def _open(self, path: Path) -> IO[Any]:
        target = Path(os.path.realpath(path))  # a symlink's target, not the link
        try:
            if target.exists() and not target.is_file():
                if target.is_dir():
                    raise OutputError(f"--out {path}: that is a folder; give a file name")
                return self._opened(str(target))  # a device or a pipe
            self.path = target
            self._permissions = (stat.S_IMODE(target.stat().st_mode) if target.exists()
                                 else 0o666 & ~_umask())
            fd, self._temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            return self._opened(fd)
        except OSError as exc:
            raise OutputError(f"--out {path}: cannot write there ({exc.strerror or exc})"
                              ) from None

    def write(self, text: str | bytes) -> None:
        try:
            self.stream.write(text)
        except OSError as exc:
            self.close(keep=False)
            raise OutputError(f"cannot write the output: {exc.strerror or exc}") from None

    def flush(self) -> None:
        self.stream.flush()

    def close(self, keep: bool = True) -> None:
        """Finish: move the file into place (`keep`), or leave no trace of it."""
        if self.stream is self._stdout:
            self.stream.flush()
            return
        try:
            self.stream.close()
            if self._temp is not None and keep and self.path is not None:
                os.chmod(self._temp, self._permissions)
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

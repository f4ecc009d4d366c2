"""Files in and out, the one way every part of allocator reads and writes them.

**Reading** (`read_text`): only regular files (a FIFO or a device such as /dev/zero would block
or never end), at most so many bytes, UTF-8 without NUL bytes; every refusal is an
`InstanceError` naming the file (exit status 2), never a traceback.

**Writing** (`Sink`, `write_whole`): standard output as it comes (`-` or no path), or a file
written whole or not at all. A path to a regular file (or to nothing yet) is written to a
temporary file beside it and moved into place only when the output is complete, so a reader
never sees half a file; the file keeps the mode of the one it replaces (a new one gets the
usual mode: the kernel applies the umask when the temporary file is made, so the process's
umask is never touched). A symlink is followed: its target is replaced, never the link. A device
or a pipe (`/dev/stdout`, a FIFO) is written directly, as it cannot be replaced. Problems become
`OutputError`s (exit status 2); a reader that went away (`| head`) is a `BrokenPipeError`, which
the command line ends quietly.
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from .errors import AllocatorError, InstanceError, Problem

#: the most any input file may hold, unless its reader says less
MAX_BYTES = 5 * 1024 * 1024


class OutputError(AllocatorError):
    """The output cannot be written where the user asked."""


def _refused(path: str | os.PathLike[str], message: str, line: int | None = None
             ) -> InstanceError:
    return InstanceError([Problem(message, file=str(path), line=line, kind="syntax")],
                         source=str(path))


def read_bytes(path: str | os.PathLike[str], limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes."""
    with open_bytes(path, limit) as handle:
        try:
            raw = handle.read(limit + 1)
        except OSError as exc:
            raise _refused(path, f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise _refused(path, f"the file has more than {limit:,} bytes")
    return raw


def open_bytes(path: str | os.PathLike[str], limit: int = MAX_BYTES) -> IO[bytes]:
    """A regular file of at most `limit` bytes, open for reading (for a reader that takes a
    piece at a time: it must still stop at `limit`, as the file may grow)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise _refused(path, "not a regular file (a folder, a device or a pipe); give a "
                                 "file")
        if info.st_size > limit:
            raise _refused(path, f"the file is {info.st_size:,} bytes; at most {limit:,} are "
                                 "read")
        return open(path, "rb")  # (the caller closes it)
    except OSError as exc:
        raise _refused(path, f"cannot read the file: {exc.strerror or exc}") from None


def read_text(path: str | os.PathLike[str], limit: int = MAX_BYTES) -> str:
    """The text of a regular UTF-8 file of at most `limit` bytes, without NUL bytes (a byte
    order mark at the start is dropped)."""
    raw = read_bytes(path, limit)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise _refused(path, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8",
                       line) from None
    if "\x00" in text:
        raise _refused(path, "the file holds a NUL byte: it is not a text file",
                       text[:text.index("\x00")].count("\n") + 1)
    return text


class Sink:
    """Text (or with `binary`, bytes) output to stdout or to a file (see the module
    docstring). Use it as a context manager: the file is kept when the block ends normally,
    and left no trace of when it raises."""

    def __init__(self, out: str | os.PathLike[str] | None, binary: bool = False,
                 what: str = "--out") -> None:
        if out == "":
            raise OutputError(f"{what} needs a path (or - for standard output)")
        self._temp: str | None = None
        self._binary = binary
        self._what = what
        self.path = None if out is None or str(out) == "-" else Path(out)
        self._stdout: IO[Any] = sys.stdout.buffer if binary else sys.stdout
        self.stream: IO[Any] = self._stdout
        if self.path is not None:
            self.stream = self._open(self.path)

    def __enter__(self) -> Sink:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close(keep=kind is None)

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
                    raise OutputError(f"{self._what} {path}: that is a folder; give a file "
                                      "name")
                return self._opened(str(target))  # a device or a pipe
            self.path = target
            self._mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else None
            fd = self._temporary(target)
            return self._opened(fd)
        except OSError as exc:
            raise OutputError(f"{self._what} {path}: cannot write there "
                              f"({exc.strerror or exc})") from None

    def _temporary(self, target: Path) -> int:
        """A new file beside the target, made with the usual mode (the kernel applies the
        umask)."""
        while True:
            name = str(target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp")
            try:
                fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                continue
            self._temp = name
            return fd

    def write(self, text: str | bytes) -> None:
        try:
            self.stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            self.close(keep=False)
            raise OutputError(f"cannot write the output: {exc.strerror or exc}") from None

    def flush(self) -> None:
        self.stream.flush()

    def close(self, keep: bool = True) -> None:
        """Finish: move the file into place (`keep`), or leave no trace of it."""
        if self.stream is self._stdout:
            if keep:
                self.stream.flush()
            return
        try:
            self.stream.close()
            if self._temp is not None and keep and self.path is not None:
                if self._mode is not None:
                    os.chmod(self._temp, self._mode)
                os.replace(self._temp, self.path)
                self._temp = None
        except OSError as exc:
            raise OutputError(f"cannot write the output: {exc.strerror or exc}") from None
        finally:
            if self._temp is not None and os.path.exists(self._temp):
                os.unlink(self._temp)
            self._temp = None


def write_whole(out: str | os.PathLike[str] | None, data: str | bytes,
                what: str = "--out") -> None:
    """Write all of `data` to `out` (a path, or - for standard output), whole or not at all."""
    with Sink(out, binary=isinstance(data, bytes), what=what) as sink:
        sink.write(data)

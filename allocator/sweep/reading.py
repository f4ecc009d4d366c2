"""A sweep's JSON read back (`allocator report --sweep FILE`), a value at a time.

A sweep of a many-party parliament lists millions of governments (1,000 Spanish draws: 2.1
million, 310 MB of JSON), which as one parsed document would take gigabytes. So the file is
read a piece at a time (`_Pieces`), the top-level keys one by one with the standard library's
decoder, and the governments one by one: each is checked by the document's own model
(`document.Government`) and against the sweep's draws, its parties are checked against the
instance, and only the first `KEPT` are kept, with how many there are (`listed`), which is all
the report and the pictures show. Everything else is checked by `document.SweepDocument`, as
when it was written: a file that does not hold together is refused with where and why.
"""

from __future__ import annotations

import codecs
import json
from array import array
from typing import IO, Any

from pydantic import ValidationError

from ..errors import UsageError, format_path, known
from ..files import open_bytes
from ..instance.schema import Instance
from .document import TOLERANCE, Government, SweepDocument, share

#: the most of a sweep's file that is read
MAX_SWEEP = 2 * 1024 ** 3
#: the governments kept for the report and the pictures (the first, the most often possible)
KEPT = 1000
#: bytes read at a time (at least)
PIECE = 1 << 20
#: the longest value read (a government, the cabinets, the parties: a few megabytes at most)
MAX_VALUE = 64 * 1024 * 1024
_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"


class _NotJson(Exception):
    """The text is not JSON (said as the standard library says it)."""


class _Pieces:
    """The file's text, read a piece at a time, and where reading has got to."""

    def __init__(self, handle: IO[bytes], limit: int) -> None:
        self.handle, self.limit = handle, limit
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.text, self.at, self.read, self.ended = "", 0, 0, False
        #: the characters and lines read past and dropped (to say where in the file)
        self.dropped = self.lines = 0

    def more(self, wanted: int = 0) -> None:
        """Read on (a piece, or `wanted` bytes if more, so that a long value is parsed a few
        times, not once a piece), dropping what was read past."""
        raw = self.handle.read(max(wanted, PIECE))
        self.read += len(raw)
        if self.read > self.limit:
            raise _NotJson(f"the file has more than {self.limit:,} bytes")
        try:
            piece = self.decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            raise _NotJson(f"not UTF-8 text ({exc.reason}); save the file as UTF-8") from None
        if "\x00" in piece:
            raise _NotJson("the file holds a NUL byte: it is not a text file")
        self.dropped += self.at
        self.lines += self.text.count("\n", 0, self.at)
        self.text, self.at = self.text[self.at:] + piece, 0
        self.ended = not raw

    def next(self) -> str:
        """The next character that is not white space ("" at the end), not taken."""
        while True:
            while self.at < len(self.text) and self.text[self.at] in _SPACE:
                self.at += 1
            if self.at < len(self.text) or self.ended:
                return self.text[self.at:self.at + 1]
            self.more()

    def take(self, expected: str) -> bool:
        """Take the next character if it is `expected`."""
        if self.next() != expected:
            return False
        self.at += 1
        return True

    def value(self) -> Any:
        """The next JSON value. One that reaches the end of what was read so far may go on
        (a number's digits, a longer string): it is parsed again with more."""
        self.next()
        while True:
            try:
                found, end = _DECODER.raw_decode(self.text, self.at)
            except json.JSONDecodeError as exc:
                if self.ended:
                    raise _NotJson(f"{exc.msg}: {self.where(exc.pos)}") from None
                self.longer()
                continue
            if end < len(self.text) or self.ended:
                self.at = end
                return found
            self.longer()

    def where(self, at: int) -> str:
        """A place in what was read so far, as a place in the file."""
        line = self.lines + self.text.count("\n", 0, at) + 1
        return f"line {line:,}, character {self.dropped + at + 1:,} of the file"

    def longer(self) -> None:
        """Read as much again as the value begun (within `MAX_VALUE`)."""
        if len(self.text) - self.at > MAX_VALUE:
            raise _NotJson(f"a value longer than {MAX_VALUE:,} characters")
        self.more(len(self.text) - self.at)


class _Governments:
    """The governments as they are read: the first `KEPT`, and per government its draws and
    probability (to check against the sweep's draws, which may come later in the file), and
    every party named."""

    def __init__(self) -> None:
        self.kept: list[dict[str, Any]] = []
        self.count = 0
        self.draws, self.probabilities = array("q"), array("d")
        self.named: set[str] = set()

    def add(self, data: Any) -> None:
        government = Government.model_validate(data)
        if len(self.kept) < KEPT:
            self.kept.append(government.model_dump())
        self.draws.append(government.draws)
        self.probabilities.append(government.probability)
        self.named.update(government.cabinet, government.support, government.abstain)
        self.count += 1

    def wrong(self, n: int) -> str | None:
        """What is wrong with a government read, in a sweep of `n` draws (the first such)."""
        for i, (k, p) in enumerate(zip(self.draws, self.probabilities, strict=True)):
            if k > n:
                return (f"coalitions[{i}] is counted in {k:,} draws, more than the sweep's "
                        f"{n:,}")
            if abs(p - share(k, n)) > TOLERANCE:
                return f"coalitions[{i}]: probability {p} is not {k:,} of {n:,} draws"
        return None


def read_sweep(path: str, instance: Instance) -> dict[str, Any]:
    """A sweep saved with `--format json`, checked against the instance it is about: its
    document as plain data, with its first `KEPT` governments and how many it lists in all
    (`listed`)."""
    where = f"--sweep {path}"

    def refused(said: str) -> UsageError:
        return UsageError(f"{where}: not the JSON of `allocator sweep --format json` "
                          f"({said})")

    governments = _Governments()
    with open_bytes(path, MAX_SWEEP) as handle:
        try:
            fields = _fields(_Pieces(handle, MAX_SWEEP), governments)
        except _NotJson as exc:
            raise UsageError(f"{where}: not JSON ({exc})") from None
        except RecursionError:
            raise UsageError(f"{where}: not JSON (nested too deep)") from None
        except ValidationError as exc:
            raise refused(_said(exc, ("coalitions", governments.count))) from None
        except ValueError as exc:
            raise refused(str(exc)) from None
    try:
        sweep = SweepDocument.model_validate(fields)
    except ValidationError as exc:
        raise refused(_said(exc)) from None
    wrong = governments.wrong(sweep.draws) if "coalitions" in fields else None
    if wrong is not None:
        raise refused(wrong)
    if sweep.instance != instance.name:
        raise UsageError(f"{where}: it is a sweep of {sweep.instance!r}, not of "
                         f"{instance.name!r}")
    ids = instance.party_ids
    named = governments.named | {p for c in sweep.cabinets for p in c.cabinet}
    unknown = sorted((named | set(sweep.parties)) - set(ids))
    if unknown:
        raise UsageError(f"{where}: it names parties the instance does not have: "
                         f"{', '.join(unknown)} ({known(ids)})")
    return {**sweep.model_dump(), "coalitions": governments.kept,
            "listed": governments.count}


def _fields(pieces: _Pieces, governments: _Governments) -> dict[str, Any]:
    """The document's top-level keys and values, the governments read into `governments`
    (their place in the fields: an empty list)."""
    if not pieces.take("{"):
        raise ValueError("the document: Input should be an object")
    fields: dict[str, Any] = {}
    while not (not fields and pieces.take("}")):  # (an empty object ends at once)
        key = pieces.value()
        if not isinstance(key, str) or not pieces.take(":"):
            raise _NotJson("expected a key and a colon")
        if key in fields:
            raise ValueError(f"{key}: given twice")
        if key == "coalitions":
            _governments(pieces, governments)
            fields[key] = []
        else:
            fields[key] = pieces.value()
        if pieces.take("}"):
            break
        if not pieces.take(","):
            raise _NotJson("expected ',' or '}' between the keys")
    if pieces.next() != "":
        raise _NotJson("extra data after the document")
    return fields


def _governments(pieces: _Pieces, governments: _Governments) -> None:
    """The list of governments, one at a time."""
    if not pieces.take("["):
        raise ValueError("coalitions: Input should be a valid list")
    if pieces.take("]"):
        return
    while True:
        governments.add(pieces.value())
        if pieces.take("]"):
            return
        if not pieces.take(","):
            raise _NotJson("expected ',' or ']' between the governments")


def _said(exc: ValidationError, within: tuple[str | int, ...] = ()) -> str:
    """A validation error as `where: what`."""
    first = exc.errors()[0]
    message = str(first["msg"]).replace("Value error, ", "")
    return f"{format_path((*within, *first['loc'])) or 'the document'}: {message}"

"""A parliament's governments as a sweep keeps them: each party's role as one byte, a row of
bytes per government, in SPEC order.

A sweep's coordinator keeps the answer of every distinct parliament until the end, and sends
each from a worker: a Spanish parliament has about 100,000 governments, which as tuples of
integers take about 190 bytes each (148 parliaments: 2.8 GB), and as bytes 17 (250 MB). Bytes
also pickle at once and hash once (the formation model keys its cabinets by a parliament's
governments). A sweep's result (`Ranked`) keeps its governments as one array too: a Spanish
sweep of 1,000 draws counts 2.1 million distinct ones, 600 MB as tuples.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import overload

import numpy as np
from numpy.typing import NDArray

Roles = tuple[int, ...]


class Governments:
    """Governments of `width` parties each (a role per party: cabinet 0, support 1, abstain 2,
    opposition 3), iterated as tuples of roles, in the order given."""

    __slots__ = ("data", "width")

    def __init__(self, rows: Iterable[Sequence[int]], width: int) -> None:
        self.width = width
        self.data = b"".join(bytes(row) for row in rows)

    def __len__(self) -> int:
        return len(self.data) // self.width

    def __iter__(self) -> Iterator[Roles]:
        data, width = self.data, self.width
        return (tuple(data[at:at + width]) for at in range(0, len(data), width))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Governments) and other.width == self.width
                and other.data == self.data)

    def __hash__(self) -> int:
        return hash((self.width, self.data))

    def array(self) -> NDArray[np.int8]:
        """A row of roles per government."""
        return np.frombuffer(self.data, dtype=np.int8).reshape(len(self), self.width)


class Ranked(Sequence[tuple[Roles, int]]):
    """Governments with the draws each was seen in (a row of roles and a count each), read
    as (roles, count) pairs in the order given."""

    __slots__ = ("counts", "rows")
    #: pairs made at a time when iterating
    BLOCK = 4096

    def __init__(self, rows: NDArray[np.int8], counts: NDArray[np.int64]) -> None:
        self.rows, self.counts = rows, counts

    @classmethod
    def empty(cls, width: int) -> Ranked:
        return cls(np.zeros((0, width), dtype=np.int8), np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.counts)

    @overload
    def __getitem__(self, index: int) -> tuple[Roles, int]: ...

    @overload
    def __getitem__(self, index: slice) -> Ranked: ...

    def __getitem__(self, index: int | slice) -> tuple[Roles, int] | Ranked:
        if isinstance(index, slice):
            return Ranked(self.rows[index], self.counts[index])
        return tuple(self.rows[index].tolist()), int(self.counts[index])

    def __iter__(self) -> Iterator[tuple[Roles, int]]:
        for start in range(0, len(self), self.BLOCK):
            end = start + self.BLOCK
            yield from zip(map(tuple, self.rows[start:end].tolist()),
                           self.counts[start:end].tolist(), strict=True)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Ranked) and np.array_equal(self.rows, other.rows)
                and np.array_equal(self.counts, other.counts))

    __hash__ = None  # type: ignore[assignment]  # (mutable arrays)


def ranked(answers: Sequence[tuple[Governments, int]], width: int) -> Ranked:
    """Every government of these answers (each a parliament's governments and the draws it
    was seen in), with the draws it has a deal in: the most first, ties in SPEC order (the
    number of cabinet parties, then the indexes of the cabinet parties, of the supporters, of
    the abstainers). All at once (numpy): a Spanish sweep cut short meets 1.4 million
    governments in 4.4 million rows, which a Counter and a sort by key took 13 s to rank."""
    kept = [(governments, times) for governments, times in answers if len(governments)]
    if not kept:
        return Ranked.empty(width)
    rows = np.concatenate([governments.array() for governments, _ in kept])
    weights = np.repeat(np.array([times for _, times in kept], dtype=np.int64),
                        [len(governments) for governments, _ in kept])
    packed = _packed(rows)
    if packed.shape[1] == 1:
        _, first, inverse = np.unique(packed[:, 0], return_index=True, return_inverse=True)
    else:
        _, first, inverse = np.unique(packed, axis=0, return_index=True, return_inverse=True)
    counts = np.zeros(len(first), dtype=np.int64)
    np.add.at(counts, inverse.reshape(-1), weights)
    return in_order(rows[first], counts)


def in_order(distinct: NDArray[np.int8], counts: NDArray[np.int64]) -> Ranked:
    """Distinct governments (a row of roles each) with their counts: the most first, ties in
    SPEC order."""
    keys = [*(chunk for role in (2, 1, 0) for chunk in reversed(_spelled(distinct, role))),
            (distinct == 0).sum(axis=1), -counts]
    order = np.lexsort(keys)
    return Ranked(distinct[order], counts[order])


def _packed(rows: NDArray[np.int8]) -> NDArray[np.int64]:
    """Each row as few integers: two bits a role, 31 roles an integer."""
    chunks = []
    for start in range(0, rows.shape[1], 31):
        value = np.zeros(len(rows), dtype=np.int64)
        for column in rows[:, start:start + 31].T:
            value = (value << 2) | column
        chunks.append(value)
    return np.stack(chunks, axis=1)


def _spelled(rows: NDArray[np.int8], role: int) -> list[NDArray[np.int64]]:
    """The indexes of the parties taking `role`, in order, as integers that sort as the
    index tuples do (a shorter tuple that begins another first): each index plus one is a
    digit, and missing places are 0, in base parties + 1, as many digits an integer as fit
    in 63 bits."""
    width = rows.shape[1]
    spots = np.sort(np.where(rows == role, np.arange(width, dtype=np.int16), width), axis=1)
    spots = (spots + 1) % (width + 1)  # the digits: each index plus one, a missing place 0
    base = width + 1
    per = 1
    while base ** (per + 1) < 2 ** 63:
        per += 1
    chunks = []
    for start in range(0, width, per):
        value = np.zeros(len(rows), dtype=np.int64)
        for column in spots[:, start:start + per].T:  # a column at a time in 64 bits
            value = value * base + column
        chunks.append(value)
    return chunks

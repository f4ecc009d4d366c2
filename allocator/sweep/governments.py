"""A parliament's governments as a sweep keeps them: each party's role as one byte, a row of
bytes per government, in SPEC order.

A sweep's coordinator keeps the answer of every distinct parliament until the end, and sends
each from a worker: a Spanish parliament has about 100,000 governments, which as tuples of
integers take about 190 bytes each (148 parliaments: 2.8 GB), and as bytes 17 (250 MB). Bytes
also pickle at once and hash once (the formation model keys its cabinets by a parliament's
governments).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

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

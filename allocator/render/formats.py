"""The output formats of `solve`, one class each, in one registry (`FORMATS`): a new format is
one class here. Each says how it writes

* a whole result (`listed`): allocations sorted in SPEC order, or coalitions;
* coalitions streamed in SPEC order as the listing makes them (`streamed`), with flat memory;
* an allocation the moment the solver finds it (`live`; only JSON lines writes anything then);
* counts and summaries (`census`, where the format has a place for them);
* what goes to stderr once it is done (`aside`: a CSV has no place for a deadlock's reasons).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import ClassVar

from ..instance.schema import Instance
from ..solving.result import Allocation, Coalition, Level, Result, Summary
from . import csv as csv_out
from . import json as json_out
from . import text
from .views import status_line


class Format:
    """What every format does; each subclass says how."""

    name: ClassVar[str]
    #: whether `census` can write counts and summaries
    counts: ClassVar[bool] = False
    #: whether a coalition listing is streamed (else gathered, as a table gathers its rows)
    streams: ClassVar[bool] = True
    #: whether each piece is flushed to a terminal or pipe at once (a reader follows it live)
    flushes: ClassVar[bool] = False
    #: the width of the terminal its tables are fitted to (None: not a terminal)
    width: int | None = None

    def listed(self, result: Result) -> Iterator[str]:
        raise NotImplementedError

    def streamed(self, lines: Iterable[str], items: Iterable[Allocation | Coalition],
                 finish: Callable[[], Result], problem: Instance, scenario: str | None,
                 level: Level = "coalition", ranked: bool = False) -> Iterator[str]:
        """Governments as they come (coalitions in SPEC order, or with `ranked` anything in
        order of probability): `lines` are their JSON, `items` the objects (read one of the
        two, once); `finish` gives the result once they are all out."""
        raise NotImplementedError

    def live(self, item: Allocation | Coalition, investiture: str) -> str | None:
        return None

    def census(self, result: Result, figures: Summary, note: str = "") -> str:
        raise NotImplementedError(f"{self.name} has no place for counts")

    def aside(self, result: Result) -> str | None:
        """What goes to stderr once the output is written."""
        if not result.complete and result.status != "deadlock":
            return status_line(result) + "\n"
        return None


class Table(Format):
    """For people: aligned, with the demands' texts (past a screenful, the summary)."""

    name = "table"
    counts = True
    streams = False

    def __init__(self, width: int | None = None) -> None:
        self.width = width

    def listed(self, result: Result) -> Iterator[str]:
        yield text.to_table(result, width=self.width)

    def streamed(self, lines: Iterable[str], items: Iterable[Allocation | Coalition],
                 finish: Callable[[], Result], problem: Instance, scenario: str | None,
                 level: Level = "coalition", ranked: bool = False) -> Iterator[str]:
        from dataclasses import replace

        listed = tuple(items)
        result = replace(finish(), counted=None)
        yield text.to_table(replace(result, allocations=tuple(
            i for i in listed if isinstance(i, Allocation))) if level == "allocation" else
            replace(result, coalitions=tuple(i for i in listed if isinstance(i, Coalition))),
            width=self.width)

    def census(self, result: Result, figures: Summary, note: str = "") -> str:
        return text.census_table(result, figures, note, self.width)


class Json(Format):
    """One document."""

    name = "json"
    counts = True

    def listed(self, result: Result) -> Iterator[str]:
        yield from json_out.json_chunks(result)

    def streamed(self, lines: Iterable[str], items: Iterable[Allocation | Coalition],
                 finish: Callable[[], Result], problem: Instance, scenario: str | None,
                 level: Level = "coalition", ranked: bool = False) -> Iterator[str]:
        yield from json_out.json_stream(lines, finish, problem, scenario, level)

    def census(self, result: Result, figures: Summary, note: str = "") -> str:
        return json.dumps(json_out.census_dict(result, figures), ensure_ascii=False) + "\n"


class JsonLines(Format):
    """One line per allocation as the solver finds it (coalitions in SPEC order), then a
    summary line."""

    name = "jsonl"
    flushes = True

    def listed(self, result: Result) -> Iterator[str]:
        yield json_out.jsonl_summary(result)  # the items went out `live`

    def streamed(self, lines: Iterable[str], items: Iterable[Allocation | Coalition],
                 finish: Callable[[], Result], problem: Instance, scenario: str | None,
                 level: Level = "coalition", ranked: bool = False) -> Iterator[str]:
        yield from json_out.jsonl_stream(lines, finish)

    def live(self, item: Allocation | Coalition, investiture: str) -> str | None:
        return json_out.jsonl_line(item, investiture)


class Csv(Format):
    """One flat row per item."""

    name = "csv"

    def listed(self, result: Result) -> Iterator[str]:
        yield csv_out.to_csv(result)

    def streamed(self, lines: Iterable[str], items: Iterable[Allocation | Coalition],
                 finish: Callable[[], Result], problem: Instance, scenario: str | None,
                 level: Level = "coalition", ranked: bool = False) -> Iterator[str]:
        yield from csv_out.csv_stream(items, problem, level, ranked)
        finish()

    def aside(self, result: Result) -> str | None:
        if result.deadlock is not None:  # a CSV has no place for why
            return text.to_table(result)
        return super().aside(result)


FORMATS: dict[str, Format] = {f.name: f for f in (Table(), Json(), JsonLines(), Csv())}

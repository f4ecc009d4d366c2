"""Formations -> the choice sets of coalition research (`allocator dataset`).

One row per potential government per formation: every (cabinet, support, abstain) the
formation's demands and base rules allow (its coalition level, as `solve --level coalition`
lists it), with the attributes the classic theories read and `formed`, 1 for the recorded
outcome. Martin & Stevenson (2001) built such sets by hand from all 2^n - 1 cabinets; here the
stated red lines, support parties and investiture rules shape them.

The attributes, all of the cabinet unless said:
* `parties`, `cabinet_seats`, `seat_share` (of the whole chamber), `form`;
* `minimal_winning`: the cabinet alone reaches the quota, and without any one of its parties it
  would not (Riker; von Neumann & Morgenstern);
* `minimum_winning`: winning, with the fewest seats of the winning cabinets of the formation
  (Riker's size principle);
* `largest`: holds a party with the most seats; `median`: holds the party of the median seat,
  parties ordered by `position` (Black; Laver & Schofield);
* `connected`: no party outside the cabinet sits strictly between two of its parties
  (Axelrod); `minimal_connected_winning`: connected and winning, and no party can leave it
  keeping it connected and winning; `range`: the distance between its outermost parties;
* `leader`: the party that must lead, where only one can.
Where not every party has a `position`, `median`, `connected`, `minimal_connected_winning` and
`range` are empty.

`formed` is 1 for exactly one row: the recorded outcome's cabinet, with its support and
abstainers where the outcome records them; where it does not (ParlGov records no support
parties), the first such row in SPEC order. A formation whose outcome is not among its
potential governments (or that has none) has no formed row, and `problems` says so.
"""

from __future__ import annotations

import io
import re
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from ..errors import UsageError
from ..extras import require
from ..instance.schema import Instance
from ..instance.transform import resolve
from ..solving.coalitions import Analysed, Listing
from ..solving.encoding import Encoding
from ..solving.result import ABSTAIN, CABINET, SUPPORT, Coalition
from ..solving.solver import Solver, Stopped

COLUMNS = ("formation", "cabinet", "support", "abstain", "parties", "cabinet_seats",
           "seat_share", "form", "minimal_winning", "minimum_winning", "largest", "median",
           "connected", "minimal_connected_winning", "range", "leader", "formed")
#: rows per block a worker hands back (compressed CSV text)
BLOCK = 50_000
#: a formation of more parties than this is one job per cabinet size (the Swiss chamber of
#: 1991 has 3.8 million potential governments): no worker holds all of it, and its work
#: spreads over the workers
SPLIT = 10
#: the end of a row, as RFC 4180 has it: a cell holding a line break or a carriage return (a
#: formation's file may be named so) is then quoted, and stays one cell
EOL = "\r\n"
#: how a cell that a spreadsheet would take for a formula begins (`as_text`)
FORMULA = frozenset("=+-@\t\r")
#: a number, which may begin with `-` and stay a number
NUMBER = re.compile(r"-[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")


@dataclass(frozen=True)
class Party:
    seats: int
    position: float | None


@dataclass
class Chamber:
    """What the attributes read of a formation: seats, positions, the quota."""

    parties: list[Party]
    quota: int
    total: int
    largest: frozenset[int] = field(init=False)
    median: int | None = field(init=False)
    positions: tuple[float, ...] | None = field(init=False)  # None unless every party has one

    def __post_init__(self) -> None:
        most = max(p.seats for p in self.parties)
        self.largest = frozenset(i for i, p in enumerate(self.parties) if p.seats == most)
        self.median = None
        given = [p.position for p in self.parties]
        self.positions = (tuple(float(x) for x in given if x is not None)
                          if all(x is not None for x in given) else None)
        if self.positions is not None:
            positions = self.positions
            order = sorted(range(len(self.parties)), key=lambda i: (positions[i], i))
            half, held = sum(p.seats for p in self.parties), 0
            for i in order:  # the party holding the middle seat (the first, if two do)
                held += self.parties[i].seats
                if 2 * held >= half:
                    self.median = i
                    break

    def seats(self, members: Sequence[int]) -> int:
        return sum(self.parties[i].seats for i in members)

    def connected(self, members: Sequence[int]) -> bool | None:
        if self.positions is None:
            return None
        positions = self.positions
        low, high = min(positions[i] for i in members), max(positions[i] for i in members)
        inside = set(members)
        return not any(low < x < high for i, x in enumerate(positions) if i not in inside)

    def minimal_connected_winning(self, members: Sequence[int]) -> bool | None:
        connected = self.connected(members)
        if connected is None:
            return None
        if not connected or self.seats(members) < self.quota:
            return False
        for i in members:
            rest = [j for j in members if j != i]
            if rest and self.connected(rest) and self.seats(rest) >= self.quota:
                return False
        return True

    def range(self, members: Sequence[int]) -> float | None:
        spots = [x for i in members if (x := self.parties[i].position) is not None]
        if len(spots) < len(members):
            return None
        return round(max(spots) - min(spots), 6)


def chamber_of(problem: Instance) -> Chamber:
    return Chamber([Party(p.seats, None if p.position is None else float(p.position))
                    for p in problem.parties], problem.quota, problem.total_seats)


#: one job: a formation's name, its instance (as JSON), whether its rows are for a spreadsheet
#: (`as_text`), and the cabinet sizes it lists (the first and the last)
Job = tuple[str, str, bool, tuple[int, int]]


@dataclass(frozen=True)
class Part:
    """The rows of one job (a formation's, for some cabinet sizes from `first` on), as blocks
    of compressed CSV text (no header); `recorded`: whether the formation records an
    outcome."""

    formation: str
    first: int
    count: int
    formed: int
    recorded: bool
    blocks: tuple[bytes, ...]

    def text(self) -> Iterator[str]:
        for block in self.blocks:
            yield zlib.decompress(block).decode()


@dataclass(frozen=True)
class Rows:
    """A formation's rows, all of its parts in order of cabinet size, and what was wrong. Its
    text is read back from where the parts waited, until `build` is asked for the next."""

    formation: str
    count: int
    formed: int
    problems: tuple[str, ...]
    blocks: Callable[[], Iterator[bytes]]

    def text(self) -> Iterator[str]:
        for block in self.blocks():
            yield zlib.decompress(block).decode()


class _Gathered:
    """A formation's parts as they come, in any order, their blocks kept in a temporary file
    (not in memory) until the formation's turn."""

    def __init__(self, formation: str) -> None:
        self.formation = formation
        self.file = tempfile.TemporaryFile()
        self.places: list[tuple[int, list[tuple[int, int]]]] = []  # per part: its blocks
        self.count = self.formed = 0
        self.recorded = False

    def add(self, part: Part) -> None:
        places = []
        for block in part.blocks:
            places.append((self.file.tell(), len(block)))
            self.file.write(block)
        self.places.append((part.first, places))
        self.count += part.count
        self.formed += part.formed
        self.recorded = part.recorded

    def rows(self) -> Rows:
        def blocks() -> Iterator[bytes]:
            for _, places in sorted(self.places):
                for start, length in places:
                    self.file.seek(start)
                    yield self.file.read(length)

        name, count = self.formation, self.count
        problems = () if self.formed else (
            f"{name}: the recorded outcome is not among its {count:,} potential governments: "
            "no formed row",) if self.recorded else (f"{name}: no recorded outcome: no formed row",)
        return Rows(name, count, self.formed, problems, blocks)


def formation_rows(job: Job) -> Part:
    """The rows of one job (see `Job`), wherever it runs: one cabinet size at a time, so that
    only one size's canonical candidates are held."""
    import csv
    import io

    name, text, spreadsheet, (first, last) = job
    problem = resolve(Instance.model_validate_json(text), None)
    listing = Listing(problem)
    chamber = chamber_of(problem)
    fewest = _fewest(problem)
    matches = _outcome(problem)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=EOL)
    blocks: list[bytes] = []
    count = formed = 0
    for group in listing.canonical(sizes=range(first, last + 1)):
        for analysed, roles in listing.ordered(group):
            coalition = listing.coalition(analysed, roles)
            hit = not formed and matches(coalition)
            formed += hit
            row = _row(name, problem, chamber, fewest, analysed, roles, coalition, hit)
            writer.writerow(_for_spreadsheet(row) if spreadsheet else row)
            count += 1
            if count % BLOCK == 0:
                blocks.append(zlib.compress(buffer.getvalue().encode(), 6))
                buffer.seek(0)
                buffer.truncate()
    if not listing.complete:
        raise Stopped(listing.stopped or "interrupt")
    if buffer.tell():
        blocks.append(zlib.compress(buffer.getvalue().encode(), 6))
    return Part(name, first, count, formed, problem.outcome is not None, tuple(blocks))


def _fewest(problem: Instance) -> int | None:
    """The fewest seats of a winning cabinet (at least the quota) among the formation's
    potential governments, or None where none wins: one solve of the whole model, rather than
    a pass over every one of them before the first row."""
    encoding = Encoding(problem)
    seats = sum(w * lit for w, lit in zip(encoding.seats, encoding.cabinet, strict=True))
    encoding.model.add(seats >= problem.quota)
    optimum = Solver(encoding.model).optimum(seats)
    return None if optimum is None else optimum[0]


def _outcome(problem: Instance) -> Any:
    """Whether a coalition is the recorded outcome (the fields it records)."""
    outcome = problem.outcome
    if outcome is None or outcome.cabinet is None:
        return lambda coalition: False
    cabinet = set(outcome.cabinet)

    def matches(coalition: Coalition) -> bool:
        return (set(coalition.cabinet) == cabinet
                and (outcome.support is None or set(coalition.support) == set(outcome.support))
                and (outcome.abstain is None
                     or set(coalition.abstain) == set(outcome.abstain)))

    return matches


def as_text(cell: str) -> str:
    """A text cell as a spreadsheet must show it: as text, never as a formula. A cell that
    begins with `=`, `+`, `-` (but for a number), `@`, a tab or a carriage return would be
    taken for a formula (a formation named after its file `=cmd|' -c calc'!A0.yaml` would run
    a program): it gets a leading `'`, which spreadsheets read as "this is text" and do not
    show (OWASP's rule against CSV injection)."""
    if cell[:1] in FORMULA and not (cell[:1] == "-" and NUMBER.fullmatch(cell)):
        return "'" + cell
    return cell


def _for_spreadsheet(row: list[object]) -> list[object]:
    """A row with `as_text` on every text cell (numbers stay numbers)."""
    return [as_text(cell) if isinstance(cell, str) else cell for cell in row]


def _flag(value: bool | None) -> str | int:
    return "" if value is None else int(value)


def _row(name: str, problem: Instance, chamber: Chamber, fewest: int | None,
         analysed: Analysed, roles: tuple[int, ...], coalition: Coalition,
         formed: bool) -> list[object]:
    ids = problem.party_ids
    members = [i for i, r in enumerate(roles) if r == CABINET]
    seats = chamber.seats(members)
    winning = seats >= chamber.quota
    minimal = winning and all(seats - chamber.parties[i].seats < chamber.quota for i in members)
    leaders = coalition.posts.get("leader", ())
    spread = chamber.range(members)
    return [name, "+".join(ids[i] for i in members),
            "+".join(ids[i] for i, r in enumerate(roles) if r == SUPPORT),
            "+".join(ids[i] for i, r in enumerate(roles) if r == ABSTAIN),
            len(members), seats, round(seats / chamber.total, 6), analysed.form,
            int(minimal), int(winning and seats == fewest),
            int(bool(chamber.largest & set(members))),
            "" if chamber.median is None else int(chamber.median in members),
            _flag(chamber.connected(members)), _flag(chamber.minimal_connected_winning(members)),
            "" if spread is None else spread, leaders[0] if len(leaders) == 1 else "",
            int(formed)]


# --- the coordinator: formations in order, on an engine, into one file -------------------------


def jobs(paths: Sequence[str], spreadsheet: bool = False) -> list[Job]:
    """Each formation's jobs (its name, the file's stem; its instance as JSON; whether its rows
    are for a spreadsheet, `as_text`; the cabinet sizes of each), in order of path: one job,
    or one per cabinet size past SPLIT parties. A folder means every instance file in it."""
    from ..instance.loader import instance_files, load

    files = instance_files(paths)
    names = [path.stem for path in files]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise UsageError(f"two formations are named {', '.join(twice)} (a formation is named "
                         "by its file): rename one")
    found: list[Job] = []
    for path in files:
        instance = load(path)
        n = len(instance.parties)
        sizes = [(1, n)] if n <= SPLIT else [(k, k) for k in range(1, n + 1)]
        text = instance.model_dump_json()
        found += [(path.stem, text, spreadsheet, cabinets) for cabinets in sizes]
    return found


def build(paths: Sequence[str], *, workers: int | None = None, dask: str | None = None,
          spreadsheet: bool = False) -> Iterator[Rows]:
    """Every formation's rows, in order of path, computed on an engine (`engines`): a local
    pool of `workers` (default every core; 1: here) or the Dask scheduler at `dask`. With
    `spreadsheet`, text cells are written so that a spreadsheet shows them as text
    (`as_text`); without, as they are (Parquet, and what `theories` reads). Parts that come
    before their turn wait on disk (`_Gathered`), so that memory does not grow with them."""
    from ..sweep.engines import TICK, engine_for

    todo = jobs(paths, spreadsheet)
    parts = Counter(job[0] for job in todo)
    waiting: dict[str, _Gathered] = {}
    try:
        with engine_for(workers, dask) as engine:
            sent = 0
            for name in parts:
                while name not in waiting or len(waiting[name].places) < parts[name]:
                    while sent < len(todo) and engine.room():
                        engine.submit(formation_rows, todo[sent])
                        sent += 1
                    for part in engine.answers(TICK):
                        waiting.setdefault(part.formation, _Gathered(part.formation)).add(part)
                gathered = waiting.pop(name)
                try:
                    yield gathered.rows()
                finally:
                    gathered.file.close()
    finally:
        for gathered in waiting.values():
            gathered.file.close()


#: the column types of the Parquet file (the CSV's empty cells are its nulls)
def _schema() -> Any:
    import pyarrow as pa

    flag = pa.int8()
    return pa.schema([
        ("formation", pa.string()), ("cabinet", pa.string()), ("support", pa.string()),
        ("abstain", pa.string()), ("parties", pa.int32()), ("cabinet_seats", pa.int32()),
        ("seat_share", pa.float64()), ("form", pa.string()), ("minimal_winning", flag),
        ("minimum_winning", flag), ("largest", flag), ("median", flag), ("connected", flag),
        ("minimal_connected_winning", flag), ("range", pa.float64()), ("leader", pa.string()),
        ("formed", flag)])


class Output:
    """The dataset file: CSV, or Parquet where the path ends in .parquet; written whole or
    not at all (`files.Sink`). A CSV file is opened in spreadsheets, so its rows are built
    with `spreadsheet` (`build`); Parquet keeps every value as it is."""

    def __init__(self, out: str) -> None:
        from ..files import Sink

        self.parquet = out.lower().endswith(".parquet")
        if self.parquet:
            parquet = require("pyarrow.parquet", "parquet", instead="write .csv")
            self.csv = csv = require("pyarrow.csv", "parquet", instead="write .csv")
            self.sink = Sink(out, binary=True)
            self.schema = _schema()
            self.writer = parquet.ParquetWriter(self.sink.stream, self.schema)
            self.options = csv.ReadOptions(column_names=list(COLUMNS))
            self.parsing = csv.ParseOptions(newlines_in_values=True)
            self.types = csv.ConvertOptions(
                column_types={f.name: f.type for f in self.schema})
        else:
            self.sink = Sink(out)
            self.sink.write(",".join(COLUMNS) + EOL)

    def write(self, rows: Rows) -> None:
        if not self.parquet:
            for text in rows.text():
                self.sink.write(text)
            return
        for text in rows.text():
            table = self.csv.read_csv(io.BytesIO(text.encode()), read_options=self.options,
                                         parse_options=self.parsing,
                                         convert_options=self.types)
            self.writer.write_table(table.cast(self.schema))

    def __enter__(self) -> Output:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.parquet:
            self.writer.close()
        self.sink.close(keep=kind is None)

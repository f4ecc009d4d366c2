"""Sweeps: how likely each government is, over many simulated parliaments (`draws`).

For each parliament the question is the coalition level's: which (cabinet, support, abstain)
have an allocation meeting every demand. A sweep asks it thousands of times, so:

* **Each distinct question is solved once per worker.** The model reads the seats only through
  a few comparisons (`encoding.seat_signature`); parliaments with the same signature share one
  answer (`Forecaster`): 10,000 draws of the Bundestag of 2017 are 9,993 distinct parliaments
  but 240 signatures. Each is answered by the coalition level (`coalitions.Listing`).
* **Chunks.** Draws are cut into chunks of consecutive indexes; a chunk's answer (`ChunkResult`)
  is a tally of outlooks, the same whoever computes it. An engine runs chunks: in this process,
  on a local process pool, or on a Dask cluster (`engines`). A chunk lost with its worker is
  run again; answers are kept by chunk number, so none is counted twice.
* **Partial answers** count only the chunks done from the first on, so a sweep cut short by its
  time limit or an interrupt is a smaller sweep of the same draws, never a biased one.
  `--checkpoint DIR` keeps every chunk done, so a sweep resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .census import Pivotal
from .coalitions import Listing
from .draws import Draw, PollDraws, SeatTable, at_draw
from .encoding import CABINET, SUPPORT, seat_signature
from .errors import UsageError
from .model import Instance
from .solver import Stopped
from .symmetry import key_of
from .transform import resolve

Roles = tuple[int, ...]
#: draws per chunk, unless told: small enough that a stop never waits long for one
CHUNK = 100


def spec_order(roles: Roles) -> tuple[int, tuple[tuple[int, ...], ...]]:
    """SPEC §2's order of coalitions: by number of cabinet parties, then the indexes of the
    cabinet parties, the supporters and the abstainers."""
    key = key_of(roles)
    return len(key[0]), key


@dataclass(frozen=True)
class Outlook:
    """What one parliament allows: every government (each party's role, in SPEC order) that
    has an allocation meeting every demand, and per party whether it sits in the cabinet of
    one, supports one, or is pivotal in one (moving it into opposition makes that government
    fail its investiture rule)."""

    governments: tuple[Roles, ...]
    cabinet: tuple[bool, ...]
    support: tuple[bool, ...]
    pivotal: tuple[bool, ...]


@dataclass(frozen=True)
class ChunkResult:
    """How many draws of one chunk had each outlook."""

    number: int
    draws: int
    outlooks: tuple[Outlook, ...]
    counts: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "draws": self.draws, "counts": list(self.counts),
                "outlooks": [asdict(o) for o in self.outlooks]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChunkResult:
        outlooks = tuple(Outlook(tuple(tuple(g) for g in o["governments"]),
                                 tuple(o["cabinet"]), tuple(o["support"]), tuple(o["pivotal"]))
                         for o in data["outlooks"])
        return cls(int(data["number"]), int(data["draws"]), outlooks,
                   tuple(int(c) for c in data["counts"]))


class Forecaster:
    """One problem's outlook in any parliament, remembered by seat signature."""

    def __init__(self, problem: Instance) -> None:
        self.problem = problem
        system = problem.electoral_system
        self.majority = system.majority if system is not None else None
        self._outlooks: dict[Any, Outlook] = {}
        self.solved = 0

    def outlook(self, draw: Draw) -> Outlook:
        parliament = at_draw(self.problem, draw, self.majority)
        signature = seat_signature(parliament)
        known = self._outlooks.get(signature)
        if known is None:
            known = self._outlooks[signature] = self._solve(parliament)
            self.solved += 1
        return known

    def _solve(self, parliament: Instance) -> Outlook:
        governments = self.governments(parliament)
        parties = range(len(parliament.parties))
        needed = Pivotal(parliament).needed
        pivotal = [False for _ in parties]
        for roles in governments:
            pivotal = [was or now for was, now in zip(pivotal, needed(roles), strict=True)]
        return Outlook(governments,
                       tuple(any(g[i] == CABINET for g in governments) for i in parties),
                       tuple(any(g[i] == SUPPORT for g in governments) for i in parties),
                       tuple(pivotal))

    def governments(self, parliament: Instance) -> tuple[Roles, ...]:
        """Every (cabinet, support, abstain) of this parliament with an allocation meeting
        every demand, in SPEC order: the coalition level (`coalitions.Listing`)."""
        listing = Listing(parliament)
        found = tuple(roles for _, roles in listing.rows())
        if not listing.complete:  # interrupted: an answer cut short must not be counted
            raise Stopped(listing.stopped or "interrupt")
        return found


# --- the work of one chunk, wherever it runs ------------------------------------------------


@dataclass(frozen=True)
class Task:
    """Everything a worker needs for one chunk: the problem (as JSON, so that any machine can
    rebuild it), where the draws come from, and which."""

    problem: str
    seed: int | None
    number: int
    start: int
    stop: int
    rows: tuple[Draw, ...] = ()  # a seat table's rows for this chunk (None seed)


_FORECASTERS: dict[str, tuple[Forecaster, PollDraws | None]] = {}


def run_chunk(task: Task) -> ChunkResult:
    """Solve one chunk (in whichever process runs it; what was solved before in this process
    is remembered)."""
    digest = hashlib.sha256(f"{task.seed}:{task.problem}".encode()).hexdigest()
    if digest not in _FORECASTERS:
        problem = Instance.model_validate_json(task.problem)
        polls = PollDraws(problem, task.seed) if task.seed is not None else None
        _FORECASTERS.clear()
        _FORECASTERS[digest] = Forecaster(problem), polls
    forecaster, polls = _FORECASTERS[digest]
    tally: Counter[Outlook] = Counter()
    for index in range(task.start, task.stop):
        draw = polls.draw(index) if polls is not None else task.rows[index - task.start]
        tally[forecaster.outlook(draw)] += 1
    ordered = sorted(tally.items(), key=lambda item: item[0].governments)
    return ChunkResult(task.number, task.stop - task.start, tuple(o for o, _ in ordered),
                       tuple(c for _, c in ordered))


# --- the result -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    """A sweep's answer: over `draws` parliaments (of `requested`), how many allowed each
    government, how many none (`deadlock`), and per party in how many it could sit in
    cabinet, support, or be pivotal."""

    instance: Instance
    scenario: str | None
    seed: int | None
    requested: int
    draws: int
    governments: tuple[tuple[Roles, int], ...]  # by count (most first), then SPEC order
    deadlock: int
    parties: dict[str, tuple[int, int, int]]  # id -> (cabinet, support, pivotal) draw counts
    stopped_by: str | None = None

    @property
    def complete(self) -> bool:
        return self.stopped_by is None and self.draws == self.requested


def tally(problem: Instance, scenario: str | None, seed: int | None, requested: int,
          chunks: Sequence[ChunkResult], stopped_by: str | None) -> SweepResult:
    """The result of the chunks done (those from the first on, without a gap)."""
    counts: Counter[Roles] = Counter()
    figures = [[0, 0, 0] for _ in problem.parties]
    draws = deadlock = 0
    for chunk in chunks:
        draws += chunk.draws
        for outlook, times in zip(chunk.outlooks, chunk.counts, strict=True):
            if not outlook.governments:
                deadlock += times
            for roles in outlook.governments:
                counts[roles] += times
            for i, flags in enumerate(zip(outlook.cabinet, outlook.support, outlook.pivotal,
                                          strict=True)):
                for j, on in enumerate(flags):
                    figures[i][j] += times * on
    ranked = tuple(sorted(counts.items(), key=lambda item: (-item[1], spec_order(item[0]))))
    return SweepResult(problem, scenario, seed, requested, draws, ranked, deadlock,
                       {p: (f[0], f[1], f[2]) for p, f in zip(problem.party_ids, figures,
                                                                strict=True)},
                       stopped_by)


# --- checkpoints ------------------------------------------------------------------------------


class Checkpoint:
    """A folder holding every chunk done of one sweep, each in its own file written whole
    (`chunk-000012.json`), beside `sweep.json`, which says which sweep they belong to."""

    def __init__(self, folder: str, fingerprint: str) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            manifest = self.folder / "sweep.json"
            if manifest.exists():
                said = json.loads(manifest.read_text(encoding="utf-8")).get("fingerprint")
                if said != fingerprint:
                    raise UsageError(
                        f"--checkpoint {folder}: it holds another sweep (the instance, "
                        "scenario, seed, draws or seat table differ); give an empty folder "
                        "or the one of this sweep")
            else:
                _write_whole(manifest, json.dumps({"fingerprint": fingerprint}))
        except (OSError, ValueError) as exc:
            raise UsageError(f"--checkpoint {folder}: cannot use it ({exc})") from None

    def done(self) -> dict[int, ChunkResult]:
        found = {}
        for path in sorted(self.folder.glob("chunk-*.json")):
            try:
                chunk = ChunkResult.from_json(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError):
                continue  # unreadable: that chunk is simply done again
            found[chunk.number] = chunk
        return found

    def save(self, chunk: ChunkResult) -> None:
        try:
            _write_whole(self.folder / f"chunk-{chunk.number:06d}.json",
                         json.dumps(chunk.to_json(), separators=(",", ":")))
        except OSError as exc:
            raise UsageError(f"--checkpoint {self.folder}: cannot write to it ({exc})"
                             ) from None


def _write_whole(path: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


# --- the sweep --------------------------------------------------------------------------------


@dataclass
class SweepProgress:
    """What a progress display needs: draws done (from the first chunk on), of how many."""

    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.monotonic)


def sweep(instance: Instance, scenario: str | None = None, *, draws: int = 1000,
          seed: int = 0, seats: SeatTable | None = None, workers: int | None = None,
          dask: str | None = None, checkpoint: str | None = None,
          time_limit: float | None = None, chunk: int = CHUNK,
          on_progress: Callable[[SweepProgress], None] | None = None) -> SweepResult:
    """How likely each government of the instance (or scenario) is over `draws` parliaments
    drawn from its polls with `seed`, or over the rows of a seat table (`seats`).

    Runs on `workers` local processes (default: every core; 1 runs in this process) or on the
    Dask scheduler at `dask`. `time_limit`, Ctrl-C and SIGTERM end it early with the draws
    done so far, marked incomplete; `checkpoint` keeps every chunk done, for a resume.
    """
    from .engines import engine_for

    problem = resolve(instance, scenario)
    if seats is None:
        PollDraws(problem, seed)  # says clearly what is missing, before any worker starts
        total = draws
    else:
        total = len(seats.rows)
    text = problem.model_dump_json()
    used_seed = seed if seats is None else None
    tasks = []
    for number, start in enumerate(range(0, total, chunk)):
        stop = min(start + chunk, total)
        rows = tuple(seats.rows[start:stop]) if seats is not None else ()
        tasks.append(Task(text, used_seed, number, start, stop, rows))
    fingerprint = hashlib.sha256(json.dumps(
        [text, used_seed, total, chunk,
         [list(d.seats) + [d.unlisted] for d in seats.rows] if seats is not None else None]
    ).encode()).hexdigest()
    saved = Checkpoint(checkpoint, fingerprint) if checkpoint is not None else None
    finished = saved.done() if saved is not None else {}
    progress = SweepProgress(total=total)
    deadline = None if time_limit is None else time.monotonic() + time_limit

    def prefix() -> list[ChunkResult]:
        done = []
        for number in range(len(tasks)):
            if number not in finished:
                break
            done.append(finished[number])
        return done

    def on_done(result: ChunkResult) -> None:
        finished[result.number] = result
        if saved is not None:
            saved.save(result)
        progress.done = sum(c.draws for c in prefix())
        if on_progress is not None:
            on_progress(progress)

    pending = [t for t in tasks if t.number not in finished]
    progress.done = sum(c.draws for c in prefix())
    stopped_by = None
    if pending:
        stopped_by = engine_for(workers, dask).run(pending, on_done, deadline)
    return tally(problem, scenario, used_seed, total, prefix(), stopped_by)

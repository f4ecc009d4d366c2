"""Sweeps: how likely each government is, over many simulated parliaments (`draws`).

For each parliament the question is the coalition level's: which (cabinet, support, abstain)
have an allocation meeting every demand. A sweep asks it thousands of times, so each distinct
question is asked once:

* **Signatures.** The model reads the seats only through a few comparisons
  (`encoding.seat_signature`); parliaments with the same signature have the same answer.
  10,000 draws of the Bundestag of 2017 are 9,993 distinct parliaments but 240 signatures.
* **The coordinator draws, the workers solve.** This process makes the draws in order and
  computes their signatures (a fraction of a millisecond each); only a signature not seen
  before becomes work (`Task`) for an engine (`engines`: this process, a local process pool,
  or a Dask cluster), which answers it with an `Outlook` from the coalition level
  (`coalitions.Listing`). A task lost with its worker is run again; answers are kept by
  signature, so none is counted twice.
* **Partial answers** count the draws from the first on up to the first whose signature is not
  answered yet, so a sweep cut short by its time limit or an interrupt is a smaller sweep of the
  same draws, never a biased one. A `checkpoint` keeps every answer with its draw, so a sweep
  run again redraws (which is cheap) and solves only what it had not, once each answer read
  back is checked against its draw.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ..instance.schema import Instance
from ..instance.transform import resolve
from ..likely.model import FormationModel, shipped
from ..solving.coalitions import Listing
from ..solving.investiture import SeatRules
from ..solving.result import CABINET, SUPPORT
from ..solving.solver import Budget, Stopped
from . import arithmetic
from .checkpoint import Checkpoint, Saved
from .draws import Draw, PollDraws, SeatTable, at_draw
from .forming import Forming
from .governments import Governments, Ranked, in_order, ranked
from .signature import reads_numbers, seat_signature, seat_tables

if TYPE_CHECKING:  # engines run the tasks this module defines
    from .engines import Engine

#: a signature, as a short digest: what coordinator, workers and checkpoints exchange
Key = str
#: draws made between two looks at the engine
STRIDE = 64
#: seconds to count and write each government of the answers counted (measured: 1.4 million
#: Spanish governments in 4.4 million rows took 6.5 s), kept back from a time limit so that
#: a sweep cut short still ends within it
FINISHING = 2e-6


@dataclass(frozen=True)
class Outlook:
    """What one parliament allows: every government (each party's role, in SPEC order) that
    has an allocation meeting every demand, and per party whether it sits in the cabinet of
    one, supports one, or is pivotal in one (moving it into opposition makes that government
    fail its investiture rule)."""

    governments: Governments
    cabinet: tuple[bool, ...]
    support: tuple[bool, ...]
    pivotal: tuple[bool, ...]

    @classmethod
    def of(cls, parliament: Instance, governments: Governments) -> Outlook:
        """The outlook of these governments in this parliament: each party's part in them
        worked out from them (so that a checkpoint keeps only the governments)."""
        roles = governments.array()
        def parts(taking: NDArray[np.bool_]) -> tuple[bool, ...]:
            return tuple(bool(x) for x in np.any(taking, axis=0).tolist())

        return cls(governments, parts(roles == CABINET), parts(roles == SUPPORT),
                   parts(SeatRules.of(parliament).each_needed(roles)))


def outlook(parliament: Instance) -> Outlook:
    """The outlook of one parliament: its coalitions (the coalition level, without member
    ranges or post holders) and each party's part in them."""
    listing = Listing(parliament, detail=False)
    governments = Governments((roles for _, roles in listing.rows()), len(parliament.parties))
    if not listing.complete:  # interrupted: an answer cut short must never be counted
        raise Stopped(listing.stopped or "interrupt")
    return Outlook.of(parliament, governments)


class Parliaments:
    """The sweep's problem in each drawn parliament, and the key of its signature."""

    def __init__(self, problem: Instance) -> None:
        self.problem = problem
        system = problem.electoral_system
        self.majority = system.majority if system is not None else None
        self.weighs = any(reads_numbers(d) for d in problem.demands)
        self.rule = problem.government.investiture

    def at(self, draw: Draw) -> Instance:
        return at_draw(self.problem, draw, self.majority)

    def key(self, draw: Draw) -> Key:
        if self.weighs:
            signature = seat_signature(self.at(draw))
        else:  # the same, without building the instance (a third of the time of a draw)
            government = self.problem.government
            signature = seat_tables(draw.seats, draw.quota(self.majority, government.share),
                                    draw.total, self.rule, government.margin,
                                    self.problem.member_caps(list(draw.seats))) + ((),)
        return hashlib.blake2b(repr(signature).encode(), digest_size=16).hexdigest()


# --- the work, wherever it runs ---------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """Signatures to answer, each with one parliament that has it, and the problem (as JSON,
    so that any machine can rebuild it)."""

    problem: str
    parliaments: tuple[tuple[Key, Draw], ...]


_PROBLEMS: dict[str, Parliaments] = {}


def run_task(task: Task) -> tuple[tuple[Key, Outlook], ...]:
    """Answer a task (in whichever process runs it)."""
    digest = hashlib.sha256(task.problem.encode()).hexdigest()
    if digest not in _PROBLEMS:
        _PROBLEMS.clear()
        _PROBLEMS[digest] = Parliaments(Instance.model_validate_json(task.problem))
    parliaments = _PROBLEMS[digest]
    return tuple((key, outlook(parliaments.at(draw))) for key, draw in task.parliaments)


# --- the result -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    """A sweep's answer: over `draws` parliaments (of `requested`), how many allowed each
    government, how many none (`deadlock`), and per party in how many it could sit in
    cabinet, support, or be pivotal; `solved`: how many searches the solver made (one per
    distinct signature; one in all where the sweep was decided by arithmetic)."""

    instance: Instance
    scenario: str | None
    seed: int | None
    requested: int
    draws: int
    governments: Ranked  # by count (most first), then SPEC order
    deadlock: int
    parties: dict[str, tuple[int, int, int]]  # id -> (cabinet, support, pivotal) draw counts
    stopped_by: str | None = None
    solved: int = 0
    #: P(forms): per cabinet (party indexes), the sum over the draws of the formation model's
    #: probability that it forms, and the draws it was possible in; the most likely first
    cabinets: tuple[tuple[tuple[int, ...], float, int], ...] = ()

    @property
    def complete(self) -> bool:
        return self.stopped_by is None and self.draws == self.requested


def tally(problem: Instance, scenario: str | None, seed: int | None, requested: int,
          seen: Iterable[tuple[Outlook, int]], stopped_by: str | None,
          solved: int, forming: Forming | None = None) -> SweepResult:
    """The result of these outlooks, each seen in so many draws."""
    figures = [[0, 0, 0] for _ in problem.parties]
    draws = deadlock = 0
    answers = []
    for found, times in seen:
        draws += times
        if not found.governments:
            deadlock += times
        answers.append((found.governments, times))
        for i, flags in enumerate(zip(found.cabinet, found.support, found.pivotal,
                                      strict=True)):
            for j, on in enumerate(flags):
                figures[i][j] += times * on
    return SweepResult(problem, scenario, seed, requested, draws,
                       ranked(answers, len(problem.parties)), deadlock,
                       {p: (f[0], f[1], f[2]) for p, f in zip(problem.party_ids, figures,
                                                                strict=True)},
                       stopped_by, solved, forming.ranked() if forming is not None else ())


def counted(problem: Instance, scenario: str | None, seed: int | None, requested: int,
            decided: arithmetic.Decided, forming: Forming) -> SweepResult:
    """The result of a sweep decided by arithmetic."""
    governments = in_order(decided.roles, decided.counts)
    parties = {p: (int(f[0]), int(f[1]), int(f[2]))
               for p, f in zip(problem.party_ids, decided.figures, strict=True)}
    return SweepResult(problem, scenario, seed, requested, decided.draws, governments,
                       decided.deadlock, parties, decided.stopped_by, 1, forming.ranked())


# --- the sweep --------------------------------------------------------------------------------


@dataclass
class SweepProgress:
    """What a progress display needs: draws answered (from the first on), of how many."""

    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.monotonic)


def sweep(instance: Instance, scenario: str | None = None, *, draws: int = 1000,
          seed: int = 0, seats: SeatTable | None = None, workers: int | None = None,
          dask: str | None = None, checkpoint: str | None = None,
          time_limit: float | None = None,
          on_progress: Callable[[SweepProgress], None] | None = None,
          model: FormationModel | None = None, by_arithmetic: bool = True) -> SweepResult:
    """How likely each government of the instance (or scenario) is over `draws` parliaments
    drawn from its polls with `seed`, or over the rows of a seat table (`seats`): possible
    (it has a deal) and likely (the formation model, `model` or the shipped one, says it
    forms: `forming`).

    Solves on `workers` local processes (default: every core; 1 solves in this process) or
    on the Dask scheduler at `dask`. `time_limit`, Ctrl-C and SIGTERM end it early with the
    draws answered so far, marked incomplete; `checkpoint` keeps every answer, for a resume.
    A local pool starts fresh processes, which import the caller's main module: a script
    calling this needs the usual `if __name__ == "__main__":` guard.

    Where no demand reads the seats, and without a checkpoint or a cluster, the draws are
    decided by arithmetic in this process (`arithmetic`; `by_arithmetic=False` solves each
    distinct parliament instead, with the same answer).
    """
    from .engines import engine_for

    problem = resolve(instance, scenario)
    source: PollDraws | SeatTable = (seats.padded(len(problem.parties)) if seats is not None
                                     else PollDraws(problem, seed))
    total = len(source) if isinstance(source, SeatTable) else draws
    used_seed = None if isinstance(source, SeatTable) else seed
    text = problem.model_dump_json()
    parliaments = Parliaments(problem)
    saved = (Checkpoint(checkpoint, _fingerprint(text, used_seed, seats))
             if checkpoint is not None else None)
    known = {key: Outlook.of(parliament, governments) for key, parliament, governments
             in (saved.answers(parliaments) if saved is not None else ())}
    forming = Forming(problem, parliaments.majority, model or shipped())
    started = time.monotonic()
    if by_arithmetic and saved is None and dask is None and arithmetic.applies(problem):
        decided = _by_arithmetic(parliaments, source, total, time_limit, on_progress, forming)
        if decided is not None:
            return counted(problem, scenario, used_seed, total, decided, forming)
        forming = Forming(problem, parliaments.majority, model or shipped())  # from draw 0
    coordinator = _Coordinator(parliaments, source, total, text, known, saved, on_progress,
                               forming)
    deadline = None if time_limit is None else started + time_limit
    with engine_for(workers, dask) as engine:
        stopped_by = coordinator.run(engine, deadline)
    return tally(problem, scenario, used_seed, total, coordinator.seen(), stopped_by,
                 coordinator.solved, forming)


def _fingerprint(problem: str, seed: int | None, seats: SeatTable | None) -> str:
    """What a checkpoint must have been made by: the problem, the seed or the seat table."""
    return hashlib.sha256(json.dumps(
        [problem, seed, seats.digest() if seats is not None else None]).encode()).hexdigest()


def _by_arithmetic(parliaments: Parliaments, source: PollDraws | SeatTable, total: int,
                   time_limit: float | None,
                   on_progress: Callable[[SweepProgress], None] | None,
                   forming: Forming) -> arithmetic.Decided | None:
    """`arithmetic.decide`, with the sweep's time limit, Ctrl-C and SIGTERM, and progress."""
    progress = SweepProgress(total=total)

    def on_draw(done: int) -> None:
        progress.done = done
        if on_progress is not None and (done % STRIDE == 0 or done == total):
            on_progress(progress)

    budget = Budget(time_limit)
    with budget.stopped_by_signals():
        return arithmetic.decide(parliaments.problem, parliaments.majority, source, total,
                                 budget, forming, on_draw)


class _Coordinator:
    """Draws in order, sends each new signature out once, and keeps the answered prefix."""

    def __init__(self, parliaments: Parliaments, source: PollDraws | SeatTable, total: int,
                 problem: str, known: dict[Key, Outlook], saved: Checkpoint | None,
                 on_progress: Callable[[SweepProgress], None] | None,
                 forming: Forming) -> None:
        self.parliaments, self.source, self.total = parliaments, source, total
        self.problem = problem
        self.known = known  # signature -> its answer
        self.saved = saved
        self.on_progress = on_progress
        self.made = 0  # draws made
        #: the draws made and not answered yet, with their signatures
        self.waiting: deque[tuple[Key, Draw]] = deque()
        self.forming = forming
        self.interned: dict[Key, Key] = {}  # one string per signature, however many draws
        self.sent: dict[Key, Draw] = {}  # the signatures out for an answer, with their draws
        self.batch: list[tuple[Key, Draw]] = []
        self.counts: Counter[Key] = Counter()  # over the answered prefix
        self.progress = SweepProgress(total=total)
        self.solved = 0
        self.rows = 0  # governments in the distinct answers counted, what finishing costs

    def run(self, engine: Engine, deadline: float | None) -> str | None:
        """Draw, send and learn until every draw is answered; what ended it early. Ctrl-C and
        SIGTERM are taken between two steps (never in the middle of counting a draw)."""
        from .engines import TICK

        signals = Budget()
        try:
            with signals.stopped_by_signals():
                while self.progress.done < self.total:
                    if signals.stopped is not None:
                        return "interrupt"
                    if deadline is not None and time.monotonic() >= self._ending(deadline):
                        return "time limit"
                    self._step(engine, deadline, TICK)
        except (KeyboardInterrupt, Stopped):
            return "interrupt"
        return None

    def _ending(self, deadline: float) -> float:
        """When the work must end for the sweep to end by `deadline`: earlier by the time
        counting and writing the governments found so far takes (`FINISHING`)."""
        return deadline - FINISHING * self.rows

    def _step(self, engine: Engine, deadline: float | None, tick: float) -> None:
        drawing = self.made < self.total and engine.room()
        if drawing:
            self._draw(min(self.made + STRIDE, self.total))
        batch = engine.batch
        while len(self.batch) >= batch or (self.batch and not drawing):  # tasks of at most
            # `batch`: a stride of many new signatures must not become one long task
            engine.submit(run_task, Task(self.problem, tuple(self.batch[:batch])))
            self.batch = self.batch[batch:]
        wait = 0.0 if drawing else tick
        if deadline is not None:
            wait = max(min(wait, self._ending(deadline) - time.monotonic()), 0.0)
        for answers in engine.answers(wait):
            self._learn(answers)
        self._advance()

    def _draw(self, until: int) -> None:
        for index in range(self.made, until):
            draw = self.source.draw(index)
            key = self.parliaments.key(draw)
            key = self.interned.setdefault(key, key)
            self.waiting.append((key, draw))
            if key not in self.known and key not in self.sent:
                self.sent[key] = draw
                self.batch.append((key, draw))
        self.made = until

    def _learn(self, answers: tuple[tuple[Key, Outlook], ...]) -> None:
        self.solved += len(answers)
        self.known.update(answers)
        saved = [Saved(key, self.sent.pop(key), found.governments) for key, found in answers
                 if key in self.sent]  # a task run twice (its worker lost) answers twice
        if self.saved is not None and saved:
            self.saved.save(saved)

    def _advance(self) -> None:
        before = self.progress.done
        while self.waiting and self.waiting[0][0] in self.known:
            key, draw = self.waiting.popleft()
            if key not in self.counts:
                self.rows += len(self.known[key].governments)
            self.counts[key] += 1
            self.forming.add(draw, self.known[key].governments)
            self.progress.done += 1
        if self.progress.done > before and self.on_progress is not None:
            self.on_progress(self.progress)

    def seen(self) -> list[tuple[Outlook, int]]:
        return [(self.known[key], times) for key, times in self.counts.items()]

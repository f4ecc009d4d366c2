"""The solver interface: the only module that creates a CP-SAT solver.

Two kinds of work, each with the parameters measured for it (../shared/CPSAT-NOTES.md):

* **Decisions** (`Solver`): is the model satisfiable under these assumptions, give a solution,
  give a core, find an optimum. One worker, CP-SAT's default linearization (level 0 made single
  explanation solves up to 10x slower). Each question leaves the model exactly as it found it:
  assumptions and objective are cleared whatever happens. Work that must add constraints (fix a
  value, block a solution) does it on `model.clone()`, never on a model another step reuses.
* **Enumeration** (`Search`): every solution, one worker (two lose solutions), linearization
  level 0 (20-80x faster), in a background thread that hands solutions over in batches, so the
  caller iterates them as they are found and can stop at any time; Ctrl-C stops the search
  instead of raising, and the caller keeps what was found.

Solver statuses are read in one place (`_feasible`): OPTIMAL/FEASIBLE, INFEASIBLE, and anything
else, which means the solve was stopped (`Stopped`) or the model is invalid (a bug: `RuntimeError`).
"""

from __future__ import annotations

import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import Any, Generic, TypeVar, cast

from ortools.sat.python import cp_model

T = TypeVar("T")
#: a literal CP-SAT accepts as an assumption: a boolean variable or its negation
Assumption = Any
_DONE = object()


class Stopped(Exception):
    """A decision solve ended without an answer: its time limit ran out, or it was stopped."""


def _parameters(solver: cp_model.CpSolver, *, enumerate_all: bool, presolve: bool = True,
                time_limit: float | None = None) -> None:
    p = solver.parameters
    p.num_workers = 1
    p.enumerate_all_solutions = enumerate_all
    if enumerate_all:
        p.linearization_level = 0
    p.cp_model_presolve = presolve
    p.catch_sigint_signal = False  # CP-SAT's own handler aborts the process off the main thread
    if time_limit is not None:
        p.max_time_in_seconds = max(time_limit, 0.0)


def _feasible(solver: cp_model.CpSolver, status: Any, model: cp_model.CpModel) -> bool:
    """True: a solution was found; False: proven infeasible; otherwise raise."""
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    if status == cp_model.INFEASIBLE:
        return False
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"invalid CP-SAT model: {model.validate()}")
    raise Stopped(f"CP-SAT stopped with status {solver.status_name(status)}")


class Solver:
    """Decision questions about one model, each under assumptions (literals assumed true).

    `presolve=False` suits many small solves on one model with different assumptions (the
    coalition analysis: 1 ms each instead of 18 ms). `deadline` (a `time.monotonic()` value)
    bounds every solve; past it, a question raises `Stopped`.
    """

    def __init__(self, model: cp_model.CpModel, *, presolve: bool = True,
                 deadline: float | None = None) -> None:
        self.model = model
        self.deadline = deadline
        self._solver = cp_model.CpSolver()
        _parameters(self._solver, enumerate_all=False, presolve=presolve)

    def _solve(self, assume: Sequence[Assumption]) -> Any:
        if self.deadline is not None:
            self._solver.parameters.max_time_in_seconds = max(
                self.deadline - time.monotonic(), 0.0)
        self.model.clear_assumptions()
        try:
            self.model.add_assumptions([a for a in assume if not isinstance(a, bool)])
            return self._solver.solve(self.model)
        finally:
            self.model.clear_assumptions()

    def solution(self, assume: Sequence[Assumption] = ()) -> list[int] | None:
        """The values of every variable in one solution (by variable index), or None."""
        if any(a is False for a in assume):
            return None
        status = self._solve(assume)
        if not _feasible(self._solver, status, self.model):
            return None
        return list(self._solver.response_proto.solution)

    def satisfiable(self, assume: Sequence[Assumption] = ()) -> bool:
        return self.solution(assume) is not None

    def core(self, assume: Sequence[Assumption]) -> list[int] | None:
        """None if satisfiable under `assume`; else the literal indexes of a subset of the
        assumptions that is already infeasible (CP-SAT's core: not necessarily minimal)."""
        status = self._solve(assume)
        if _feasible(self._solver, status, self.model):
            return None
        return list(self._solver.sufficient_assumptions_for_infeasibility())

    def optimum(self, objective: cp_model.LinearExprT, *, maximise: bool = False,
                assume: Sequence[Assumption] = ()) -> tuple[int, list[int]] | None:
        """(optimal value, a solution reaching it), or None if infeasible."""
        if maximise:
            self.model.maximize(objective)
        else:
            self.model.minimize(objective)
        try:
            status = self._solve(assume)
        finally:
            self.model.clear_objective()  # type: ignore[no-untyped-call]  # unannotated upstream
        if not _feasible(self._solver, status, self.model):
            return None
        if status != cp_model.OPTIMAL:
            raise Stopped("CP-SAT stopped before proving the optimum")
        return round(self._solver.objective_value), list(self._solver.response_proto.solution)


# --- enumeration ----------------------------------------------------------------------------------


def value_reader(indexes: Sequence[int]) -> Callable[[Sequence[int]], tuple[int, ...]]:
    """A fast reader of the given variables' values from a flat solution vector."""
    if not indexes:
        return lambda _solution: ()
    getter = itemgetter(*indexes)
    if len(indexes) == 1:
        return lambda solution: (getter(solution),)
    return getter


class _Collector(cp_model.CpSolverSolutionCallback):
    """Decodes each solution and hands them over in batches: one handover per solution costs
    more than the solver itself (both threads take turns on the GIL)."""

    def __init__(self, search: Search[Any]) -> None:
        super().__init__()
        self.search = search
        self.batch: list[Any] = []
        self.handed = time.monotonic()

    def on_solution_callback(self) -> None:
        search = self.search
        if search.stopped is not None:
            return
        self.batch.append(search.decode(self.response_proto.solution))
        search.found += 1
        if search.limit is not None and search.found >= search.limit:
            search.stop("limit")
            self.flush()
        elif len(self.batch) >= 512 or time.monotonic() - self.handed > 0.05:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.search.queue.put(self.batch)
            self.batch = []
        self.handed = time.monotonic()


class Search(Generic[T]):
    """Every solution of `model`, decoded by `decode`, as an iterator; then `complete`.

    The model is only read. `stopped` says what ended the search early ("limit", "time limit"
    or "interrupt"), None if it ran to its end.
    """

    def __init__(self, model: cp_model.CpModel, decode: Callable[[Sequence[int]], T], *,
                 limit: int | None = None, time_limit: float | None = None) -> None:
        self.model = model
        self.decode = decode
        self.limit = limit
        self.solver = cp_model.CpSolver()
        _parameters(self.solver, enumerate_all=True, time_limit=time_limit)
        self.queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.found = 0
        self.stopped: str | None = None
        self._ended = False
        self._error: BaseException | None = None

    def stop(self, reason: str) -> None:
        """Ask the search to end early; safe from any thread and more than once."""
        if self.stopped is None:
            self.stopped = reason
        self.solver.stop_search()

    @property
    def complete(self) -> bool:
        """Every solution was found: the search ran to its end (proof included)."""
        return self._ended and self.stopped is None

    def _run(self) -> None:
        collector = _Collector(self)
        try:
            status = self.solver.solve(self.model, collector)
            collector.flush()
            try:
                if _feasible(self.solver, status, self.model) and status != cp_model.OPTIMAL:
                    self.stopped = self.stopped or "time limit"
            except Stopped:
                self.stopped = self.stopped or "time limit"
            self._ended = True
        except BaseException as exc:  # handed to the consuming thread, which re-raises it
            self._error = exc
        finally:
            self.queue.put(_DONE)

    def __iter__(self) -> Iterator[T]:
        thread = threading.Thread(target=self._run, name="cp-sat", daemon=True)
        interrupts = threading.current_thread() is threading.main_thread()
        if interrupts:  # while the search runs, Ctrl-C stops it instead of raising
            previous = signal.signal(signal.SIGINT, lambda *_: self.stop("interrupt"))
        thread.start()
        try:
            while True:
                try:
                    item = self.queue.get(timeout=0.25)
                except queue.Empty:
                    continue
                if item is _DONE:
                    break
                yield from cast(list[T], item)
        finally:
            if thread.is_alive():  # the consumer left early: stop the solver and wait for it
                self.stop(self.stopped or "limit")
                thread.join()
            if interrupts:
                signal.signal(signal.SIGINT, previous)
        if self._error is not None:
            raise self._error

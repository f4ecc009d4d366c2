"""The solver interface: the only module that creates a CP-SAT solver.

Two kinds of work, each with the parameters measured for it (docs/cpsat.md):

* **Decisions** (`Solver`): is the model satisfiable under these assumptions, give a solution,
  give a core, find an optimum. One worker, CP-SAT's default linearization (level 0 made single
  explanation solves up to 10x slower). Each question leaves the model exactly as it found it:
  assumptions and objective are cleared whatever happens. Work that must add constraints (fix a
  value, block a solution) does it on `model.clone()`, never on a model another step reuses.
* **Enumeration** (`Search`): every solution, one worker (two lose solutions), linearization
  level 0 (20-80x faster) and presolve off: with presolve on, level 0 silently lost solutions
  (47 of 53 on a 4-party instance with a party-less `veto_leader`; tests/test_differential.py
  keeps it), while presolve off costs about 15%. Fixed search (variables in model order,
  smallest value first) enumerates 25-30% faster than CP-SAT's default branching (82,324
  canonical coalitions 5.4 s -> 4.1 s; 200,000 allocations of spain-2019 9.7 s -> 6.6 s). It
  runs in a background thread that hands solutions over in batches, so the caller iterates
  them as they are found and can stop at any time; Ctrl-C and SIGTERM stop the search instead of
  raising, and the caller keeps what was found.

Solver statuses are read in one place (`_feasible`): OPTIMAL/FEASIBLE, INFEASIBLE, and anything
else, which means the solve was stopped (`Stopped`) or the model is invalid (a bug: `RuntimeError`).
"""

from __future__ import annotations

import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from operator import itemgetter
from typing import Any, Generic, TypeVar, cast

from ortools.sat.python import cp_model

T = TypeVar("T")
#: a literal CP-SAT accepts as an assumption: a boolean variable or its negation
Assumption = Any
_DONE = object()


class Stopped(Exception):
    """A solve ended without an answer: the time limit ran out, or the run was interrupted."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Budget:
    """What a whole run may still spend, shared by all its phases (listing, conflict,
    relaxations, binding demands, checks): a deadline, and whether it was asked to stop.

    `stop` also stops every solve in progress under the budget. `run` makes a phase
    interruptible. `on_phase` hears the name of each phase as it starts (for progress).
    """

    def __init__(self, time_limit: float | None = None,
                 on_phase: Callable[[str], None] | None = None) -> None:
        self.deadline = None if time_limit is None else time.monotonic() + time_limit
        self.stopped: str | None = None
        self.on_phase = on_phase
        self._running: set[cp_model.CpSolver] = set()

    def remaining(self) -> float | None:
        return None if self.deadline is None else max(self.deadline - time.monotonic(), 0.0)

    def stop(self, reason: str) -> None:
        """No solve may start any more, and those in progress end now; safe from any thread."""
        if self.stopped is None:
            self.stopped = reason
        for solver in list(self._running):
            solver.stop_search()

    def run(self, work: Callable[[], T]) -> T:
        """`work()`, interruptible: on the main thread it runs on a worker thread, so that the
        main thread can take Ctrl-C (or SIGTERM, which the CLI turns into the same) while CP-SAT
        computes. The budget is then stopped; `work` sees that at its next solve and returns
        what it found (each phase turns `Stopped` into a partial answer)."""
        if threading.current_thread() is not threading.main_thread():
            return work()
        future = _worker().submit(work)
        while True:
            try:
                return future.result()
            except KeyboardInterrupt:
                self.stop("interrupt")

    @contextmanager
    def stopped_by_signals(self) -> Iterator[None]:
        """While inside (on the main thread), Ctrl-C and SIGTERM stop this budget instead of
        raising; a signal the parent process told us to ignore stays ignored."""
        signals = _signals_to_take()
        previous = {s: signal.signal(s, lambda *_: self.stop("interrupt")) for s in signals}
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def solving(self, solver: cp_model.CpSolver, model: cp_model.CpModel,
                callback: cp_model.CpSolverSolutionCallback | None = None) -> Any:
        """`solver.solve(model)`, stoppable through this budget."""
        self._running.add(solver)
        try:
            self.check()  # a stop that came before the solver was registered
            return solver.solve(model, callback)
        finally:
            self._running.discard(solver)

    def check(self) -> None:
        """Raise `Stopped` if the run was stopped or its time is up."""
        if self.stopped is None and self.remaining() == 0.0:
            self.stop("time limit")
        if self.stopped is not None:
            raise Stopped(self.stopped)

    def phase(self, name: str) -> None:
        if self.on_phase is not None:
            self.on_phase(name)


_WORKER: ThreadPoolExecutor | None = None


def _signals_to_take() -> list[signal.Signals]:
    """SIGINT and SIGTERM, where this thread may handle them and they are not ignored."""
    if threading.current_thread() is not threading.main_thread():
        return []
    return [s for s in (signal.SIGINT, signal.SIGTERM)
            if signal.getsignal(s) is not signal.SIG_IGN]


def _worker() -> ThreadPoolExecutor:
    global _WORKER
    if _WORKER is None:
        _WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="phase")
    return _WORKER


def _parameters(solver: cp_model.CpSolver, *, enumerate_all: bool, presolve: bool = True,
                time_limit: float | None = None) -> None:
    p = solver.parameters
    p.num_workers = 1
    p.enumerate_all_solutions = enumerate_all
    if enumerate_all:  # both together: see the module docstring
        p.linearization_level = 0
        presolve = False
        p.search_branching = cp_model.FIXED_SEARCH
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
    raise Stopped("time limit")


class Solver:
    """Decision questions about one model, each under assumptions (literals assumed true).

    `presolve=False` suits many small solves on one model with different assumptions (the
    coalition analysis: 1 ms each instead of 18 ms); `light=True` adds linearization level 0,
    which halves those (measured on 1,500 D'Hondt cabinets: 2.7 ms -> 1.3 ms a solve) but made
    the explanation's larger solves up to 10x slower. `budget` bounds every solve; once it is
    spent or stopped, a question raises `Stopped`.
    """

    def __init__(self, model: cp_model.CpModel, *, presolve: bool = True, light: bool = False,
                 budget: Budget | None = None) -> None:
        self.model = model
        self.budget = budget or Budget()
        self._solver = cp_model.CpSolver()
        _parameters(self._solver, enumerate_all=False, presolve=presolve)
        if light:
            self._solver.parameters.linearization_level = 0

    def _solve(self, assume: Sequence[Assumption]) -> Any:
        self.budget.check()
        remaining = self.budget.remaining()
        if remaining is not None:
            self._solver.parameters.max_time_in_seconds = remaining
        self.model.clear_assumptions()
        try:
            self.model.add_assumptions([a for a in assume if not isinstance(a, bool)])
            status = self.budget.solving(self._solver, self.model)
        finally:
            self.model.clear_assumptions()
        if status == cp_model.UNKNOWN:
            self.budget.check()  # the time limit ran out during the solve
        return status

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
            cast(Any, self.model).clear_objective()  # unannotated upstream
        if not _feasible(self._solver, status, self.model):
            return None
        if status != cp_model.OPTIMAL:
            self.budget.stop("time limit")
            raise Stopped("time limit")
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
    or "interrupt"), None if it ran to its end; a time limit or an interrupt also stops the
    `budget` the search runs under, so that later phases do not start.
    """

    def __init__(self, model: cp_model.CpModel, decode: Callable[[Sequence[int]], T], *,
                 limit: int | None = None, budget: Budget | None = None) -> None:
        self.model = model
        self.decode = decode
        self.limit = limit
        self.budget = budget or Budget()
        self.solver = cp_model.CpSolver()
        _parameters(self.solver, enumerate_all=True, time_limit=self.budget.remaining())
        self.queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.found = 0
        self.stopped: str | None = None
        self._ended = False
        self._error: BaseException | None = None

    def stop(self, reason: str) -> None:
        """Ask the search to end early; safe from any thread and more than once."""
        if self.stopped is None:
            self.stopped = reason
        if reason != "limit":
            self.budget.stop(reason)
        self.solver.stop_search()

    @property
    def complete(self) -> bool:
        """Every solution was found: the search ran to its end (proof included)."""
        return self._ended and self.stopped is None

    def _run(self) -> None:
        collector = _Collector(self)
        try:
            try:
                status = self.budget.solving(self.solver, self.model, collector)
            except Stopped as stop:
                self.stop(stop.reason)
                return
            collector.flush()
            cut = self.stopped or self.budget.stopped or "time limit"
            try:
                if _feasible(self.solver, status, self.model) and status != cp_model.OPTIMAL:
                    self.stop(cut)
            except Stopped:
                self.stop(cut)
            self._ended = True
        except BaseException as exc:  # handed to the consuming thread, which re-raises it
            self._error = exc
        finally:
            self.queue.put(_DONE)

    def __iter__(self) -> Iterator[T]:
        thread = threading.Thread(target=self._run, name="cp-sat", daemon=True)
        # while the search runs, Ctrl-C and SIGTERM stop it instead of raising
        previous = {s: signal.signal(s, lambda *_: self.stop("interrupt"))
                    for s in _signals_to_take()}
        thread.start()
        ended = False
        try:
            while True:
                try:
                    item = self.queue.get(timeout=0.25)
                except queue.Empty:
                    continue
                if item is _DONE:
                    ended = True
                    break
                yield from cast(list[T], item)
        finally:
            # the consumer left before the end: stop the solver. (Not "the thread is alive": it
            # may still be winding down after handing over _DONE, and the search is complete.)
            if not ended:
                self.stop(self.stopped or "limit")
            thread.join()
            for number, handler in previous.items():
                signal.signal(number, handler)
        if self._error is not None:
            raise self._error

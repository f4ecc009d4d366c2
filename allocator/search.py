"""The CP-SAT solver interface: enumerate every solution of a model, one worker, in a thread.

The solver runs in a background thread and hands solutions over through a queue, so that a
caller can iterate them as they are found and stop early. While a search runs, Ctrl-C asks CP-SAT
to stop (instead of raising KeyboardInterrupt) and the caller still gets what was found.
"""

from __future__ import annotations

import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import Any, Generic, TypeVar

from ortools.sat.python import cp_model

T = TypeVar("T")
_DONE = object()


def parameters(solver: cp_model.CpSolver, *, enumerate_all: bool = False,
               time_limit: float | None = None) -> None:
    """Settings measured in ../shared/CPSAT-NOTES.md: one worker (two lose solutions when
    enumerating), no linearization (20-80x faster enumeration), exact and deterministic."""
    p = solver.parameters
    p.num_workers = 1
    p.linearization_level = 0
    p.enumerate_all_solutions = enumerate_all
    p.catch_sigint_signal = False  # CP-SAT's own handler aborts the process off the main thread
    if time_limit is not None:
        p.max_time_in_seconds = time_limit


def value_reader(indexes: Sequence[int]) -> Callable[[Sequence[int]], tuple[int, ...]]:
    """A fast reader of the given variables' values from a flat solution vector."""
    if not indexes:
        return lambda _solution: ()
    getter = itemgetter(*indexes)
    if len(indexes) == 1:
        return lambda solution: (getter(solution),)
    return getter  # type: ignore[return-value]


class _Collector(cp_model.CpSolverSolutionCallback):
    """Decodes each solution and hands them over in batches: one handover per solution costs
    more than the solver itself (both threads take turns on the GIL)."""

    def __init__(self, search: Search[T]) -> None:
        super().__init__()
        self.search = search
        self.batch: list[T] = []
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
    """All solutions of `model`, decoded by `decode`, as an iterator; then `complete`."""

    def __init__(self, model: cp_model.CpModel, decode: Callable[[Sequence[int]], T], *,
                 limit: int | None = None, time_limit: float | None = None) -> None:
        self.model = model
        self.decode = decode
        self.limit = limit
        self.solver = cp_model.CpSolver()
        parameters(self.solver, enumerate_all=True, time_limit=time_limit)
        self.queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.found = 0
        self.stopped: str | None = None
        self.status: Any = None  # a CpSolverStatus once the search has ended
        self._error: BaseException | None = None

    def stop(self, reason: str) -> None:
        """Ask the search to end early; safe from any thread and more than once."""
        if self.stopped is None:
            self.stopped = reason
        self.solver.stop_search()

    @property
    def complete(self) -> bool:
        """Every solution was found: the search ran to its end (proof included)."""
        return self.status in (cp_model.OPTIMAL, cp_model.INFEASIBLE) and self.stopped is None

    def _run(self) -> None:
        collector = _Collector(self)
        try:
            self.status = self.solver.solve(self.model, collector)
            collector.flush()
            if self.status == cp_model.MODEL_INVALID:
                raise RuntimeError(f"invalid CP-SAT model: {self.model.validate()}")
            if self.status in (cp_model.FEASIBLE, cp_model.UNKNOWN) and self.stopped is None:
                self.stopped = "time limit"
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
                yield from item  # type: ignore[misc]
        finally:
            if thread.is_alive():  # the consumer left early: stop the solver and wait for it
                self.stop(self.stopped or "limit")
                thread.join()
            if interrupts:
                signal.signal(signal.SIGINT, previous)
        if self._error is not None:
            raise self._error

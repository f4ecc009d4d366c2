"""Where a sweep's chunks run: in this process, on a local process pool, or on a Dask cluster.

Every engine takes the chunks still to do, hands each answer to `on_done` as it comes (in any
order: the sweep keeps them by chunk number), and returns why it stopped early ("time limit",
"interrupt") or None. A chunk lost with a worker that died is run again; an answer is only
ever given once per chunk. Ctrl-C and SIGTERM (which the CLI turns into Ctrl-C) reach only this
process: workers ignore Ctrl-C and are ended by the engine.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from .errors import UsageError
from .solver import Stopped
from .sweep import ChunkResult, Task, run_chunk

Done = Callable[[ChunkResult], None]
#: a chunk whose worker died this many times is not tried again: the sweep fails instead
MAX_TRIES = 3
#: how often a waiting engine looks at the clock
TICK = 0.2


class Engine(Protocol):
    def run(self, tasks: Sequence[Task], on_done: Done, deadline: float | None) -> str | None:
        ...


def engine_for(workers: int | None, dask: str | None) -> Engine:
    if dask is not None:
        return DaskCluster(dask)
    count = workers if workers is not None else (os.cpu_count() or 1)
    return InProcess() if count <= 1 else LocalPool(count)


def _late(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _wait_for(deadline: float | None) -> float:
    return TICK if deadline is None else max(min(TICK, deadline - time.monotonic()), 0.0)


class InProcess:
    """One chunk after another, here (`--workers 1`)."""

    def run(self, tasks: Sequence[Task], on_done: Done, deadline: float | None) -> str | None:
        try:
            for task in tasks:
                if _late(deadline):
                    return "time limit"
                on_done(run_chunk(task))
        except (KeyboardInterrupt, Stopped):
            return "interrupt"
        return None


def _ignore_interrupts() -> None:
    """In a pool's worker: Ctrl-C at the terminal is for the sweep, which ends the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class LocalPool:
    """A pool of `workers` processes on this machine (started fresh, not forked, so that no
    solver thread of this process is copied into them)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def run(self, tasks: Sequence[Task], on_done: Done, deadline: float | None) -> str | None:
        todo = {t.number: t for t in tasks}
        tries = dict.fromkeys(todo, 0)
        while todo:
            pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(
                "spawn"), initializer=_ignore_interrupts)
            futures: dict[Future[ChunkResult], int] = {pool.submit(run_chunk, t): n
                                                       for n, t in todo.items()}
            try:
                stopped = self._collect(futures, todo, tries, on_done, deadline)
            except KeyboardInterrupt:
                stopped = "interrupt"
            finally:
                _end(pool)
            if stopped is not None:
                return stopped
        return None

    def _collect(self, futures: dict[Future[ChunkResult], int], todo: dict[int, Task],
                 tries: dict[int, int], on_done: Done, deadline: float | None) -> str | None:
        """Answers as they come; None when all came or the pool broke (a worker died: the
        chunks left are run on a new pool), else why it stopped."""
        while futures:
            if _late(deadline):
                return "time limit"
            done, _ = wait(futures, timeout=_wait_for(deadline), return_when=FIRST_COMPLETED)
            broken = False
            for future in sorted(done, key=futures.__getitem__):
                number = futures.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken = True
                    tries[number] += 1
                    if tries[number] >= MAX_TRIES:
                        raise RuntimeError(f"chunk {number} of the sweep was lost with its "
                                           f"worker {MAX_TRIES} times") from None
                    continue
                del todo[number]
                on_done(result)
            if broken:
                return None
        return None


def _end(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel what has not started and end the workers (a chunk in progress
    is simply not counted)."""
    pool.shutdown(wait=False, cancel_futures=True)
    # the executor keeps its processes private; ending them is the only way not to wait for
    # a chunk in progress
    processes: dict[Any, Any] = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        if process.is_alive():
            process.terminate()
    pool.shutdown(wait=True)


class DaskCluster:
    """The chunks as tasks on a Dask distributed scheduler (`dask scheduler`, with workers
    started by `dask worker ADDRESS` on any machine that has allocator installed). Dask runs
    a task again elsewhere when its worker dies; a task that keeps killing workers ends the
    sweep with an error."""

    def __init__(self, address: str) -> None:
        self.address = address

    def run(self, tasks: Sequence[Task], on_done: Done, deadline: float | None) -> str | None:
        try:
            from distributed import Client
        except ImportError:
            raise UsageError("--dask needs Dask's distributed scheduler: "
                             "pip install 'allocator[dask]'") from None
        try:
            client = Client(  # type: ignore[no-untyped-call]  # unannotated upstream
                self.address, timeout=5, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageError(f"--dask {self.address}: cannot reach a Dask scheduler there "
                             f"({exc}). Start one with `dask scheduler` and workers with "
                             f"`dask worker {self.address}`") from None
        try:
            return self._collect(client, tasks, on_done, deadline)
        except KeyboardInterrupt:
            return "interrupt"
        finally:
            client.close()  # type: ignore[no-untyped-call]  # unannotated upstream

    def _collect(self, client: Any, tasks: Sequence[Task], on_done: Done,
                 deadline: float | None) -> str | None:
        from distributed import wait as dask_wait

        futures = {client.submit(run_chunk, t, pure=False, retries=MAX_TRIES - 1): t.number
                   for t in tasks}
        try:
            while futures:
                if _late(deadline):
                    return "time limit"
                try:
                    done, _ = dask_wait(  # type: ignore[no-untyped-call]  # unannotated
                        list(futures), timeout=_wait_for(deadline) or TICK,
                        return_when="FIRST_COMPLETED")
                except TimeoutError:
                    continue
                for future in sorted(done, key=futures.__getitem__):
                    futures.pop(future)
                    on_done(future.result())  # a task that failed every try raises here
            return None
        finally:
            if futures:
                client.cancel(list(futures))

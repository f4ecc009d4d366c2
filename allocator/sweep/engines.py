"""Where the work of a sweep or a dataset runs: in this process, on a local process pool, or on
a Dask cluster.

Every engine is used the same way, as a context manager: `submit` a task (a module-level
function and its argument, both picklable), ask for the `answers` that came (waiting at most
so long), ask whether it has `room` for more (a bounded number in flight, so that the
coordinator does not run far ahead of the work). A task lost with a worker that died is run
again, and its answer given once. Ctrl-C and SIGTERM (which the
CLI turns into Ctrl-C) reach only the coordinating process: workers ignore Ctrl-C, and leaving
the engine ends them, a task in progress included.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any

from ..errors import UsageError
from ..extras import require

Work = Callable[[Any], Any]
#: a task whose worker died this many times is not tried again: the sweep fails instead
MAX_TRIES = 3
#: how long a coordinator with nothing to draw waits for answers before looking again
TICK = 0.2
#: connecting to a Dask scheduler gives up after this many seconds
CONNECT = 5


class Engine:
    """What every engine does (see the module docstring); subclasses say how."""

    #: the most items a task should carry: few, so that work spreads over the workers from
    #: the start
    batch = 4

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def room(self) -> bool:
        raise NotImplementedError

    def submit(self, work: Work, item: Any) -> None:
        raise NotImplementedError

    def answers(self, seconds: float) -> list[Any]:
        raise NotImplementedError

    def close(self) -> None:
        """End the work: whatever is in flight is dropped."""


def engine_for(workers: int | None, dask: str | None) -> Engine:
    if dask is not None:
        return DaskCluster(dask)
    count = workers if workers is not None else (os.cpu_count() or 1)
    return InProcess() if count <= 1 else LocalPool(count)


class InProcess(Engine):
    """Each task solved here, one at a time, when answers are asked for (`--workers 1`).
    A task is one item: the coordinator looks at the clock between two of them."""

    batch = 1

    def __init__(self) -> None:
        self.queue: deque[tuple[Work, Any]] = deque()

    def room(self) -> bool:
        return len(self.queue) < 4

    def submit(self, work: Work, item: Any) -> None:
        self.queue.append((work, item))

    def answers(self, seconds: float) -> list[Any]:
        if not self.queue:
            time.sleep(seconds)
            return []
        work, item = self.queue.popleft()
        return [work(item)]


def _ignore_interrupts() -> None:
    """In a pool's worker: Ctrl-C at the terminal is for the coordinator, which ends the
    workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class LocalPool(Engine):
    """A pool of `workers` processes on this machine, started fresh (not forked, so that no
    solver thread of this process is copied into them); a pool that loses a worker is
    replaced, and the tasks it had are run again on the new one."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.flying: dict[Future[Any], tuple[int, Work, Any]] = {}
        self.tries: dict[int, int] = {}  # by submission number
        self.submitted = 0
        self.pool: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(
                "spawn"), initializer=_ignore_interrupts)
        return self.pool

    def room(self) -> bool:
        return len(self.flying) < 4 * self.workers

    def submit(self, work: Work, item: Any) -> None:
        self.submitted += 1
        task = (self.submitted, work, item)
        try:
            self._send(task)
        except BrokenProcessPool:  # a worker died since the pool was last looked at
            self._again([task, *self.flying.values()])

    def _send(self, task: tuple[int, Work, Any]) -> None:
        self.flying[self._pool().submit(task[1], task[2])] = task

    def answers(self, seconds: float) -> list[Any]:
        if not self.flying:
            time.sleep(seconds)
            return []
        done, _ = wait(self.flying, timeout=seconds, return_when=FIRST_COMPLETED)
        found, lost = [], []
        for future in done:
            task = self.flying.pop(future)
            try:
                found.append(future.result())
            except BrokenProcessPool:
                lost.append(task)
        if lost:
            self._again([*lost, *self.flying.values()])
        return found

    def _again(self, tasks: list[tuple[int, Work, Any]]) -> None:
        """A worker died: a new pool, and the tasks in flight submitted to it."""
        for number, _, _ in tasks:
            self.tries[number] = self.tries.get(number, 0) + 1
            if self.tries[number] >= MAX_TRIES:
                raise RuntimeError(f"a task was lost with its worker {MAX_TRIES} times")
        self.close()
        self.flying.clear()
        for task in sorted(tasks, key=lambda t: t[0]):
            self._send(task)

    def close(self) -> None:
        """Stop the pool now: cancel what has not started and end the workers (a task in
        progress is dropped)."""
        pool, self.pool = self.pool, None
        if pool is None:
            return
        # the executor keeps its processes private (and forgets them on shutdown); ending
        # them is the only way not to wait for a task in progress
        processes = list((getattr(pool, "_processes", None) or {}).values())
        results = getattr(pool, "_result_queue", None)  # (shutting down forgets both)
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:  # killed: a worker's solver takes SIGTERM as a polite stop
            if process.is_alive():
                process.kill()
        for process in processes:
            process.join()
        # a worker killed while sending a large answer leaves half a message in the pipe, which
        # the executor's thread would wait for, for ever, and the process with it at exit
        # (CPython 3.11): with this process's end of the pipe closed too, it reads an end
        # instead, and finishes
        if results is not None:
            results._writer.close()


class DaskCluster(Engine):
    """Tasks on a Dask distributed scheduler (`dask scheduler`, with workers started by
    `dask worker ADDRESS` on any machine that has allocator installed). Dask runs a task again
    elsewhere when its worker dies; a task that keeps killing workers ends the sweep with an
    error."""

    def __init__(self, address: str) -> None:
        self.distributed = require("distributed", "dask")  # untyped: its calls are Any
        addressing = require("distributed.comm.addressing", "dask")
        try:  # before connecting: a client that fails half-made complains at exit
            addressing.parse_host_port(addressing.parse_address(address)[1])
        except ValueError as exc:
            raise UsageError(f"--dask {address}: not a scheduler's address ({exc}); give "
                             "it as `dask scheduler` prints it, e.g. tcp://10.0.0.5:8786"
                             ) from None
        try:
            self.client = self.distributed.Client(address, timeout=CONNECT,
                                                  set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageError(f"--dask {address}: cannot reach a Dask scheduler there "
                             f"({exc}). Start one with `dask scheduler` and workers with "
                             f"`dask worker {address}`") from None
        self.flying: set[Any] = set()
        threads = self.client.nthreads()
        self.window = max(4 * (sum(threads.values()) or 1), 8)

    def room(self) -> bool:
        return len(self.flying) < self.window

    def submit(self, work: Work, item: Any) -> None:
        self.flying.add(self.client.submit(work, item, pure=False, retries=MAX_TRIES - 1))

    def answers(self, seconds: float) -> list[Any]:
        if not self.flying:
            time.sleep(seconds)
            return []
        try:
            with self.client.as_current():
                done, _ = self.distributed.wait(list(self.flying), timeout=max(seconds, 0.001),
                                                return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        self.flying -= done
        return [future.result() for future in done]  # a task that failed every try raises

    def close(self) -> None:
        if self.flying:
            self.client.cancel(list(self.flying))
        self.client.close()

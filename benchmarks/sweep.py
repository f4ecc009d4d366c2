"""Sweep benchmarks: 10,000 draws of a 7-party parliament with a few red lines (the Bundestag of
2017, scenario `campaign` of `instances/germany-2017.yaml`: a cordon around the AfD, the Union
refusing Die Linke, Merkel as Chancellor, majority cabinets only).

    python benchmarks/sweep.py     # about a minute on 2 cores

Rows, each a whole `allocator sweep` process (start-up included), with the largest process's
peak memory:
* `--workers 1` (solved in the coordinating process), `--workers 2` (a local pool), and `--dask`
  on a 2-worker Dask cluster started here on loopback (its start-up is not counted);
against, measured in the same run on a sample of the same draws:
* a fresh `allocator solve --level coalition` process per draw (what a user with a shell loop
  would do), and
* solving each draw in process without deduplication (the coalition level of every draw).
The three sweeps must print the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GERMANY = ROOT / "instances" / "germany-2017.yaml"
DRAWS, SEED = 10_000, 1
SAMPLE_PROCESSES, SAMPLE_IN_PROCESS = 10, 300
SWEEP = ["sweep", str(GERMANY), "--scenario", "campaign", "--draws", str(DRAWS), "--seed",
         str(SEED), "--format", "json"]


def run_allocator(*args: str) -> tuple[float, str, int]:
    """(seconds, stdout, peak MB) of one `allocator` process; the peak is the largest of it and
    the processes it waited for (a local pool's workers), from wait4."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "allocator.cli", *args], stdout=out,
                                   stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode not in (0, 3):
            raise SystemExit(f"allocator {' '.join(args)} failed:\n{err.read().decode()}")
        return elapsed, out.read().decode(), usage.ru_maxrss // 1024


@contextmanager
def cluster(workers: list[subprocess.Popen] | None = None) -> Iterator[str]:
    """A Dask scheduler and two one-thread workers on loopback, for the time of the block (the
    workers' processes added to `workers`, where given, to be looked at)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL,
             "start_new_session": True}
    dask = [sys.executable, "-m", "dask"]
    processes = [subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port",
                                   str(port), "--no-dashboard"], **quiet)]
    processes += [subprocess.Popen([*dask, "worker", address, "--nthreads", "1", "--no-nanny",
                                    "--no-dashboard"], **quiet) for _ in range(2)]
    if workers is not None:
        workers += processes[1:]
    try:
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for process in reversed(processes):  # the workers first, then the scheduler
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def fresh_processes() -> float:
    """Seconds per draw, solving each with its own `allocator solve` process."""
    import allocator
    from allocator.instance.transform import resolve
    from allocator.sweep.draws import PollDraws
    from allocator.sweep.run import Parliaments

    problem = resolve(allocator.load(GERMANY), "campaign")
    draws, parliaments = PollDraws(problem, SEED), Parliaments(problem)
    folder = Path(tempfile.mkdtemp(prefix="allocator-sweep-"))
    total = 0.0
    for i in range(SAMPLE_PROCESSES):
        path = folder / f"draw-{i}.json"
        path.write_text(parliaments.at(draws.draw(i)).model_dump_json(by_alias=True,
                                                                      exclude_none=True))
        total += run_allocator("solve", str(path), "--level", "coalition", "--format", "json")[0]
    return total / SAMPLE_PROCESSES


def in_process_without_deduplication() -> float:
    """Seconds per draw, solving the coalition level of every draw in this process."""
    import allocator
    from allocator.instance.transform import resolve
    from allocator.sweep.draws import PollDraws
    from allocator.sweep.run import Parliaments, outlook

    problem = resolve(allocator.load(GERMANY), "campaign")
    draws, parliaments = PollDraws(problem, SEED), Parliaments(problem)
    start = time.perf_counter()
    for i in range(SAMPLE_IN_PROCESS):
        outlook(parliaments.at(draws.draw(i)))
    return (time.perf_counter() - start) / SAMPLE_IN_PROCESS


def main() -> None:
    fresh = fresh_processes()
    plain = in_process_without_deduplication()
    rows = []
    outputs = set()
    for label, extra in (("--workers 1", ["--workers", "1"]),
                         ("--workers 2 (local pool)", ["--workers", "2"])):
        seconds, out, peak = run_allocator(*SWEEP, *extra)
        outputs.add(hashlib.sha256(out.encode()).hexdigest())
        rows.append((label, seconds, peak))
    with cluster() as address:
        seconds, out, peak = run_allocator(*SWEEP, "--dask", address)
        outputs.add(hashlib.sha256(out.encode()).hexdigest())
        rows.append(("--dask, 2 workers on loopback", seconds, peak))
    assert len(outputs) == 1, "the engines printed different answers"
    print(f"{DRAWS:,} draws of the Bundestag 2017 (scenario campaign), seed {SEED}; "
          "the same bytes from every engine")
    header = ("measured", "s", "draws/s", "x fresh process per draw",
              "x in process, no dedup", "peak MB")
    table = [header]
    for label, seconds, peak in rows:
        table.append((label, f"{seconds:.1f}", f"{DRAWS / seconds:,.0f}",
                      f"{fresh * DRAWS / seconds:,.0f}x", f"{plain * DRAWS / seconds:.1f}x",
                      f"{peak}"))
    table.append((f"fresh `allocator solve` per draw ({SAMPLE_PROCESSES} draws)",
                  f"{fresh * DRAWS:,.0f} (est.)", f"{1 / fresh:.2f}", "", "", ""))
    table.append((f"in process, no dedup ({SAMPLE_IN_PROCESS} draws)",
                  f"{plain * DRAWS:,.0f} (est.)", f"{1 / plain:,.0f}", "", "", ""))
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()

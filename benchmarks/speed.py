"""Where users wait: the cases of issue 24, each a whole `allocator` process (seconds and peak
memory), beside its target.

    python benchmarks/speed.py           # about 5 minutes on 2 cores
    python benchmarks/speed.py --quick   # without the sweeps

* sweeps of many-party parliaments: 1,000 draws of a seat table for spain-2019 (17 parties; the
  table: each party's seats drawn around its result, 350 in all, the same every run; cut at
  60 s), beside the same sweep solved parliament by parliament (a checkpoint makes the sweep
  solve: the baseline), 10,000 draws of netherlands-2017 from the 2017 result as a poll
  (benchmarks/data) and of germany-2017's campaign scenario;
* the coalition level of the 12-party parliament of benchmarks/scale.py under relative and
  negative investiture and D'Hondt;
* the 20-party deadlock with 30 demands explained;
* `--time-limit 5` on Switzerland 1991 (3.8 million coalitions, from the ParlGov sample in
  tests/data);
* `--rank likely` against the same listing unranked;
* the room: one change answered (in process, the served app).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import deadlock, parliament  # noqa: E402
from sweep import run_allocator  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
INSTANCES = ROOT / "instances"


def spain_table(path: Path, draws: int = 1_000) -> None:
    """Seat draws around the result of November 2019: shares from a Dirichlet of 20 times
    each party's seats, 350 seats by largest remainders."""
    import allocator

    parties = allocator.load(INSTANCES / "spain-2019.yaml").parties
    seats = np.array([p.seats for p in parties], dtype=float)
    rng = np.random.default_rng(2019)
    rows = [",".join(p.id for p in parties)]
    for share in rng.dirichlet(seats * 20, size=draws):
        exact = share * 350
        whole = np.floor(exact).astype(int)
        left = 350 - whole.sum()
        whole[np.argsort(-(exact - whole), kind="stable")[:left]] += 1
        rows.append(",".join(str(n) for n in whole))
    path.write_text("\n".join(rows) + "\n")


def row(label: str, target: str, args: list[str]) -> tuple[str, str, str, str]:
    seconds, _, peak = run_allocator(*args)
    return label, f"{seconds:.2f} s", f"{peak} MB", target


def sweep_row(label: str, target: str, args: list[str], folder: Path
              ) -> tuple[str, str, str, str]:
    """A sweep (JSON in a file), with how many of its draws it answered: read from the file's
    head (`draws`) and tail (`complete`), never whole. (A benchmark that held a large sweep's
    JSON would lend its peak to every process it starts afterwards: a child's peak begins at
    its parent's.)"""
    target_file = folder / "sweep.json"
    seconds, _, peak = run_allocator(*args, "--format", "json", "--out", str(target_file))
    with target_file.open("rb") as f:
        head = f.read(4096).decode(errors="replace")
        f.seek(max(target_file.stat().st_size - 256, 0))
        tail = f.read().decode(errors="replace")
    draws = int(re.search(r'"draws": (\d+)', head).group(1))  # the sweep's, before any row's
    complete = re.search(r'"complete": (true|false)', tail).group(1) == "true"
    done = "" if complete else f", {draws:,} draws answered"
    return label, f"{seconds:.2f} s{done}", f"{peak} MB", target


def room_change() -> float:
    """Seconds for the room's answer after a change on spain-2019 (a demand dropped)."""
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

    from allocator.web.app import create_app

    client = TestClient(create_app([str(INSTANCES / "spain-2019.yaml")]),
                        base_url="http://127.0.0.1")
    client.post("/api/answer", json={"instance": "spain-2019"})  # warm: imports, caches
    start = time.perf_counter()
    client.post("/api/answer", json={"instance": "spain-2019", "drop": ["coalition-agreement"]})
    return time.perf_counter() - start


def main() -> None:
    quick = "--quick" in sys.argv
    folder = Path(tempfile.mkdtemp(prefix="allocator-speed-"))
    rows = []
    if not quick:
        table = folder / "spain.csv"
        spain_table(table)
        spain = ["sweep", str(INSTANCES / "spain-2019.yaml"), "--seats", str(table),
                 "--workers", "2", "--time-limit", "60"]
        rows.append(sweep_row("1,000 seat-table draws of spain-2019, 2 workers, 60 s",
                              "< 60 s", spain, folder))
        rows.append(sweep_row("  the same, each parliament solved (the baseline: as with "
                              "--checkpoint)", "", [*spain, "--checkpoint",
                                                    str(folder / "checkpoint")], folder))
        rows.append(sweep_row("10,000 draws of netherlands-2017", "< 30 s",
                              ["sweep", str(INSTANCES / "netherlands-2017.yaml"), "--polls",
                               str(ROOT / "benchmarks" / "data" / "netherlands-2017-polls.yaml"),
                               "--draws", "10000"], folder))
        rows.append(sweep_row("10,000 draws of germany-2017 (campaign)", "",
                              ["sweep", str(INSTANCES / "germany-2017.yaml"), "--scenario",
                               "campaign", "--draws", "10000"], folder))
    for label, inst, target in (
            ("12 parties, relative investiture, coalition level",
             parliament(12, investiture="relative"), "< 15 s"),
            ("12 parties, negative investiture, coalition level",
             parliament(12, investiture="negative"), ""),
            ("12 parties, D'Hondt, coalition level", parliament(12, dhondt=True), "< 5 s")):
        path = folder / "variant.json"
        path.write_text(json.dumps(inst))
        rows.append(row(label, target, ["solve", str(path), "--level", "coalition",
                                        "--format", "jsonl", "--out", str(folder / "o")]))
    path = folder / "deadlock-20.json"
    path.write_text(json.dumps(deadlock(20)))
    rows.append(row("20-party deadlock explained", "< 1 s", ["explain", str(path)]))
    seconds, _, _ = run_allocator("parlgov", str(ROOT / "tests" / "data" / "parlgov-sample.csv"),
                                  "--out", str(folder / "record"))
    che = str(folder / "record" / "che-1991-10-20.yaml")
    rows.append(row("--time-limit 5 on Switzerland 1991 (3.8 million coalitions)", "<= 5.5 s",
                    ["solve", che, "--level", "coalition", "--format", "jsonl",
                     "--time-limit", "5", "--out", str(folder / "o")]))
    spain = str(INSTANCES / "spain-2019.yaml")
    for rank in ("spec", "likely"):
        rows.append(row(f"spain-2019, every coalition, --rank {rank}",
                        "<= 1.5x spec" if rank == "likely" else "",
                        ["solve", spain, "--level", "coalition", "--format", "jsonl", "--rank",
                         rank, "--out", str(folder / "o")]))
    rows.append(("room change on spain-2019 (in process)", f"{room_change():.2f} s", "",
                 "< 0.5 s"))
    header = ("case", "time", "peak", "target")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for line in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()

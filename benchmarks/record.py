"""The post-war record: ParlGov import plus the formation dataset over every Western European
election since 1945, on the local pool (2 workers) and on a 2-worker Dask cluster on loopback.

    python benchmarks/record.py            # about 25 minutes on 2 cores
    python benchmarks/record.py --quick    # Germany, Austria and the Netherlands only

Needs ParlGov's table, named by $ALLOCATOR_PARLGOV. Each row is
a whole `allocator` process; the two datasets must be the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sweep import cluster, run_allocator  # noqa: E402  (the helpers of benchmarks/sweep.py)

ROOT = Path(__file__).resolve().parent.parent
#: ParlGov's view_cabinet table, named by $ALLOCATOR_PARLGOV (it is not in the repository)
TABLE = (Path(os.environ["ALLOCATOR_PARLGOV"]) if os.environ.get("ALLOCATOR_PARLGOV")
         and Path(os.environ["ALLOCATOR_PARLGOV"]).exists() else None)


def digest(path: Path) -> str:
    """The file's SHA-256, read a megabyte at a time: a benchmark that read the 1.8 GB dataset
    whole would lend its peak to every process it starts afterwards (a child's peak begins at
    its parent's)."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def high_water(pid: int) -> int:
    """A running process's peak resident memory (MB, Linux)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) // 1024


def main() -> None:
    if TABLE is None:
        raise SystemExit("ParlGov's table is not at hand: set ALLOCATOR_PARLGOV")
    countries = "DEU,AUT,NLD" if "--quick" in sys.argv else "western-europe"
    folder = Path(tempfile.mkdtemp(prefix="allocator-record-"))
    rows = []
    seconds, out, peak = run_allocator("parlgov", str(TABLE), "--out", str(folder / "f"),
                                       "--country", countries, "--since", "1945")
    rows.append(("import", seconds, peak))
    formations = len(list((folder / "f").glob("*.yaml")))
    digests = set()
    seconds, _, peak = run_allocator("dataset", str(folder / "f"), "--out",
                                     str(folder / "local.csv"), "--workers", "2")
    rows.append(("dataset, local pool of 2", seconds, peak))
    digests.add(digest(folder / "local.csv"))
    lines = sum(1 for _ in (folder / "local.csv").open()) - 1
    workers: list[subprocess.Popen] = []
    with cluster(workers) as address:
        seconds, _, peak = run_allocator("dataset", str(folder / "f"), "--out",
                                         str(folder / "dask.csv"), "--dask", address)
        rows.append(("dataset, Dask with 2 workers: the client", seconds, peak))
        rows.append(("  ... and its largest worker", seconds, max(
            high_water(w.pid) for w in workers)))
        digests.add(digest(folder / "dask.csv"))
    assert len(digests) == 1, "the engines wrote different datasets"
    print(f"{formations} formations ({countries}, since 1945), {lines:,} potential governments;"
          " the same bytes from both engines")
    for label, seconds, peak in rows:
        rate = f"{lines / seconds:,.0f} rows/s" if label.startswith("dataset") else ""
        print(f"{label:<48} {seconds:8.1f} s  {rate:>16}  peak {peak} MB")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f} s in all)")

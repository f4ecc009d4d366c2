"""The formation model: how well it predicts cabinets it was not fitted on.

    python benchmarks/formation.py           # about 3 minutes on 2 cores

1. Formations after the record ends (`benchmarks/recent/`: 29 cabinets formed from December
   2020 on, after ParlGov's table ends) ranked by the shipped model, beside the classic rules
   (`allocator predict`).
2. With ParlGov's table at hand ($ALLOCATOR_PARLGOV): the whole record imported (every country),
   the model refitted, and validated leaving one country out and fitting before 2005 to predict
   from 2005 (`allocator fit --validate`): the table of docs/record.md. The refitted model is
   compared with the shipped one, coefficient by coefficient.

Each step is a whole `allocator` process: its seconds and peak memory are printed.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sweep import run_allocator  # noqa: E402  (the helpers of benchmarks/sweep.py)

ROOT = Path(__file__).resolve().parent.parent
RECENT = ROOT / "benchmarks" / "recent"
SHIPPED = ROOT / "allocator" / "likely" / "formation.json"
TABLE = (Path(os.environ["ALLOCATOR_PARLGOV"]) if os.environ.get("ALLOCATOR_PARLGOV")
         and Path(os.environ["ALLOCATOR_PARLGOV"]).exists() else None)


def main() -> None:
    seconds, out, peak = run_allocator("predict", str(RECENT))
    print(f"Formations after the record (benchmarks/recent), the shipped model: "
          f"{seconds:.1f} s, peak {peak} MB")
    print(out)
    if TABLE is None:
        print("ParlGov's table is not at hand (set ALLOCATOR_PARLGOV): the refit and its "
              "validation are skipped.")
        return
    folder = Path(tempfile.mkdtemp(prefix="allocator-formation-"))
    seconds, _, peak = run_allocator("parlgov", str(TABLE), "--out", str(folder / "record"))
    print(f"Import of the whole table: {seconds:.1f} s, peak {peak} MB")
    model = folder / "model.json"
    seconds, out, peak = run_allocator("fit", str(folder / "record"), "--validate",
                                       "--out", str(model))
    print(f"Fit and validation: {seconds:.1f} s, peak {peak} MB")
    print(out)
    shipped = {t["name"]: t["coefficient"] for t in json.loads(SHIPPED.read_text())["terms"]}
    refitted = {t["name"]: t["coefficient"] for t in json.loads(model.read_text())["terms"]}
    worst = max(abs(shipped[n] - refitted.get(n, float("nan"))) for n in shipped)
    print(f"The refitted coefficients differ from the shipped model's by at most {worst:.2e}")


if __name__ == "__main__":
    main()

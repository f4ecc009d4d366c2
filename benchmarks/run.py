"""Benchmarks of the core issue, each against a baseline measured in the same run.

    python benchmarks/run.py            # prints a table; takes about 80 s on 2 cores
                                        # (the two investiture rows are most of it)

Rows:
* full enumeration of the 4-party council as `allocator solve --format jsonl`, end to end, against
  a bare CP-SAT enumeration of the same model with a counting callback (also a whole process);
* `--level coalition` on the 12-party parliament, against a plain Python loop over the role
  assignments that only counts the coalitions (no posts, no member ranges);
* `--level coalition` on the 20-party parliament (majority cabinets of at most six parties);
* the test suite's brute-force enumerator against `allocator.solve` on the 4-party council;
* explaining a deadlock (minimal conflict and every minimum relaxation with its example) on
  Worcester 2016 and on a synthetic 12-party deadlock, against the brute force where it can
  finish;
* the cost of the fourth role: the 12-party parliament at coalition level under relative and
  negative investiture, against absolute investiture.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
INSTANCES = HERE.parent / "tests" / "data"  # the synthetic parliaments the tests use too

BARE_CPSAT = r"""
import sys
from ortools.sat.python import cp_model
seats, quota, lo, hi, posts = [15, 12, 6, 2], 18, 3, 10, 2
m = cp_model.CpModel()
k = range(len(seats))
c = [m.new_bool_var("") for _ in k]; s = [m.new_bool_var("") for _ in k]
o = [m.new_bool_var("") for _ in k]
n = [m.new_int_var(0, hi, "") for _ in k]
for i in k:
    m.add_exactly_one([c[i], s[i], o[i]])
    m.add(n[i] >= 1).only_enforce_if(c[i]); m.add(n[i] == 0).only_enforce_if(~c[i])
m.add(sum(c) >= 1); m.add_linear_constraint(sum(n), lo, hi)
cab = sum(w * x for w, x in zip(seats, c)); gov = cab + sum(w * x for w, x in zip(seats, s))
maj = m.new_bool_var("")
m.add(cab >= quota).only_enforce_if(maj); m.add(cab <= quota - 1).only_enforce_if(~maj)
m.add(sum(s) == 0).only_enforce_if(maj); m.add(gov >= quota)
for i in k:
    m.add(gov - seats[i] <= quota - 1).only_enforce_if(s[i])
h = [[m.new_bool_var("") for _ in k] for _ in range(posts)]
for row in h:
    m.add_exactly_one(row)
    for i in k:
        m.add_implication(row[i], c[i])
for i in k:
    m.add(sum(row[i] for row in h) <= n[i])
class Count(cp_model.CpSolverSolutionCallback):
    def __init__(self): super().__init__(); self.count = 0
    def on_solution_callback(self): self.count += 1
solver = cp_model.CpSolver()
solver.parameters.enumerate_all_solutions = True
solver.parameters.num_workers = 1
solver.parameters.linearization_level = 0
cb = Count(); solver.solve(m, cb); print(cb.count)
"""


def timed(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return elapsed, done.stdout


def best_of(runs: int, command: list[str]) -> tuple[float, str]:
    results = [timed(command) for _ in range(runs)]
    return min(r[0] for r in results), results[0][1]


def count_lines(stdout: str) -> int:
    return len(stdout.splitlines()) - 1  # the last JSON line is the summary


def count_json(stdout: str) -> int:
    import json
    return int(json.loads(stdout)["count"])


def plain_coalition_count(seats: list[int], quota: int) -> int:
    """Role assignments of a parliament (cabinet / support / opposition) that govern."""
    count = 0
    for roles in itertools.product((0, 1, 2), repeat=len(seats)):
        cabinet = sum(w for w, r in zip(seats, roles) if r == 0)
        if not any(r == 0 for r in roles):
            continue
        support = [w for w, r in zip(seats, roles) if r == 1]
        if cabinet >= quota:
            count += not support
        elif cabinet + sum(support) >= quota and all(
                cabinet + sum(support) - w < quota for w in support):
            count += 1
    return count


def main() -> None:
    python, cli = sys.executable, [sys.executable, "-m", "allocator.cli"]
    rows = []

    bare_time, bare_out = best_of(3, [python, "-c", BARE_CPSAT])
    ours_time, ours_out = best_of(3, [*cli, "solve", str(INSTANCES / "council-4.yaml"),
                                      "--format", "jsonl"])
    rows.append(("4-party council, solve --format jsonl (process)", ours_time,
                 "bare CP-SAT count (process)", bare_time,
                 f"{count_lines(ours_out):,} / {int(bare_out):,}"))

    seats12 = [34, 25, 17, 15, 15, 9, 8, 6, 5, 5, 4, 7]
    start = time.perf_counter()
    plain = plain_coalition_count(seats12, 76)
    plain_time = time.perf_counter() - start
    ours_time, ours_out = best_of(3, [*cli, "solve", str(INSTANCES / "parliament-12.yaml"),
                                      "--level", "coalition", "--format", "json"])
    rows.append(("12-party, --level coalition --format json (process)", ours_time,
                 "plain Python count of role assignments", plain_time,
                 f"{count_json(ours_out):,} / {plain:,}"))

    ours_time, ours_out = best_of(3, [*cli, "solve", str(INSTANCES / "parliament-20.yaml"),
                                      "--level", "coalition", "--format", "json"])
    startup, _ = best_of(3, [python, "-c", "import allocator.api"])
    rows.append(("20-party, --level coalition --format json (process)", ours_time,
                 "python startup + import allocator.api (OR-Tools)", startup,
                 f"{count_json(ours_out):,}"))

    sys.path.insert(0, str(ROOT))
    from ruamel.yaml import YAML

    import allocator
    import allocator.api  # noqa: F401  (OR-Tools loads lazily: not in the timed region)
    from tests import bruteforce

    raw = YAML(typ="safe").load((INSTANCES / "council-4.yaml").read_text())
    start = time.perf_counter()
    brute = bruteforce.allocations(raw)
    brute_time = time.perf_counter() - start
    start = time.perf_counter()
    ours = allocator.solve(allocator.load(INSTANCES / "council-4.yaml"))
    ours_time = time.perf_counter() - start
    rows.append(("4-party council, allocator.solve (in process)", ours_time,
                 "tests/bruteforce.py (in process)", brute_time,
                 f"{ours.count:,} / {len(brute):,}"))

    rows += explanation_rows()
    rows += investiture_rows()

    header = ("measured", "s", "baseline", "s", "ratio", "count (ours / baseline)")
    table = [header] + [(a, f"{t:.3f}", b, f"{u:.3f}", f"{t / u:.2f}x" if u == u else "-", n)
                        for a, t, b, u, n in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


def brute_minimum_relaxations(raw: dict) -> list[tuple[str, ...]]:
    """Smallest drop sets by trying every subset, smallest first, with the brute force."""
    from itertools import combinations

    from tests import bruteforce

    ids = [d["id"] for d in raw["demands"]]
    for size in range(len(ids) + 1):
        found = [ds for ds in combinations(range(len(ids)), size)
                 if bruteforce.allocations(raw, None, frozenset(ds))]
        if found:
            return [tuple(ids[i] for i in ds) for ds in found]
    return []


def explanation_rows() -> list[tuple[str, float, str, float, str]]:
    """Explaining a deadlock: the bundled deadlocked instances (Worcester 2016 against the brute
    force over every subset of demands; Germany 2017, whose cabinets of 14-16 members put the
    brute force out of reach) and a synthetic 12-party deadlock (3^12 role assignments times the
    splits, for each subset of 27 demands: the brute force cannot finish)."""
    import allocator
    from allocator.explaining.deadlock import explain_deadlock
    from allocator.instance.transform import resolve

    rows = []
    for path, brute in ((ROOT / "instances" / "worcester-2016.yaml", True),
                        (ROOT / "instances" / "germany-2017.yaml", False),
                        (INSTANCES / "deadlock-12.yaml", False)):
        problem = resolve(allocator.load(path), None)
        start = time.perf_counter()
        ours = explain_deadlock(problem)
        ours_time = time.perf_counter() - start
        if brute:
            raw = problem.model_dump(by_alias=True, exclude_none=True)
            start = time.perf_counter()
            expected = brute_minimum_relaxations(raw)
            brute_time = time.perf_counter() - start
            assert sorted(expected) == sorted(r.drop for r in ours.relaxations)
            rows.append((f"explain {path.stem} (conflict + {len(ours.relaxations)} relaxations)",
                         ours_time, "brute force over demand subsets", brute_time,
                         f"{len(ours.relaxations)} / {len(expected)}"))
        else:
            rows.append((f"explain {path.stem} (conflict + {len(ours.relaxations)} relaxations)",
                         ours_time, "brute force: cannot finish", float("nan"),
                         f"{len(ours.relaxations)}"))
    return rows


def investiture_rows() -> list[tuple[str, float, str, float, str]]:
    """The cost of the fourth role (abstain): the 12-party parliament at coalition level under
    relative and negative investiture, against absolute investiture in the same run. The ratio
    of the per-coalition cost is the last column's figure."""
    import allocator
    from allocator.instance.transform import resolve
    from allocator.solving import coalitions

    base = allocator.load(INSTANCES / "parliament-12.yaml")
    timings = {}
    for rule in ("absolute", "relative", "negative"):
        government = base.government.model_copy(update={"investiture": rule})
        problem = resolve(base.model_copy(update={"government": government}), None)
        start = time.perf_counter()
        found = sum(1 for _ in coalitions.Listing(problem))
        timings[rule] = (time.perf_counter() - start, found)
    absolute_time, absolute_count = timings["absolute"]
    rows = []
    for rule in ("relative", "negative"):
        t, n = timings[rule]
        per = (t / n) / (absolute_time / absolute_count)
        rows.append((f"12-party coalitions, {rule} investiture", t,
                     "absolute investiture", absolute_time,
                     f"{n:,} / {absolute_count:,} (per coalition {per:.2f}x)"))
    return rows


if __name__ == "__main__":
    main()

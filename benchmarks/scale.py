"""Parliament-scale benchmarks: the coalition level against a pruned plain-Python enumerator
and a bare CP-SAT enumeration, measured in the same run, with peak memory.

    python benchmarks/scale.py          # about five minutes on 2 cores (301 s measured)
    python benchmarks/scale.py --quick  # without the 20-party listing, the real parliaments,
                                        # the 30/40-party counts, the 30-party deadlock

Synthetic parliaments (`parliament`): n parties with a long tail of seats (160·0.66^i, at least
one; the smallest parties tie), cabinet of 10-25 members, posts leader, deputy and finance, both
forms. "demands": a cordon around p03, p01 refusing p02 as a partner, at most 6 cabinet
parties. "dhondt": cabinet seats by D'Hondt among the cabinet parties.

Rows, each a whole `allocator` process unless it says otherwise:
* `solve --level coalition --format jsonl` (every coalition streamed, output included) against
  the pruned plain-Python enumerator of the same (cabinet, support) pairs (in process, counting
  only: it does not analyse posts and member ranges, nor print) and a bare CP-SAT enumeration of
  the roles model (no symmetry breaking, counting callback, in process);
* real parliaments from ParlGov (the table named by `$ALLOCATOR_PARLGOV`): Italy 1992, Spain
  November 2019, Switzerland 1991, listed whole;
* `solve --count` on 30- and 40-party parliaments, whose coalitions no enumerator can list;
* relative and negative investiture, and D'Hondt, on the 12-party parliament;
* `explain` of 20- and 30-party deadlocks with 30 demands (`deadlock`), beside CPMpy's `mus`
  and `mcs_opt` on the same roles model (`pip install cpmpy` for that column).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# a whole `allocator` process that reports its peak memory (KB) on its last stderr line
# (VmHWM, not ru_maxrss: a forked child's ru_maxrss starts at its parent's)
MEASURED_CLI = ("import atexit, sys\n"
                "atexit.register(lambda: print('maxrss', [line.split()[1] for line in "
                "open('/proc/self/status') if line.startswith('VmHWM')][0], file=sys.stderr))\n"
                "from allocator.cli import main\nsys.argv[0] = 'allocator'\nmain()\n")


def parliament(n: int, *, demands: bool = False, dhondt: bool = False,
               investiture: str = "absolute") -> dict:
    seats = [max(1, round(160 * 0.66 ** i)) for i in range(n)]
    inst: dict = {
        "name": f"synthetic {n}-party parliament",
        "parties": [{"id": f"p{i + 1:02d}", "seats": s} for i, s in enumerate(seats)],
        "cabinet": {"size": {"min": 10, "max": 25}, "posts": ["leader", "deputy", "finance"]},
        "government": {"forms": ["majority", "minority"], "investiture": investiture},
        "demands": [],
    }
    if demands:
        inst["demands"] += [
            {"id": "cordon", "type": "role", "party": "p03", "in": ["opposition"],
             "by": ["p01", "p02"]},
            {"id": "refusal", "type": "refuse_partner", "party": "p01", "with": ["p02"]},
            {"id": "at-most-six", "type": "max_cabinet_parties", "count": 6},
        ]
    if dhondt:
        inst["demands"].append({"id": "dhondt", "type": "proportional", "method": "dhondt"})
    return inst


#: ParlGov's view_cabinet table, named by $ALLOCATOR_PARLGOV (it is not in the repository)
PARLGOV = Path(os.environ.get("ALLOCATOR_PARLGOV") or "/nonexistent")
#: real parliaments from ParlGov (country, election date): no demands, the synthetic cabinet rules
REAL = (("ITA", "05/04/1992"), ("ESP", "10/11/2019"), ("CHE", "20/10/1991"))
PSEUDO_PARTIES = {"none", "one-seat", "etc"}  # seats held by no listed party


def real_parliament(country: str, election: str) -> dict | None:
    """The chamber elected on that date, from ParlGov's `view_cabinet` (its first cabinet's
    rows), or None where the table is not at hand."""
    import csv

    if not PARLGOV.exists():
        return None
    with PARLGOV.open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f)
                if r["country_name_short"] == country and r["election_date"] == election]
    first = min(int(r["cabinet_id"]) for r in rows)
    chamber = [r for r in rows if int(r["cabinet_id"]) == first]
    parties = [{"id": f"p{i + 1:02d}", "name": r["party_name_short"], "seats": int(r["seats"])}
               for i, r in enumerate(sorted(
                   (r for r in chamber if r["party_name_short"] not in PSEUDO_PARTIES
                    and int(r["seats"]) > 0), key=lambda r: -int(r["seats"])))]
    return {"name": f"{country} {election[-4:]} (ParlGov)", "parties": parties,
            "seats": int(chamber[0]["election_seats_total"]),
            "cabinet": {"size": {"min": 10, "max": 25}, "posts": ["leader", "deputy", "finance"]},
            "government": {"forms": ["majority", "minority"]}}


def deadlock(n: int) -> dict:
    """A deadlocked n-party parliament with 30 demands: the five largest parties each refuse
    the other four, in cabinet or support (20 demands; no majority forms without two of them),
    and ten smaller parties each accept at most five partners."""
    inst = parliament(n)
    inst["name"] = f"synthetic {n}-party deadlock"
    big = [f"p{i:02d}" for i in range(1, 6)]
    inst["demands"] = [
        {"id": f"{a}-refuses-{b}", "type": "refuse_partner", "party": a, "with": [b],
         "as": ["cabinet", "support"], "when": "involved"}
        for a in big for b in big if a != b
    ] + [{"id": f"p{i:02d}-at-most-5", "type": "max_partners", "party": f"p{i:02d}", "count": 5}
         for i in range(6, 16)]
    return inst


def cpmpy_explanation(inst: dict) -> float:
    """Seconds for CPMpy's `mus` and `mcs_opt` (one minimum correction set) on the roles model
    of `deadlock(n)` (posts and member counts left out: cabinets of 10-25 members always
    fit). ImportError where CPMpy is not installed."""
    import cpmpy as cp
    from cpmpy.tools.explain import mcs_opt, mus

    seats = [p["seats"] for p in inst["parties"]]
    ids = [p["id"] for p in inst["parties"]]
    quota = sum(seats) // 2 + 1
    k = range(len(seats))
    c, s = cp.boolvar(shape=len(seats)), cp.boolvar(shape=len(seats))
    cab = cp.sum([w * c[i] for i, w in enumerate(seats)])
    gov = cab + cp.sum([w * s[i] for i, w in enumerate(seats)])
    hard = [cp.sum(c) >= 1, gov >= quota, (cab >= quota).implies(cp.sum(s) == 0)]
    hard += [~(c[i] & s[i]) for i in k] + [s[i].implies(gov - seats[i] < quota) for i in k]
    soft = []
    for d in inst["demands"]:
        i = ids.index(d["party"])
        if d["type"] == "refuse_partner":
            j = ids.index(d["with"][0])
            soft.append((c[i] | s[i]).implies(~(c[j] | s[j])))
        else:
            soft.append(c[i].implies(cp.sum(c) - 1 <= d["count"]))
    start = time.perf_counter()
    mus(soft=soft, hard=hard, solver="ortools")
    mcs_opt(soft=soft, hard=hard, solver="ortools")
    return time.perf_counter() - start


def pruned_enumerator(inst: dict) -> int:
    """The (cabinet, support) pairs of a parliament under absolute investiture with the
    synthetic demands, by depth-first search over the parties (largest first), pruning any
    branch whose remaining seats cannot reach the quota and any whose backing already makes its
    smallest supporter unnecessary; written here, sharing no code with the package."""
    seats = [p["seats"] for p in inst["parties"]]
    quota = sum(seats) // 2 + 1
    n = len(seats)
    after = [sum(seats[i:]) for i in range(n + 1)]
    ids = [p["id"] for p in inst["parties"]]
    cordon = {ids.index(d["party"]) for d in inst["demands"] if d["type"] == "role"}
    refusal = [(ids.index(d["party"]), ids.index(d["with"][0])) for d in inst["demands"]
               if d["type"] == "refuse_partner"]
    max_cabinet = min([d["count"] for d in inst["demands"]
                       if d["type"] == "max_cabinet_parties"] or [n])
    count = 0
    roles = [2] * n

    def dive(i: int, cabinet: int, backing: int, size: int, smallest: int) -> None:
        nonlocal count
        if backing + after[i] < quota or backing - smallest >= quota:
            return
        if i == n:
            if size == 0 or any(roles[a] == 0 and roles[b] == 0 for a, b in refusal):
                return
            if cabinet >= quota:
                count += all(r != 1 for r in roles)
            elif all(backing - seats[j] < quota for j in range(n) if roles[j] == 1):
                count += 1
            return
        roles[i] = 2
        dive(i + 1, cabinet, backing, size, smallest)
        if i in cordon:
            return
        if size < max_cabinet:
            roles[i] = 0
            dive(i + 1, cabinet + seats[i], backing + seats[i], size + 1, smallest)
        if cabinet < quota:
            roles[i] = 1
            dive(i + 1, cabinet, backing + seats[i], size, seats[i])
        roles[i] = 2

    dive(0, 0, 0, 0, after[0] + quota)  # no supporter yet: nothing to prune
    return count


def bare_cpsat(inst: dict) -> int:
    """The roles model alone (absolute investiture, no demands), enumerated by CP-SAT with a
    counting callback: what the canonical search would cost without symmetry breaking."""
    from ortools.sat.python import cp_model

    seats = [p["seats"] for p in inst["parties"]]
    quota = sum(seats) // 2 + 1
    m = cp_model.CpModel()
    k = range(len(seats))
    c = [m.new_bool_var("") for _ in k]
    s = [m.new_bool_var("") for _ in k]
    o = [m.new_bool_var("") for _ in k]
    for i in k:
        m.add_exactly_one([c[i], s[i], o[i]])
    m.add(sum(c) >= 1)
    cab = sum(w * x for w, x in zip(seats, c, strict=True))
    gov = cab + sum(w * x for w, x in zip(seats, s, strict=True))
    majority = m.new_bool_var("")
    m.add(cab >= quota).only_enforce_if(majority)
    m.add(cab <= quota - 1).only_enforce_if(~majority)
    m.add(sum(s) == 0).only_enforce_if(majority)
    m.add(gov >= quota)
    for i in k:
        m.add(gov - seats[i] <= quota - 1).only_enforce_if(s[i])

    class Count(cp_model.CpSolverSolutionCallback):
        def __init__(self) -> None:
            super().__init__()
            self.count = 0

        def on_solution_callback(self) -> None:
            self.count += 1

    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 0
    solver.parameters.cp_model_presolve = False
    counter = Count()
    solver.solve(m, counter)
    return counter.count


def allocator_process(path: Path, *args: str) -> tuple[float, int, str]:
    """(seconds, peak memory in MB, stdout) of one whole `allocator` process."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURED_CLI, *args[:1], str(path), *args[1:]],
                          capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 3):
        raise SystemExit(f"allocator {' '.join(args)} failed:\n{done.stderr}")
    peak = int(done.stderr.strip().splitlines()[-1].split()[1]) // 1024
    return elapsed, peak, done.stdout


def timed(work):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = work()
    return time.perf_counter() - start, value


def main() -> None:
    quick = "--quick" in sys.argv
    rows: list[tuple[str, ...]] = []
    folder = Path(tempfile.mkdtemp(prefix="allocator-bench-"))
    cases = [(12, False), (16, False), (12, True), (16, True)] + (
        [] if quick else [(20, True)])
    for n, demands in cases:
        inst = parliament(n, demands=demands)
        path = folder / f"p{n}{'-demands' if demands else ''}.json"
        path.write_text(json.dumps(inst))
        ours, peak, out = allocator_process(path, "solve", "--level", "coalition",
                                            "--format", "jsonl")
        listed = len(out.splitlines()) - 1
        plain_time, plain = timed(lambda inst=inst: pruned_enumerator(inst))
        per_ours, per_plain = ours / max(listed, 1), plain_time / max(plain, 1)
        label = f"{n} parties{' + demands' if demands else ''}, jsonl (process)"
        rows.append((label, f"{listed:,}", f"{ours:.2f}", f"{per_ours * 1e6:.1f}",
                     f"{per_plain * 1e6:.2f}", f"{per_ours / per_plain:.1f}x", f"{peak}"))
        if not demands:
            bare_time, bare = timed(lambda inst=inst: bare_cpsat(inst))
            rows.append((f"{n} parties, bare CP-SAT roles model (in process)", f"{bare:,}",
                         f"{bare_time:.2f}", f"{bare_time / max(bare, 1) * 1e6:.1f}", "", "",
                         ""))
        assert listed == plain, (label, listed, plain)
    for country, election in ([] if quick else REAL):
        inst = real_parliament(country, election)
        if inst is None:
            continue
        path = folder / f"{country}.json"
        path.write_text(json.dumps(inst))
        ours, peak, out = allocator_process(path, "solve", "--level", "coalition",
                                            "--format", "jsonl")
        listed = len(out.splitlines()) - 1
        rows.append((f"{inst['name']}, {len(inst['parties'])} parties, jsonl (process)",
                     f"{listed:,}", f"{ours:.2f}", f"{ours / max(listed, 1) * 1e6:.1f}", "", "",
                     f"{peak}"))
    for n in ([] if quick else [30, 40]):
        path = folder / f"p{n}.json"
        path.write_text(json.dumps(parliament(n, demands=True)))
        ours, peak, out = allocator_process(path, "solve", "--count", "--format", "json")
        rows.append((f"{n} parties + demands, --count (process)",
                     f"{json.loads(out)['count']:,}", f"{ours:.2f}", "", "", "", f"{peak}"))
    for label, inst in (("12 parties, relative investiture",
                         parliament(12, investiture="relative")),
                        ("12 parties, negative investiture",
                         parliament(12, investiture="negative")),
                        ("12 parties, D'Hondt", parliament(12, dhondt=True))):
        path = folder / "variant.json"
        path.write_text(json.dumps(inst))
        ours, peak, out = allocator_process(path, "solve", "--level", "coalition",
                                            "--format", "jsonl")
        listed = len(out.splitlines()) - 1
        rows.append((f"{label}, jsonl (process)", f"{listed:,}", f"{ours:.2f}",
                     f"{ours / max(listed, 1) * 1e6:.1f}", "", "", f"{peak}"))
    rows += explanation_rows(folder, quick)
    header = ("measured", "coalitions", "s", "µs/coalition", "pruned Python µs/coalition",
              "ratio", "peak MB")
    table = [header, *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def explanation_rows(folder: Path, quick: bool) -> list[tuple[str, ...]]:
    """`allocator explain` (conflict, every minimum relaxation with its first allocation) of
    20- and 30-party deadlocks, as whole processes, beside CPMpy's `mus` + `mcs_opt`."""
    rows = []
    for n in (20,) if quick else (20, 30):
        inst = deadlock(n)
        path = folder / f"deadlock-{n}.json"
        path.write_text(json.dumps(inst))
        ours, peak, out = allocator_process(path, "explain", "--format", "json")
        found = json.loads(out)["deadlock"]
        try:
            theirs = (f"CPMpy mus + mcs_opt {cpmpy_explanation(inst):.2f} s (in process)"
                      if n == 20 else "CPMpy: not run (its mcs_opt took minutes at 30)")
        except ImportError:
            theirs = "CPMpy not installed"
        rows.append((f"explain {n}-party deadlock, 30 demands (process)",
                     f"conflict {len(found['conflict'])}, {len(found['relaxations'])} ways",
                     f"{ours:.2f}", "", theirs, "", f"{peak}"))
    return rows


if __name__ == "__main__":
    main()

"""A sweep's result -> text: the JSON of SPEC §7, CSV, and a table for people.

Probabilities are shares of the draws; beside each, the table and the CSV give its 95% Wilson
score interval (Wilson 1927), which stays inside [0, 1] and is honest for shares near 0 or 1,
where most coalitions' are.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import UsageError, format_path, known
from ..instance.schema import Instance
from ..solving.result import ABSTAIN, CABINET, SUPPORT
from ..sweep.run import Roles, SweepResult
from .text import aligned

FORMATS = ("table", "json", "csv")
#: the table lists this many governments, the most likely first (csv and json list them all)
TABLE_ROWS = 30
Z95 = 1.959963984540054  # the normal quantile of 0.975


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a share k/n."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    middle = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if k == 0 else max(0.0, middle - half)  # exactly, not a rounding error away
    high = 1.0 if k == n else min(1.0, middle + half)
    return low, high


def _share(k: int, n: int) -> float:
    return k / n if n else 0.0


def _members(result: SweepResult, roles: Roles, role: int) -> list[str]:
    return [p for p, r in zip(result.instance.party_ids, roles, strict=True) if r == role]


def sweep_dict(result: SweepResult) -> dict[str, Any]:
    """The JSON document of SPEC §7."""
    n = result.draws
    return {
        "instance": result.instance.name,
        "scenario": result.scenario,
        "draws": n,
        "seed": result.seed,
        "deadlock": _share(result.deadlock, n),
        "coalitions": [{"cabinet": _members(result, roles, CABINET),
                        "support": _members(result, roles, SUPPORT),
                        "abstain": _members(result, roles, ABSTAIN),
                        "probability": _share(k, n), "draws": k}
                       for roles, k in result.governments],
        "parties": {p: {"cabinet": _share(c, n), "support": _share(s, n),
                        "pivotal": _share(v, n)}
                    for p, (c, s, v) in result.parties.items()},
        "complete": result.complete,
    }


def sweep_json(result: SweepResult) -> str:
    return json.dumps(sweep_dict(result), ensure_ascii=False) + "\n"


def sweep_csv(result: SweepResult) -> str:
    """One row per government, the most likely first; parties joined with `+`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["cabinet", "support", "abstain", "probability", "low", "high", "draws"])
    n = result.draws
    for roles, k in result.governments:
        low, high = wilson(k, n)
        writer.writerow(["+".join(_members(result, roles, role))
                         for role in (CABINET, SUPPORT, ABSTAIN)]
                        + [f"{_share(k, n):.6f}", f"{low:.6f}", f"{high:.6f}", k])
    return buffer.getvalue()


def percent(x: float) -> str:
    """One decimal, never rounding a share that is not 0 or 1 to 0.0% or 100.0%."""
    if 0 < x < 0.0005:
        return "<0.1%"
    if 0.9995 <= x < 1:
        return ">99.9%"
    return f"{100 * x:.1f}%"


def status(result: SweepResult) -> str:
    """What the figures are over: how many draws, from where, complete or not."""
    source = (f"drawn from the polls (seed {result.seed})" if result.seed is not None
              else "from the seat table")
    said = f"{result.draws:,} parliaments {source}"
    if result.complete:
        return f"Over {said}."
    reason = result.stopped_by or "stopped"
    return (f"Incomplete ({reason}): over the first {said}, of {result.requested:,} asked "
            "for.")


def sweep_table(result: SweepResult) -> str:
    n = result.draws
    title = result.instance.name + (f" (scenario {result.scenario})" if result.scenario
                                     else "")
    lines = [title, status(result)]
    if n == 0:
        return "\n".join(lines) + "\n"
    possible = n - result.deadlock
    lines.append(f"Some government is possible in {possible:,} of them "
                 f"({percent(_share(possible, n))}); none in {result.deadlock:,} "
                 f"({percent(_share(result.deadlock, n))}).")
    abstain = result.instance.government.investiture != "absolute"
    if result.governments:
        header: list[object] = ["probability", "95% interval", "draws", "cabinet", "support",
                                *(["abstain"] if abstain else [])]
        rows: list[list[object]] = []
        for roles, k in result.governments[:TABLE_ROWS]:
            low, high = wilson(k, n)
            rows.append([percent(_share(k, n)), f"{percent(low)}-{percent(high)}",
                         f"{k:,}", ", ".join(_members(result, roles, CABINET)),
                         ", ".join(_members(result, roles, SUPPORT)) or "-",
                         *([", ".join(_members(result, roles, ABSTAIN)) or "-"]
                           if abstain else [])])
        lines += ["", "Governments, the most likely first:", *aligned(header, rows, figures=True)]
        rest = len(result.governments) - TABLE_ROWS
        if rest > 0:
            lines.append(f"... and {rest:,} more (--format csv or json lists them all)")
    party_rows: list[list[object]] = [
        [p, percent(_share(c, n)), percent(_share(s, n)), percent(_share(v, n))]
        for p, (c, s, v) in result.parties.items()]
    lines += ["", "Parties: in how many parliaments each can sit in a cabinet, support one, "
              "or is pivotal to one:",
              *aligned(["party", "cabinet", "support", "pivotal"], party_rows, figures=True)]
    return "\n".join(lines) + "\n"


# --- reading a sweep back (`allocator report --sweep FILE`) ------------------------------------

Probability = Annotated[float, Field(ge=0, le=1)]


class _Read(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Government(_Read):
    cabinet: list[str] = Field(min_length=1)
    support: list[str]
    abstain: list[str]
    probability: Probability
    draws: Annotated[int, Field(ge=0)]


class _Figures(_Read):
    cabinet: Probability
    support: Probability
    pivotal: Probability


class _Sweep(_Read):
    """The JSON document `sweep_dict` writes (SPEC §7)."""

    instance: str
    scenario: str | None
    draws: Annotated[int, Field(ge=0)]
    seed: int | None
    deadlock: Probability
    coalitions: list[_Government]
    parties: dict[str, _Figures]
    complete: bool


def read_sweep(path: str, instance: Instance) -> dict[str, Any]:
    """A sweep saved with `--format json`, checked against the instance it is about."""
    where = f"--sweep {path}"
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{where}: cannot read it ({exc})") from None
    except ValueError as exc:
        raise UsageError(f"{where}: not JSON ({exc})") from None
    try:
        sweep = _Sweep.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise UsageError(f"{where}: not the JSON of `allocator sweep --format json` "
                         f"({format_path(tuple(first['loc'])) or 'the document'}: "
                         f"{first['msg']})") from None
    if sweep.instance != instance.name:
        raise UsageError(f"{where}: it is a sweep of {sweep.instance!r}, not of "
                         f"{instance.name!r}")
    ids = instance.party_ids
    named = {p for c in sweep.coalitions for p in (*c.cabinet, *c.support, *c.abstain)}
    unknown = sorted((named | set(sweep.parties)) - set(ids))
    if unknown:
        raise UsageError(f"{where}: it names parties the instance does not have: "
                         f"{', '.join(unknown)} ({known(ids)})")
    return sweep.model_dump()

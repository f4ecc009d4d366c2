"""Results -> CSV: one flat row per allocation or coalition, several parties joined with `+`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from ..instance.schema import Instance
from ..solving.result import Allocation, Coalition, Level, Result
from .views import shows_abstain


def _columns(level: Level, investiture: str, parties: list[str], posts: list[str],
             portfolios: list[str], ranked: bool) -> list[str]:
    roles = ["cabinet", "support"] + (["abstain"] if shows_abstain(investiture) else [])
    if level == "allocation":
        split = [f"n:{p}" for p in parties]
    else:
        split = [f"{bound}:{p}" for p in parties for bound in ("min", "max")]
    return [*roles, "opposition", *split, *(f"post:{p}" for p in posts),
            *(f"portfolio:{p}" for p in portfolios), "programme", "form", "seats",
            *(["probability"] if ranked else [])]


def _flat_row(item: Allocation | Coalition, parties: list[str], investiture: str
              ) -> dict[str, Any]:
    row: dict[str, Any] = {
        "cabinet": "+".join(item.cabinet), "support": "+".join(item.support),
        "abstain": "+".join(item.abstain), "opposition": "+".join(item.opposition),
        "programme": "+".join(item.programme), "form": item.form, "seats": item.seats,
        "probability": item.probability,
    }
    for p in parties:
        if isinstance(item, Allocation):
            row[f"n:{p}"] = item.cabinet.get(p, 0)
        else:
            r = item.cabinet.get(p)
            row[f"min:{p}"], row[f"max:{p}"] = (r.min, r.max) if r else (0, 0)
    for kind, table in (("post", item.posts), ("portfolio", item.portfolios)):
        for name, holder in table.items():
            row[f"{kind}:{name}"] = holder if isinstance(holder, str) else "+".join(holder)
    return row


def csv_stream(items: Iterable[Allocation | Coalition], problem: Instance, level: Level,
               ranked: bool = False) -> Iterator[str]:
    """One flat row per allocation (or coalition) as it comes; several parties are joined
    with `+`; `ranked`: with each one's probability, in a last column."""
    buffer = io.StringIO()
    parties = problem.party_ids
    investiture = problem.government.investiture
    columns = _columns(level, investiture, parties, problem.cabinet.every_post,
                       list(problem.cabinet.portfolios), ranked)
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for item in items:
        writer.writerow(_flat_row(item, parties, investiture))
        if buffer.tell() > 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def to_csv(result: Result) -> str:
    ranked = any(item.probability is not None for item in result.items[:1])
    return "".join(csv_stream(result.items, result.instance, result.level, ranked))

"""Results -> text: JSON, JSON lines, CSV and a table for people (SPEC §5).

Pure functions of a `Result`: the same result always renders to the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from .result import Allocation, Coalition, Result

FORMATS = ("table", "json", "jsonl", "csv")


def _with_abstain(investiture: str) -> bool:
    """`abstain` is shown only where the investiture rule lets anyone abstain."""
    return investiture != "absolute"


def item_dict(item: Allocation | Coalition, investiture: str) -> dict[str, Any]:
    if isinstance(item, Allocation):
        cabinet: dict[str, Any] = dict(item.cabinet)
        posts: dict[str, Any] = dict(item.posts)
        portfolios: dict[str, Any] = dict(item.portfolios)
    else:
        cabinet = {p: {"min": r.min, "max": r.max} for p, r in item.cabinet.items()}
        posts = {k: list(v) for k, v in item.posts.items()}
        portfolios = {k: list(v) for k, v in item.portfolios.items()}
    out: dict[str, Any] = {"cabinet": cabinet, "support": list(item.support)}
    if _with_abstain(investiture):
        out["abstain"] = list(item.abstain)
    out.update(opposition=list(item.opposition), posts=posts, portfolios=portfolios,
               programme=list(item.programme), form=item.form, seats=item.seats)
    return out


def summary_dict(result: Result) -> dict[str, Any]:
    out: dict[str, Any] = {"instance": result.instance, "scenario": result.scenario}
    if result.level == "coalition":
        out["level"] = "coalition"
    out.update(status=result.status, complete=result.complete, count=result.count)
    return out


def deadlock_dict(result: Result) -> dict[str, Any] | None:
    if result.deadlock is None:
        return None
    return {"conflict": result.deadlock.conflict, "relaxations": result.deadlock.relaxations}


def json_chunks(result: Result) -> Iterator[str]:
    """The JSON document in pieces, so a million coalitions never sit in one string."""
    head = json.dumps(summary_dict(result), ensure_ascii=False)[:-1]
    key = "allocations" if result.level == "allocation" else "coalitions"
    yield f'{head}, "{key}": ['
    for i, item in enumerate(result.items):
        yield (", " if i else "") + json.dumps(item_dict(item, result.investiture),
                                               ensure_ascii=False)
    yield f'], "deadlock": {json.dumps(deadlock_dict(result), ensure_ascii=False)}}}\n'


def to_json(result: Result) -> str:
    return "".join(json_chunks(result))


def jsonl_line(item: Allocation | Coalition, investiture: str) -> str:
    return json.dumps(item_dict(item, investiture), ensure_ascii=False) + "\n"


def jsonl_summary(result: Result) -> str:
    """The last line of a JSON-lines stream: the result without its items."""
    return json.dumps({"summary": True, **summary_dict(result),
                       "deadlock": deadlock_dict(result)}, ensure_ascii=False) + "\n"


def to_jsonl(result: Result) -> str:
    lines = [jsonl_line(item, result.investiture) for item in result.items]
    return "".join(lines) + jsonl_summary(result)


def _columns(result: Result, parties: list[str], posts: list[str],
             portfolios: list[str]) -> list[str]:
    roles = ["cabinet", "support"] + (["abstain"] if _with_abstain(result.investiture) else [])
    if result.level == "allocation":
        split = [f"n:{p}" for p in parties]
    else:
        split = [f"{bound}:{p}" for p in parties for bound in ("min", "max")]
    return [*roles, "opposition", *split, *(f"post:{p}" for p in posts),
            *(f"portfolio:{p}" for p in portfolios), "programme", "form", "seats"]


def _flat_row(item: Allocation | Coalition, parties: list[str], investiture: str
              ) -> dict[str, Any]:
    row: dict[str, Any] = {
        "cabinet": "+".join(item.cabinet), "support": "+".join(item.support),
        "abstain": "+".join(item.abstain), "opposition": "+".join(item.opposition),
        "programme": "+".join(item.programme), "form": item.form, "seats": item.seats,
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


def to_csv(result: Result, parties: list[str], posts: list[str], portfolios: list[str]) -> str:
    """One flat row per allocation (or coalition); several parties are joined with `+`."""
    buffer = io.StringIO()
    columns = _columns(result, parties, posts, portfolios)
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for item in result.items:
        writer.writerow(_flat_row(item, parties, result.investiture))
    return buffer.getvalue()


# --- the table for people -------------------------------------------------------------------------


def status_line(result: Result) -> str:
    noun = "allocation" if result.level == "allocation" else "coalition"
    plural = f"{result.count} {noun}{'' if result.count == 1 else 's'}"
    if result.status == "deadlock":
        return "deadlock: no allocation satisfies every demand (proven)"
    if result.status == "unknown":
        return (f"unknown: the {result.stopped_by or 'search'} ended the search before any "
                f"{noun} was found or deadlock was proven")
    if result.complete:
        return f"feasible: {plural}, complete"
    return f"feasible: {plural} found; INCOMPLETE, the {result.stopped_by} cut the search short"


def to_table(result: Result) -> str:
    title = result.instance + (f" (scenario {result.scenario})" if result.scenario else "")
    lines = [title, status_line(result)]
    if result.items:
        header, rows = _table_rows(result)
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        lines.append("")
        for row in [header, *rows]:
            cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)]
            lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def _table_rows(result: Result) -> tuple[list[object], list[list[object]]]:
    first = result.items[0]
    abstain = _with_abstain(result.investiture)
    header: list[object] = ["#", "cabinet", "support", *(["abstain"] if abstain else []),
                            "form", "seats", *first.posts, *first.portfolios, "programme"]
    rows: list[list[object]] = []
    for number, item in enumerate(result.items, 1):
        if isinstance(item, Allocation):
            cabinet = ", ".join(f"{p} {n}" for p, n in item.cabinet.items())
            holders = [*item.posts.values(), *item.portfolios.values()]
        else:
            cabinet = ", ".join(
                f"{p} {r.min}" if r.min == r.max else f"{p} {r.min}-{r.max}"
                for p, r in item.cabinet.items()
            )
            holders = ["/".join(h) for h in [*item.posts.values(), *item.portfolios.values()]]
        rows.append([number, cabinet, ", ".join(item.support) or "-",
                     *([", ".join(item.abstain) or "-"] if abstain else []),
                     item.form, item.seats, *holders, ", ".join(item.programme) or "-"])
    return header, rows

"""ParlGov's `view_cabinet` table -> one instance per election (`allocator parlgov`).

ParlGov (Döring & Manow, parlgov.org) has, per cabinet, one row per party in parliament: its
seats at the election, whether it sat in the cabinet, whether it held the prime minister, its
left-right position, and ids. Each election becomes one formation:

* **The cabinet** is the first formed after the election, in order of start date: a caretaker
  cabinet (the outgoing government carrying on under the new election's id) is skipped, and
  kept only when it is all there is.
* **The parties** are those with seats; a cabinet party without seats is kept, with 0 seats,
  and flagged (ParlGov files an electoral alliance's seats under one member). Pseudo-parties
  (`none`, `one-seat`, `etc`: independents, one-seat parties, others) are not parties: their
  seats are in the chamber's total, held by no listed party.
* `position` is ParlGov's `left_right` (0-10) where it has one; `government.investiture` is
  `negative` in Denmark, Norway and Sweden, whose governments need only not to be voted down
  (`NEGATIVE`; a user may say otherwise per country), `absolute` elsewhere.
* **The outcome** is the recorded cabinet, with the prime minister's party as `leader`, expected
  feasible. ParlGov has no cabinet sizes: the cabinet has one member per party at least and as
  many as there are parties at most, so that any set of parties fits.

Problems in the data are reported per formation, never passed over: cabinet parties without
seats, parties' seats adding up past the chamber (then the chamber is their sum), a prime
minister outside the cabinet parties, and non-partisan cabinets, which the format cannot
express (no party holds the cabinet): those are skipped, and said so.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InstanceError, Problem, UsageError
from ..instance.loader import from_dict

PSEUDO_PARTIES = frozenset({"none", "one-seat", "etc"})
#: countries whose governments stand unless a majority votes against them
NEGATIVE = frozenset({"DNK", "NOR", "SWE"})
#: Western Europe, as the comparative literature on coalition formation takes it
WESTERN_EUROPE = ("AUT", "BEL", "CHE", "DEU", "DNK", "ESP", "FIN", "FRA", "GBR", "GRC", "IRL",
                  "ISL", "ITA", "LUX", "MLT", "NLD", "NOR", "PRT", "SWE")
COLUMNS = ("country_name_short", "country_name", "election_date", "start_date", "cabinet_name",
           "caretaker", "cabinet_party", "prime_minister", "seats", "election_seats_total",
           "party_name_short", "party_name", "party_name_english", "left_right", "country_id",
           "election_id", "cabinet_id", "previous_cabinet_id", "party_id")
Row = dict[str, str]


@dataclass
class Formation:
    """One election and the cabinet formed after it: the instance (None when it cannot be
    expressed), and what was wrong with the data."""

    country: str
    election: datetime.date
    election_id: str
    cabinet: str
    instance: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return f"{self.country.lower()}-{self.election.isoformat()}"

    def said(self) -> Iterator[str]:
        for problem in self.problems:
            yield f"{self.slug} (ParlGov election {self.election_id}): {problem}"


def read(path: str) -> list[Row]:
    """The table's rows, every one checked for the columns the import reads."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InstanceError([Problem(
            f"not ParlGov's view_cabinet table: no column {', '.join(missing)}", file=path,
            line=1)], source=path)
    rows, problems = [], []
    for line, row in enumerate(reader, start=2):
        wrong = _row_problem(row)
        if wrong:
            problems.append(Problem(wrong, file=path, line=line))
        else:
            rows.append(row)
    if problems:
        raise InstanceError(problems[:50], source=path)
    return rows


def _row_problem(row: Row) -> str | None:
    for column in ("seats", "election_seats_total", "election_id", "cabinet_id", "party_id"):
        if not (row.get(column) or "").isdigit():
            return f"{column}: {row.get(column)!r} is not a whole number"
    for column in ("election_date", "start_date"):
        try:
            _date(row[column])
        except (ValueError, KeyError):
            return f"{column}: {row.get(column)!r} is not a date (dd/mm/yyyy)"
    return None


def _date(text: str) -> datetime.date:
    return datetime.datetime.strptime(text, "%d/%m/%Y").date()


def formations(rows: Iterable[Row], countries: Sequence[str] = (), since: int | None = None,
               investiture: dict[str, str] | None = None) -> Iterator[Formation]:
    """Every election of these countries (all if none) from `since` on, in order of country
    and date, with its formation."""
    wanted = {c.upper() for c in countries}
    elections: dict[tuple[str, str], dict[str, list[Row]]] = defaultdict(lambda: defaultdict(
        list))
    for row in rows:
        country = row["country_name_short"]
        if wanted and country not in wanted:
            continue
        if since is not None and _date(row["election_date"]).year < since:
            continue
        elections[(country, row["election_id"])][row["cabinet_id"]].append(row)
    rules = {c: "negative" for c in NEGATIVE} | (investiture or {})
    ordered = sorted(elections.items(),
                     key=lambda item: (item[0][0], _date(_first(item[1])["election_date"])))
    for (country, _), cabinets in ordered:
        yield formation(cabinets, rules.get(country, "absolute"))


def _first(cabinets: dict[str, list[Row]]) -> Row:
    return next(iter(cabinets.values()))[0]


def formation(cabinets: dict[str, list[Row]], rule: str) -> Formation:
    """The formation of one election from the rows of its cabinets."""
    ordered = sorted(cabinets.values(),
                     key=lambda rs: (_date(rs[0]["start_date"]), int(rs[0]["cabinet_id"])))
    partisan = [c for c in ordered if c[0]["caretaker"] != "1"]
    rows = (partisan or ordered)[0]
    head = rows[0]
    found = Formation(head["country_name_short"], _date(head["election_date"]),
                      head["election_id"], head["cabinet_name"])
    if not partisan:
        found.problems.append(f"only a caretaker cabinet ({head['cabinet_name']}) followed "
                              "the election: it is the outcome")
    in_cabinet = [r for r in rows if r["cabinet_party"] == "1"
                  and r["party_name_short"] not in PSEUDO_PARTIES]
    if not in_cabinet:
        found.problems.append(f"{head['cabinet_name']} is a non-partisan cabinet, which the "
                              "format cannot express (no listed party holds it): skipped")
        return found
    found.instance = _instance(rows, in_cabinet, rule, found)
    try:
        from_dict(found.instance)
    except InstanceError as exc:
        found.problems += [f"not a valid instance, skipped: {p.message}" for p in exc.problems]
        found.instance = None
    return found


def _instance(rows: list[Row], in_cabinet: list[Row], rule: str,
              found: Formation) -> dict[str, Any]:
    head = rows[0]
    ids = _ids(rows)
    listed = sorted((r for r in rows if r["party_name_short"] not in PSEUDO_PARTIES
                     and (int(r["seats"]) > 0 or r["cabinet_party"] == "1")),
                    key=lambda r: (-int(r["seats"]), r["party_name_short"]))
    for r in in_cabinet:
        if int(r["seats"]) == 0:
            found.problems.append(f"cabinet party {r['party_name_short']} has no seats in "
                                  "ParlGov (an alliance's seats filed under one member?): "
                                  "kept with 0 seats")
    parties = []
    for r in listed:
        party: dict[str, Any] = {"id": ids[r["party_id"]],
                                 "name": r["party_name_english"] or r["party_name"],
                                 "seats": int(r["seats"])}
        if r["left_right"].strip():
            party["position"] = round(float(r["left_right"]), 4)
        parties.append(party)
    election = _date(head["election_date"])
    return {
        "name": f"{head['country_name']}, election of {election:%d %B %Y}: "
                f"{head['cabinet_name']} cabinet",
        "date": _date(head["start_date"]).isoformat(),
        "sources": [f"ParlGov view_cabinet: country {head['country_id']}, election "
                    f"{head['election_id']}, cabinet {head['cabinet_id']} "
                    f"({head['cabinet_name']}), party ids "
                    + ", ".join(r["party_id"] for r in listed)],
        "seats": _chamber(rows, found),
        "parties": parties,
        "cabinet": {"size": {"min": 1, "max": max(len(parties), 1)}},
        "government": {"investiture": rule},
        "outcome": _outcome(rows, in_cabinet, ids, found),
    }


def _chamber(rows: list[Row], found: Formation) -> int:
    """The chamber's seats: ParlGov's total, or the parties' sum where that is more."""
    total = int(rows[0]["election_seats_total"])
    held = sum(int(r["seats"]) for r in rows)
    if held <= total:
        return total
    found.problems.append(f"the parties' seats add up to {held}, past the chamber's {total}: "
                          "the chamber is taken as their sum")
    return held


def _outcome(rows: list[Row], in_cabinet: list[Row], ids: dict[str, str],
             found: Formation) -> dict[str, Any]:
    """The recorded cabinet, led by the prime minister's party where ParlGov says which."""
    pm = [r for r in rows if r["prime_minister"] == "1"]
    outcome: dict[str, Any] = {"cabinet": [ids[r["party_id"]] for r in in_cabinet]}
    if pm and pm[0] in in_cabinet:
        outcome["posts"] = {"leader": ids[pm[0]["party_id"]]}
    elif pm:
        found.problems.append(f"the prime minister's party ({pm[0]['party_name_short']}) is "
                              "not among the cabinet parties: the leader is not recorded")
    else:
        found.problems.append("ParlGov records no prime minister (a collegial government?): "
                              "the leader is not recorded")
    outcome["expect"] = "feasible"
    return outcome


def _ids(rows: list[Row]) -> dict[str, str]:
    """A slug per party (its short name, in ASCII), unique within the election."""
    ids: dict[str, str] = {}
    for r in rows:
        text = unicodedata.normalize("NFKD", r["party_name_short"]).encode("ascii", "ignore")
        slug = re.sub(r"[^a-z0-9]+", "-", text.decode().lower()).strip("-") or "party"
        if slug in ids.values():
            slug = f"{slug}-{r['party_id']}"
        ids[r["party_id"]] = slug
    return ids


def to_yaml(found: Formation) -> str:
    """The formation's instance file: a comment saying where it came from and what was wrong
    with the data, then the instance."""
    from ruamel.yaml import YAML

    assert found.instance is not None
    yaml = YAML()
    yaml.default_flow_style = None  # parties and lists on one line each
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(found.instance, out)
    head = [f"# Imported from ParlGov (Döring & Manow, parlgov.org) by `allocator parlgov`: "
            f"{found.slug}.", *(f"# Data: {p}" for p in found.problems)]
    return "\n".join(head) + "\n" + out.getvalue()

"""A sweep's JSON document (SPEC §7), one pydantic model for writing it and for reading it
back (`allocator report --sweep FILE`, `reading`): what is written is validated by the model
that reads it, and a file that does not hold together (a government counted in more draws than
the sweep, a probability that is not its share of the draws) is refused with where and why.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..solving.result import ABSTAIN, CABINET, SUPPORT

if TYPE_CHECKING:  # the document of a result; reading one back needs no solver
    from .governments import Roles
    from .run import SweepResult

Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Draws = Annotated[int, Field(ge=0, le=10**9)]
#: a written share and its count of draws may differ by rounding, never by more
TOLERANCE = 1e-9
#: governments written at a time
BLOCK = 10_000


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Government(_Document):
    """One government: its parties by role, and in how many draws (and which share) it has a
    deal meeting every demand."""

    cabinet: list[str] = Field(min_length=1)
    support: list[str]
    abstain: list[str]
    probability: Probability
    draws: Draws


class Forming(_Document):
    """One cabinet: the mean over the draws of the formation model's probability that it
    forms (`forms`), and the share of draws in which it has a deal (`possible`)."""

    cabinet: list[str] = Field(min_length=1)
    forms: Probability
    possible: Probability


class Chances(_Document):
    """A party's share of the draws in which it can sit in a cabinet, support one, or is
    pivotal to one."""

    cabinet: Probability
    support: Probability
    pivotal: Probability


class SweepDocument(_Document):
    """What `allocator sweep --format json` writes (SPEC §7), keys in that order."""

    instance: str
    scenario: str | None
    draws: Draws
    seed: int | None
    deadlock: Probability
    coalitions: list[Government]
    cabinets: list[Forming] = Field(default_factory=list)
    parties: dict[str, Chances]
    complete: bool

    @model_validator(mode="after")
    def _shares_of_the_draws(self) -> SweepDocument:
        for i, government in enumerate(self.coalitions):
            if government.draws > self.draws:
                raise ValueError(f"coalitions[{i}] is counted in {government.draws:,} draws, "
                                 f"more than the sweep's {self.draws:,}")
            if abs(government.probability - share(government.draws, self.draws)) > TOLERANCE:
                raise ValueError(f"coalitions[{i}]: probability {government.probability} is "
                                 f"not {government.draws:,} of {self.draws:,} draws")
        likely = sum(c.forms for c in self.cabinets)
        if self.cabinets and abs(likely + self.deadlock - 1) > 1e-6:
            raise ValueError(f"the cabinets' chances to form ({likely:.6f}) and no deal "
                             f"({self.deadlock:.6f}) do not make 1")
        return self


def share(k: float, n: int) -> float:
    return k / n if n else 0.0


def members(result: SweepResult, roles: Roles, role: int) -> list[str]:
    return [p for p, r in zip(result.instance.party_ids, roles, strict=True) if r == role]


def document(result: SweepResult) -> SweepDocument:
    """The document of a sweep's result."""
    n = result.draws
    return SweepDocument(
        instance=result.instance.name, scenario=result.scenario, draws=n, seed=result.seed,
        deadlock=share(result.deadlock, n),
        coalitions=[Government(cabinet=members(result, roles, CABINET),
                               support=members(result, roles, SUPPORT),
                               abstain=members(result, roles, ABSTAIN),
                               probability=share(k, n), draws=k)
                    for roles, k in result.governments],
        cabinets=[Forming(cabinet=[result.instance.party_ids[i] for i in cabinet],
                          forms=min(chance / n, 1.0) if n else 0.0, possible=share(k, n))
                  for cabinet, chance, k in result.cabinets],
        parties={p: Chances(cabinet=share(c, n), support=share(s, n), pivotal=share(v, n))
                 for p, (c, s, v) in result.parties.items()},
        complete=result.complete)


def sweep_dict(result: SweepResult) -> dict[str, Any]:
    """The document as plain data."""
    return document(result).model_dump()


def shown(result: SweepResult, kept: int) -> dict[str, Any]:
    """The document as plain data with its first `kept` governments only, and how many it
    lists in all (`listed`): what the pictures and the report read (`reading.read_sweep`
    gives the same from a file)."""
    first = replace(result, governments=result.governments[:kept])
    return {**sweep_dict(first), "listed": len(result.governments)}


def json_parts(result: SweepResult) -> Iterator[str]:
    """The document as JSON text, in parts (what `--out` writes one after another). The
    governments (2.1 million for 1,000 draws of a Spanish parliament) are written a block at
    a time as the model would dump them, the rest through the model: a model per government
    took 3.4 GB and 25 s for 1.4 million of them, which a time limit could not wait for."""
    n = result.draws
    empty = replace(result, governments=result.governments[:0])
    head = json.dumps(document(empty).model_dump(), ensure_ascii=False)
    before, after = head.split('"coalitions": []', 1)  # (a name's quotes are escaped)

    quoted = [json.dumps(p, ensure_ascii=False) for p in result.instance.party_ids]
    # the parties of a role, as JSON, by the set they are (far fewer sets than governments)
    lists: dict[tuple[int, Hashable], str] = {}

    def listed(role: int, key: Hashable, row: Roles) -> str:
        if (role, key) not in lists:
            lists[role, key] = ", ".join(q for q, r in zip(quoted, row, strict=True)
                                         if r == role)
        return lists[role, key]

    yield before + '"coalitions": ['
    governments = result.governments
    for start in range(0, len(governments), BLOCK):
        block = governments[start:start + BLOCK]
        keys = [sets(block.rows == role) for role in (CABINET, SUPPORT, ABSTAIN)]
        parts = [f'{{"cabinet": [{listed(CABINET, cabinet, roles)}], '
                 f'"support": [{listed(SUPPORT, support, roles)}], '
                 f'"abstain": [{listed(ABSTAIN, abstain, roles)}], '
                 f'"probability": {share(k, n)!r}, "draws": {k}}}'
                 for (roles, k), cabinet, support, abstain in zip(block, *keys, strict=True)]
        yield (", " if start else "") + ", ".join(parts)
    yield "]" + after + "\n"


def sets(taking: NDArray[np.bool_]) -> list[Hashable]:
    """Per row, a key of the set of columns that are true (equal sets, equal keys)."""
    if taking.shape[1] <= 62:
        return list((taking.astype(np.int64) << np.arange(taking.shape[1])).sum(axis=1)
                    .tolist())
    return [row.tobytes() for row in np.packbits(taking, axis=1)]

"""A fitted formation model: a conditional logit over an instance's feasible cabinets, P(C) =
exp(x_C·β) / Σ_D exp(x_D·β), the x the cabinets' `attributes`.

The model shipped with the package (`formation.json`, fitted by `allocator fit` on ParlGov's
post-war record) is used unless a command is given `--model FILE`. A model file is JSON,
read with the limits of every input and checked (known attributes, finite numbers); it holds
the coefficients with their standard errors, the data it was fitted on, the fit's
log-likelihood and gradient, and its validation on formations the fit did not see.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import UsageError, format_path, known
from ..files import read_text
from ..instance.schema import Instance
from .attributes import NAMES, Chamber, attributes
from .cabinets import Members, feasible

if TYPE_CHECKING:  # a budget is given, never made here: no solver at import
    from ..solving.solver import Budget

#: the model shipped with the package
SHIPPED = "formation.json"
Finite = Annotated[float, Field(allow_inf_nan=False)]


class Term(BaseModel):
    """One attribute of the model, its coefficient and standard error."""

    model_config = ConfigDict(extra="forbid")

    name: str
    coefficient: Finite
    error: Finite | None = None

    @field_validator("name")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in NAMES:
            raise ValueError(f"unknown attribute {name!r} ({known(NAMES)})")
        return name


class FormationModel(BaseModel):
    """A model file's content (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = "conditional logit"
    terms: list[Term] = Field(min_length=1, max_length=len(NAMES))
    data: str = ""
    fit: dict[str, Any] = Field(default_factory=dict)
    validation: dict[str, Any] = Field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.terms)

    @property
    def beta(self) -> NDArray[np.float64]:
        return np.array([t.coefficient for t in self.terms], dtype=np.float64)

    def probabilities(self, chamber: Chamber, members: Members) -> NDArray[np.float64]:
        """The probability that each cabinet forms, among these."""
        if not len(members):
            return np.zeros(0)
        utility = attributes(chamber, members, self.names) @ self.beta
        weight = np.exp(utility - utility.max())
        shares: NDArray[np.float64] = weight / weight.sum()
        return shares

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n"


@cache
def shipped() -> FormationModel:
    """The model fitted on ParlGov's record that comes with the package."""
    text = files("allocator.likely").joinpath(SHIPPED).read_text(encoding="utf-8")
    return FormationModel.model_validate_json(text)


def load(path: str) -> FormationModel:
    """A model file (`--model FILE`), checked."""
    try:
        data = json.loads(read_text(path, limit=1_000_000))
    except ValueError as exc:
        raise UsageError(f"--model {path}: not JSON ({exc})") from None
    except RecursionError:
        raise UsageError(f"--model {path}: not JSON (nested too deep)") from None
    try:
        return FormationModel.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        said = str(first["msg"]).replace("Value error, ", "")
        raise UsageError(f"--model {path}: not a formation model written by `allocator fit` "
                         f"({format_path(tuple(first['loc'])) or 'the document'}: {said})"
                         ) from None


def cabinet_probabilities(problem: Instance, model: FormationModel | None = None,
                          budget: Budget | None = None) -> tuple[Members, NDArray[np.float64]]:
    """The instance's distinct feasible cabinets (SPEC order) and the probability that each
    forms, under `model` (the shipped one by default)."""
    members = feasible(problem, budget)
    return members, (model or shipped()).probabilities(Chamber.of(problem), members)


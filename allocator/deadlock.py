"""A deadlock explained (SPEC §1): a minimal conflict and every minimum relaxation, each with its
first deal; or, where the base rules and fixed demands alone admit nothing, a message saying so.
"""

from __future__ import annotations

from .conflict import minimal_conflict
from .model import Instance
from .relaxations import minimum_relaxations
from .result import Deadlock
from .soft import SoftModel

#: enough for every historical instance; a cut list says so (Deadlock.complete)
DEFAULT_MAX_RELAXATIONS = 1000

BASE_RULES_ONLY = ("no allocation exists even with every demand dropped: the base rules "
                   "(majority, cabinet size, posts) and the fixed demands alone rule it out")


def explain_deadlock(problem: Instance, max_relaxations: int = DEFAULT_MAX_RELAXATIONS,
                     deadline: float | None = None) -> Deadlock:
    """Explain a deadlocked (scenario-resolved) instance; raise if it is not deadlocked."""
    soft = SoftModel(problem, deadline)
    if not soft.satisfiable([]):
        return Deadlock((), (), True, BASE_RULES_ONLY)
    conflict = minimal_conflict(soft)
    if conflict is None:
        raise ValueError("the instance is not deadlocked: there is nothing to explain")
    relaxations, complete = minimum_relaxations(soft, max_relaxations)
    message = "" if complete else (f"only the first {max_relaxations} minimum relaxations "
                                   "are listed; raise max_relaxations for all of them")
    return Deadlock(tuple(conflict), tuple(relaxations), complete, message)

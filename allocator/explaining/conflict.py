"""Minimal conflict: a set of demands that cannot all hold, from which no demand can be removed
without the rest becoming satisfiable (SPEC §1; docs/explanations.md).

One algorithm: deletion-based MUS extraction seeded by CP-SAT's core, with clause set refinement
(Marques-Silva & Lynce, "On improving MUS extraction algorithms", SAT 2011).
"""

from __future__ import annotations

from .soft import SoftModel


def deletion_mus(soft: SoftModel, core: set[str]) -> list[str]:
    """Shrink an infeasible set of demands (`core`) to a minimal one, in instance order.

    Each demand of the current set is left out in turn: if the rest is satisfiable the demand is
    necessary and stays; otherwise the set shrinks to the new core CP-SAT returns (clause set
    refinement: it keeps every demand already found necessary, since any set without one of them
    is satisfiable). Needs assumptions and cores (`SoftModel.core`).
    """
    current = [d for d in soft.soft if d in core]
    i = 0
    while i < len(current):
        smaller = soft.core(current[:i] + current[i + 1:])
        if smaller is None:
            i += 1  # satisfiable without current[i]: it belongs to the conflict
        else:
            current = [d for d in current[:i] + current[i + 1:] if d in smaller]
    return current


def minimal_conflict(soft: SoftModel) -> list[str] | None:
    """A minimal conflict among the soft demands; None if they can all hold together; [] if the
    base rules and fixed demands alone admit no allocation."""
    core = soft.core(soft.soft)
    if core is None:
        return None
    return deletion_mus(soft, core)

"""Explanations: why no deal exists, what would unlock one, which demands bite, and why not X.

All of it is CP-SAT on the *relaxable* encoding, where every non-fixed demand is guarded by an
active literal (see docs/explanations.md for the algorithms):

* minimal conflict: the core CP-SAT returns for the assumptions "every demand active", shrunk by
  deletion (each demand left out in turn; kept only if the rest becomes satisfiable);
* minimum relaxations: maximise the number of active demands, then enumerate every optimal set
  of dropped demands, blocking each one found;
* binding demands (feasible instances): a demand is binding when dropping it adds allocations.
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.sat.python import cp_model

from . import allocations, coalitions
from .encoding import Encoding, Literal
from .errors import UsageError, known
from .model import Instance, RoleDemand
from .result import Deadlock, Explanation, Relaxation
from .scenarios import resolve
from .search import parameters

#: enough for every historical instance; a cut list says so (Deadlock.complete)
DEFAULT_MAX_RELAXATIONS = 1000
#: feasible instances with more allocations than this have their binding demands decided at the
#: coalition level only (a difference there proves a demand binding; no difference is undecided)
BINDING_ALLOCATION_BUDGET = 20_000

BASE_RULES_ONLY = ("no allocation exists even with every demand dropped: the base rules "
                   "(majority, cabinet size, posts) and the fixed demands alone rule it out")


class _Assumer:
    """Solves the relaxable model under assumptions about which demands are active."""

    def __init__(self, encoding: Encoding) -> None:
        self.model = encoding.model
        self.solver = cp_model.CpSolver()
        parameters(self.solver)
        self.ids = {lit.index: did for did, lit in encoding.active.items()
                    if not isinstance(lit, bool)}

    def solve(self, assumed: Sequence[Literal]) -> bool:
        """True if satisfiable with these literals assumed true."""
        self.model.clear_assumptions()
        self.model.add_assumptions(assumed)  # type: ignore[arg-type]
        status = self.solver.solve(self.model)
        self.model.clear_assumptions()
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE):
            raise RuntimeError(f"CP-SAT stopped with status {self.solver.status_name(status)}")
        return status != cp_model.INFEASIBLE

    def core(self) -> set[str]:
        """The demands of the last infeasible solve's core (sufficient for infeasibility)."""
        return {self.ids[i] for i in self.solver.sufficient_assumptions_for_infeasibility()}


def satisfiable(problem: Instance) -> bool:
    """Whether the (scenario-resolved) instance has any allocation: one solve, no listing."""
    return _Assumer(Encoding(problem)).solve([])


def minimum_drop_count(problem: Instance) -> int | None:
    """How many demands the smallest relaxation drops; None if none suffices."""
    encoding = Encoding(problem, relaxable=True)
    active = [lit for lit in encoding.active.values() if not isinstance(lit, bool)]
    solver = cp_model.CpSolver()
    parameters(solver)
    encoding.model.maximize(sum(active))
    if solver.solve(encoding.model) != cp_model.OPTIMAL:
        return None
    return len(active) - round(solver.objective_value)


def deadlock(problem: Instance, max_relaxations: int = DEFAULT_MAX_RELAXATIONS) -> Deadlock:
    """Explain a deadlocked (scenario-resolved) instance; raise if it is not deadlocked."""
    encoding = Encoding(problem, relaxable=True)
    assumer = _Assumer(encoding)
    order = [d.key for d in problem.demands if not d.fixed]
    if not assumer.solve([]):
        return Deadlock((), (), True, BASE_RULES_ONLY)
    if assumer.solve([encoding.active[d] for d in order]):
        raise ValueError("the instance is not deadlocked: there is nothing to explain")
    conflict = _minimal_conflict(encoding, assumer, order, assumer.core())
    relaxations, complete = _minimum_relaxations(problem, encoding, order, max_relaxations)
    message = "" if complete else (f"only the first {max_relaxations} minimum relaxations "
                                   "are listed; raise max_relaxations for all of them")
    return Deadlock(tuple(conflict), tuple(relaxations), complete, message)


def _minimal_conflict(encoding: Encoding, assumer: _Assumer, order: list[str],
                      core: set[str]) -> list[str]:
    """Deletion from CP-SAT's core: every demand kept is needed for the conflict."""
    current = [d for d in order if d in core]
    i = 0
    while i < len(current):
        trial = current[:i] + current[i + 1:]
        if assumer.solve([encoding.active[d] for d in trial]):
            i += 1  # satisfiable without current[i]: it belongs to the conflict
        else:
            smaller = assumer.core()
            current = [d for d in trial if d in smaller]
    return current


def _minimum_relaxations(problem: Instance, encoding: Encoding, order: list[str],
                         limit: int) -> tuple[list[Relaxation], bool]:
    """Every smallest set of demands whose dropping makes a deal possible, each with the first
    deal it allows; sorted by the instance order of their demands."""
    model = encoding.model
    active = [encoding.active[d] for d in order]
    solver = cp_model.CpSolver()
    parameters(solver)
    model.maximize(sum(active))
    status = solver.solve(model)
    assert status == cp_model.OPTIMAL, solver.status_name(status)
    kept = round(solver.objective_value)
    model.clear_objective()
    model.add(sum(active) == kept)
    drop_sets: list[tuple[str, ...]] = []
    complete = True
    while solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if len(drop_sets) == limit:
            complete = False
            break
        dropped = tuple(d for d, lit in zip(order, active, strict=True)
                        if not solver.boolean_value(lit))
        drop_sets.append(dropped)
        model.add_bool_or([encoding.active[d] for d in dropped])  # keep one of them
    position = {d: i for i, d in enumerate(order)}
    drop_sets.sort(key=lambda ds: [position[d] for d in ds])
    return [Relaxation(ds, _first_allocation(without(problem, ds))) for ds in drop_sets], complete


def without(problem: Instance, dropped: Sequence[str]) -> Instance:
    return problem.model_copy(
        update={"demands": [d for d in problem.demands if d.key not in set(dropped)]})


def _first_allocation(problem: Instance) -> allocations.Allocation:
    encoding = Encoding(problem)
    raw = allocations.first(encoding)
    assert raw is not None, "a relaxation always allows a deal"
    return allocations.Decoder(encoding).allocation(raw)


def binding(problem: Instance) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(binding, undecided) demands of a feasible instance: binding ones add allocations when
    dropped. Dropping a demand never removes allocations, so counting them decides it."""
    base, search = allocations.listing(problem, limit=BINDING_ALLOCATION_BUDGET + 1)
    small = search.complete
    summary = None if small else coalitions.listing(problem)[0]
    found: list[str] = []
    undecided: list[str] = []
    for demand in problem.demands:
        if demand.fixed:
            continue
        relaxed = without(problem, [demand.key])
        if small:
            if len(allocations.listing(relaxed, limit=len(base) + 1)[0]) > len(base):
                found.append(demand.key)
        elif coalitions.listing(relaxed)[0] != summary:
            found.append(demand.key)
        else:
            undecided.append(demand.key)
    return tuple(found), tuple(undecided)


def why_not(problem: Instance, question: str) -> tuple[Instance, str]:
    """The instance with the coalition asked about imposed as fixed role demands.

    `lab,green` puts exactly Labour and the Greens in cabinet, any support; `lab+green` puts
    Labour in cabinet with exactly the Greens supporting; `lab,con+green+ld` both.
    """
    cabinet_part, plus, support_part = question.partition("+")
    cabinet = [p.strip() for p in cabinet_part.split(",") if p.strip()]
    support = [p.strip() for p in support_part.replace("+", ",").split(",") if p.strip()]
    parties = problem.party_ids
    unknown = [p for p in cabinet + support if p not in parties]
    if unknown:
        raise UsageError(f"--why-not: unknown part{'ies' if len(unknown) > 1 else 'y'} "
                         f"{', '.join(unknown)} ({known(parties)})")
    if not cabinet:
        raise UsageError("--why-not needs at least one cabinet party, e.g. lab,green or lab+green")
    if set(cabinet) & set(support):
        raise UsageError("--why-not: a party cannot be both in cabinet and supporting")
    others = ["support", "abstain", "opposition"] if not plus else ["abstain", "opposition"]
    if problem.government.investiture == "absolute":
        others = [r for r in others if r != "abstain"]
    roles = []
    for party in parties:
        allowed = ["cabinet"] if party in cabinet else ["support"] if party in support else others
        roles.append(RoleDemand.model_validate(
            {"id": f"why-not-{party}", "party": party, "type": "role", "in": allowed,
             "fixed": True, "text": f"the coalition asked about: {party} in {' or '.join(allowed)}"}
        ))
    words = f"cabinet {', '.join(cabinet)}"
    words += f", supported by {', '.join(support)}" if support else (
        ", no supporters" if plus else ", any support")
    return problem.model_copy(update={"demands": [*problem.demands, *roles]}), words


def explain(instance: Instance, scenario: str | None = None, *, why: str | None = None,
            max_relaxations: int = DEFAULT_MAX_RELAXATIONS) -> Explanation:
    """Explain the instance (or scenario): its deadlock, or its binding demands; with `why`
    (a coalition such as "lab,green" or "lab+green"), why that coalition has no allocation."""
    problem = resolve(instance, scenario)
    words = None
    if why is not None:
        problem, words = why_not(problem, why)
    feasible = bool(allocations.listing(problem, limit=1)[0])
    if not feasible:
        return Explanation(instance.name, scenario, words, False,
                           deadlock(problem, max_relaxations), None)
    if why is not None:
        return Explanation(instance.name, scenario, words, True, None, None)
    found, undecided = binding(problem)
    return Explanation(instance.name, scenario, None, True, None, found, undecided)

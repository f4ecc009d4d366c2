"""A deadlock explained (SPEC §1): a minimal conflict and every minimum relaxation, each with its
first deal; or, where the base rules and fixed demands alone admit nothing, a message saying so.

Each phase runs under the run's `Budget`: a time limit or an interrupt gives what was found so
far, marked incomplete, with a message naming the part that was cut.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ..instance.schema import Instance
from ..likely.model import FormationModel
from ..solving.result import DEFAULT_MAX_RELAXATIONS, Deadlock
from ..solving.solver import Budget, Stopped
from .conflict import minimal_conflict
from .relaxations import minimum_relaxations
from .soft import SoftModel

BASE_RULES_ONLY = ("no allocation exists even with every demand dropped: the base rules "
                   "(majority, cabinet size, posts) alone rule it out")


def explain_deadlock(problem: Instance, max_relaxations: int = DEFAULT_MAX_RELAXATIONS,
                     budget: Budget | None = None, model: FormationModel | None = None
                     ) -> Deadlock:
    """Explain a deadlocked (scenario-resolved) instance; raise if it is not deadlocked. Each
    relaxation's example is the most likely deal it allows under `model`. The minimum
    relaxations are searched on a second thread (a model of their own) while the minimal
    conflict is found: CP-SAT solves outside Python's lock, so two cores share the work."""
    budget = budget or Budget()
    soft = SoftModel(problem, budget)
    try:
        budget.phase("minimal conflict")
        if not soft.satisfiable([]):
            return Deadlock((), (), True, _fixed_conflict(problem, budget))
    except Stopped as stop:
        return Deadlock((), (), False, f"the {stop.reason} came before a conflict or a "
                        "relaxation was found")
    # the relaxations on a model of their own, on a second core, while the conflict is found
    with ThreadPoolExecutor(max_workers=1) as pool:
        relaxing = pool.submit(lambda: minimum_relaxations(SoftModel(problem, budget),
                                                           max_relaxations, model))
        try:
            conflict = minimal_conflict(soft)
        except Stopped as stop:
            return Deadlock((), (), False, f"the {stop.reason} came before a conflict or a "
                            "relaxation was found")
        except KeyboardInterrupt:  # (outside `stopped_by_signals`): stop the other thread too
            budget.stop("interrupt")
            raise
        if conflict is None:
            raise ValueError("the instance is not deadlocked: there is nothing to explain")
        budget.phase("minimum relaxations")
        relaxations, complete = relaxing.result()
    if complete:
        message = ""
    elif budget.stopped is not None:
        message = (f"the {budget.stopped} cut the list of minimum relaxations short after "
                   f"{len(relaxations)}")
    else:
        plural = "s" if max_relaxations > 1 else ""
        message = (f"only {max_relaxations} minimum relaxation{plural} listed (the limit "
                   "asked for); there are more")
    return Deadlock(tuple(conflict), tuple(relaxations), complete, message)


def _fixed_conflict(problem: Instance, budget: Budget) -> str:
    """Why nothing can be dropped to unlock a deal: the base rules alone, or a minimal set of
    fixed demands that cannot hold together with them (found as a conflict among them)."""
    fixed = [d for d in problem.demands if d.fixed]
    if not fixed:
        return BASE_RULES_ONLY
    unfixed = problem.model_copy(update={"demands": [d.model_copy(update={"fixed": False})
                                                     for d in fixed]})
    conflict = minimal_conflict(SoftModel(unfixed, budget))
    if not conflict:
        return BASE_RULES_ONLY
    return (f"the fixed demand{'s' if len(conflict) > 1 else ''} {', '.join(conflict)} cannot "
            "hold with the base rules (majority, cabinet size, posts), and fixed demands are "
            "never dropped")

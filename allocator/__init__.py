"""allocator: who can govern a hung council or parliament.

    >>> import allocator
    >>> instance = allocator.load("instances/worcester-2016.yaml")
    >>> result = allocator.solve(instance, "green-backs-labour")
    >>> result.status, result.count
    ('feasible', 5)
    >>> allocator.solve(instance).deadlock.conflict
    ('green-no-single-party-deal', 'lab-perdiswell', 'con-no-perdiswell')

The pipeline, one subpackage each: `instance` (file -> validated `Instance`, scenarios,
transformations), `solving` (the CP-SAT model, the solver, allocations and coalitions, results),
`explaining` (conflicts, relaxations, binding demands, checks), `render` (text, JSON, CSV,
pictures, the report), `sweep` (simulated parliaments), `record` (ParlGov, choice sets, the
classic theories), `web` (`allocator serve`) and `cli`; `api` and `briefing` hold the entry
points (those of `api` exported here), `errors` and `files` what every part shares.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers; at run time the names load on first use (below)
    from .api import Stream, explain, iter_allocations, power, solve
    from .errors import AllocatorError, InstanceError, Problem, UsageError
    from .instance.loader import from_dict, load, loads
    from .instance.schema import Instance
    from .instance.transform import CoalitionQuestion, Filters
    from .solving.result import (
        Allocation,
        Coalition,
        Deadlock,
        Explanation,
        MemberRange,
        Power,
        Relaxation,
        Result,
    )

#: where each public name lives; importing `allocator` stays cheap (no OR-Tools) until a name
#: that needs the solver is used, so `allocator validate` and `--help` start quickly
_EXPORTS = {
    "explain": "api", "iter_allocations": "api", "power": "api", "solve": "api", "Stream": "api",
    "AllocatorError": "errors", "InstanceError": "errors", "Problem": "errors",
    "UsageError": "errors", "from_dict": "instance.loader", "load": "instance.loader",
    "loads": "instance.loader", "Instance": "instance.schema", "Allocation": "solving.result",
    "Coalition": "solving.result", "Deadlock": "solving.result", "Explanation": "solving.result",
    "MemberRange": "solving.result", "Power": "solving.result", "Relaxation": "solving.result",
    "Result": "solving.result",
    "CoalitionQuestion": "instance.transform", "Filters": "instance.transform",
}
__all__ = [
    "Allocation", "AllocatorError", "Coalition", "CoalitionQuestion", "Deadlock", "Explanation",
    "Filters", "Instance", "InstanceError", "MemberRange", "Power", "Problem", "Relaxation",
    "Result",
    "Stream", "UsageError",
    "explain", "from_dict", "iter_allocations", "load", "loads", "power", "solve",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'allocator' has no attribute {name!r}")

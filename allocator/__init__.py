"""allocator: who can govern a hung council or parliament.

    >>> import allocator
    >>> instance = allocator.load("instances/worcester-2016.yaml")
    >>> result = allocator.solve(instance, "green-backs-labour")
    >>> result.status, result.count
    ('feasible', 5)
    >>> allocator.solve(instance).deadlock.conflict
    ('green-no-single-party-deal', 'lab-perdiswell', 'con-no-perdiswell')

The pipeline, one module each: `loader` (file -> `model.Instance`), `transform` (scenarios,
drops, pinned roles), `encoding` (CP-SAT model), `solver` (the only place that runs CP-SAT),
`allocations` / `coalitions` (enumeration), `conflict` / `relaxations` / `binding` / `deadlock`
(explanation), `result`, `render`, and `cli`; `api` holds the entry points exported here.
"""

from .api import explain, iter_allocations, solve
from .errors import AllocatorError, InstanceError, Problem, UsageError
from .loader import from_dict, load, loads
from .model import Instance
from .result import (
    Allocation,
    Coalition,
    Deadlock,
    Explanation,
    MemberRange,
    Relaxation,
    Result,
)
from .transform import CoalitionQuestion

__all__ = [
    "AllocatorError", "Allocation", "Coalition", "CoalitionQuestion", "Deadlock", "Explanation",
    "Instance", "InstanceError", "MemberRange", "Problem", "Relaxation", "Result", "UsageError",
    "explain", "from_dict", "iter_allocations", "load", "loads", "solve",
]

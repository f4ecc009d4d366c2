"""allocator: who can govern a hung council or parliament.

    >>> import allocator
    >>> instance = allocator.load("instances/worcester-2016.yaml")
    >>> result = allocator.solve(instance)
    >>> result.status, result.count
"""

from .errors import InstanceError, Problem, UsageError
from .explain import explain
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
from .solve import iter_allocations, solve

__all__ = [
    "Allocation", "Coalition", "Deadlock", "Explanation", "Instance", "InstanceError",
    "MemberRange", "Problem", "Relaxation", "Result", "UsageError", "explain", "from_dict",
    "iter_allocations", "load", "loads", "solve",
]

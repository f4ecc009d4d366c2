"""Sweeps: how likely each government is over many simulated parliaments.

`draws` makes the parliaments (from polls through `apportion`, or from a seat table),
`signature` says which of them the model cannot tell apart, `run` coordinates the work on
`engines` (this process, a local pool, Dask) and keeps answers in a `checkpoint`, and
`document` is the JSON a sweep writes and `report --sweep` reads back. `allocator.sweep.sweep`
is `run.sweep` (loaded on first use: reading a sweep's document needs no solver).

May import: errors, files, extras, instance, solving.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .run import sweep

__all__ = ["sweep"]


def __getattr__(name: str) -> Any:
    if name == "sweep":
        return import_module(".run", __name__).sweep
    raise AttributeError(f"module 'allocator.sweep' has no attribute {name!r}")

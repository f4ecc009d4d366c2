"""Sweeps: how likely each government is over many simulated parliaments.

`draws` makes the parliaments (from polls through `apportion`, or from a seat table),
`signature` says which of them the model cannot tell apart, `run` coordinates the work on
`engines` (this process, a local pool, Dask) and keeps answers in a `checkpoint`, and
`document` is the JSON a sweep writes and `report --sweep` reads back.

May import: errors, files, instance, solving.
"""

from .run import sweep

__all__ = ["sweep"]

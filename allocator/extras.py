"""Optional parts of allocator that only some users need, installed as extras: one place says
which module comes with which extra, and `require` asks for one where it is used."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from .errors import UsageError

#: module (its top-level package) -> what needs it
EXTRAS = {"starlette": "serving", "uvicorn": "serving", "cairosvg": "PNG pictures",
          "distributed": "--dask", "pyarrow": "Parquet files"}


def require(module: str, extra: str, instead: str = "") -> ModuleType:
    """The module, or a `UsageError` saying which extra to install for it (and, with `instead`,
    what else would do without it)."""
    try:
        return import_module(module)
    except (ImportError, OSError) as exc:  # OSError: a system library it loads is missing
        what = EXTRAS.get(module.split(".")[0], module)
        system = f" and the system library it loads ({exc})" if isinstance(exc, OSError) else ""
        other = f", or {instead}" if instead else ""
        raise UsageError(f"{what}: install the {extra} extra (pip install 'allocator[{extra}]')"
                         f"{system}{other}") from None

"""Optional parts of allocator that only some users need, installed as extras: one place says
which module comes with which extra, and `require` asks for one where it is used."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from .errors import UsageError

#: module -> (extra, what needs it)
EXTRAS = {
    "starlette": ("web", "serving"), "uvicorn": ("web", "serving"),
    "cairosvg": ("plot", "PNG pictures"), "distributed": ("dask", "--dask"),
    "pyarrow": ("parquet", "Parquet files"), "statsmodels": ("research", "the statsmodels fit"),
}


def require(module: str, extra: str) -> ModuleType:
    """The module, or a `UsageError` saying which extra to install for it."""
    try:
        return import_module(module)
    except (ImportError, OSError) as exc:  # OSError: a system library it loads is missing
        what = EXTRAS.get(module, (extra, module))[1]
        system = f" (and the system library it needs: {exc})" if isinstance(exc, OSError) else ""
        raise UsageError(f"{what} needs the {extra} extra: pip install 'allocator[{extra}]'"
                         f"{system}") from None

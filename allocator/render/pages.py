"""The Jinja2 environment every page is made with, and the package files pages carry (style
sheets and scripts).

Autoescaping is on for every template: a text from an instance file or a request is always
escaped; only markup this package made itself (a chamber's SVG, a package's own script) is
marked safe, by the module that made it. Templates live in `templates/` of the package that
owns them (`allocator.render`, and `allocator.web` for the room, which extends the report);
scripts and style sheets in `static/`, where a linter and a Content-Security-Policy can see
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape

#: the report's templates; a package that extends them (the room) puts its own first
REPORT = ("allocator.render",)


@cache
def environment(packages: tuple[str, ...] = REPORT) -> Environment:
    """The environment of pages made from these packages' templates (the first package that
    has a template of a name wins): autoescaped, strict about undefined names."""
    return Environment(
        loader=ChoiceLoader([PackageLoader(package) for package in packages]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)


def render(template: str, packages: tuple[str, ...] = REPORT, **context: Any) -> str:
    return environment(packages).get_template(template).render(**context)


@cache
def static_text(name: str, package: str) -> str:
    """A package's static file (a style sheet or a script), as text."""
    return files(package).joinpath("static", name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Script:
    """A script a page runs: its file name in `package`'s static folder."""

    name: str
    package: str

    def text(self) -> str:
        return static_text(self.name, self.package)

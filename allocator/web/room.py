"""The negotiation room: an instance's report with a panel that switches demands off and on,
changes the cabinet size and the allowed forms, picks a scenario, and shows the answer again
after each change (served by `app`, which answers `POST /api/answer`).

The state lives in the page's address (`#drop=a,b&scenario=s&size=4-9&forms=majority`), so a
copied address reopens the same question. A newer change cancels the request of an older one.
"Save as scenario" downloads the changes as a scenario in YAML, ready to paste into the file.
A demand is added by typing it as in the file; "edit" beside a demand puts it in that box
(drop the original, change a number, add it back). The page (`templates/room.html.j2`) extends
the report's, and its script (`static/room.js`) sets every text it did not get from its own
templates as text, never as markup.
"""

from __future__ import annotations

import io
import json
from urllib.parse import quote

from ruamel.yaml import YAML

from ..instance.demands import DemandBase
from ..instance.schema import Instance
from ..render.pages import REPORT, Script
from ..render.report import report_html
from ..render.views import listed, names_of
from ..solving.result import Briefing

ROOM_SCRIPT = Script("room.js", "allocator.web")
#: the room's templates first, then the report's it extends
TEMPLATES = ("allocator.web", *REPORT)


def room_html(name: str, instance: Instance, briefing: Briefing, token: str,
              write: bool = False) -> str:
    """The room's page: the report, with the panel above its answer (and, when the server may
    write the file, a button that saves the changes into it as a scenario). `token` goes with
    every request the page makes: the server refuses a write without it."""
    low, high = instance.cabinet.size_range
    names = names_of(instance)
    forms = list(instance.government.forms)
    room = {
        "token": token, "write": write, "low": low, "high": high, "forms": forms,
        "start": json.dumps({"instance": name, "size": f"{low}-{high}", "forms": forms}),
        "scenarios": [s.name for s in instance.scenarios],
        "demands": [{"id": d.key, "who": listed([names[p] for p in d.stated_by])
                     if d.stated_by else "", "text": d.text or d.key.replace("-", " "),
                     "yaml": written(d)}
                    for d in instance.demands if not d.fixed],
    }
    return report_html(briefing, inline=False, template="room.html.j2", packages=TEMPLATES,
                       room_link=room_of(name),
                       scripts=[ROOM_SCRIPT], room=room)


def room_of(name: str) -> str:
    """The address of an instance's negotiation room."""
    return "/room/" + quote(name, safe="")


def written(demand: DemandBase) -> str:
    """A demand as a person would type it (one line of YAML, without its id and words), to
    edit a number of it and add it in its place."""
    fields = demand.model_dump(mode="json", by_alias=True, exclude_defaults=True,
                               exclude={"id", "text", "source", "by"})
    return json.dumps(fields, ensure_ascii=False)


def scenario_yaml(name: str, text: str, changes: dict[str, object]) -> str:
    """A scenario entry, in YAML, for the file's `scenarios:` list."""
    entry = {"name": name, **({"text": text} if text else {}), **changes}
    buffer = io.StringIO()
    yaml = YAML()
    yaml.default_flow_style = None
    yaml.dump([entry], buffer)
    return buffer.getvalue()

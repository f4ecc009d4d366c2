"""The negotiation room: an instance's report with a panel that switches demands off and on,
changes the cabinet size and the allowed forms, picks a scenario, and shows the answer again
after each change (served by `server`, which answers `POST /api/answer`).

The state lives in the page's address (`#drop=a,b&scenario=s&size=4-9&forms=majority`), so a
copied address reopens the same question. A newer change cancels the request of an older one.
"Save as scenario" downloads the changes as a scenario in YAML, ready to paste into the file.
A demand is added by typing it as in the file; "edit" beside a demand puts it in that box
(drop the original, change a number, add it back).
"""

from __future__ import annotations

import io
import json
from html import escape

from ruamel.yaml import YAML

from ..briefing import Briefing
from ..instance.demands import DemandBase
from ..instance.schema import Instance
from ..render.report import report_html

ROOM_SCRIPT = """
const form = document.getElementById('controls');
const answer = document.getElementById('answer');
const said = document.getElementById('changes');
const start = JSON.parse(form.dataset.start);
let pending = null;
let added = [];
const box = document.getElementById('new-demand');
const addedList = document.getElementById('added');
function showAdded() {
  addedList.replaceChildren(...added.map((text, i) => {
    const item = document.createElement('li');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'remove';
    remove.addEventListener('click', () => { added.splice(i, 1); showAdded(); update(); });
    item.append(text + ' ', remove);
    return item;
  }));
}
document.getElementById('add').addEventListener('click', () => {
  if (box.value.trim()) { added.push(box.value.trim()); box.value = ''; showAdded(); update(); }
});
for (const edit of form.querySelectorAll('button.edit')) edit.addEventListener('click', () => {
  box.value = edit.dataset.yaml;  // change a number, then Add: it stands in for the original
  form.querySelector(`input[value="${edit.dataset.id}"]`).checked = false;
  update();
  box.focus();
});
function state() {
  const ticked = name => [...form.querySelectorAll(`input[name=${name}]`)];
  return {
    drop: ticked('demand').filter(c => !c.checked).map(c => c.value),
    scenario: form.elements.scenario.value,
    size: form.elements.size_min.value + '-' + form.elements.size_max.value,
    forms: ticked('form').filter(c => c.checked).map(c => c.value),
  };
}
function changes(s) {
  const out = [...s.drop.map(d => 'drop ' + d), ...added.map(a => 'add ' + a)];
  if (s.scenario) out.unshift('scenario ' + s.scenario);
  if (s.size !== start.size) out.push('cabinet of ' + s.size.replace('-', ' to ') + ' members');
  if (s.forms.join() !== start.forms.join()) out.push('forms: ' + (s.forms.join(', ') || 'none'));
  return out;
}
function request(s) {
  const body = {instance: start.instance, scenario: s.scenario || null, drop: s.drop,
                add: added, level: 'coalition', limit: 300};
  const [min, max] = s.size.split('-').map(Number);
  if (s.size !== start.size) body.cabinet = {size: {min, max}};
  if (s.forms.join() !== start.forms.join()) body.government = {forms: s.forms};
  return body;
}
async function update() {
  const s = state();
  history.replaceState(null, '', '#' + new URLSearchParams({drop: s.drop.join(),
    scenario: s.scenario, size: s.size, forms: s.forms.join(), add: JSON.stringify(added)}));
  said.textContent = changes(s).join('; ') || 'no changes';
  if (pending) pending.abort();
  const mine = pending = new AbortController();
  answer.setAttribute('aria-busy', 'true');
  working.hidden = false;
  try {
    const reply = await fetch('/api/answer', {method: 'POST', signal: mine.signal,
      headers: {'content-type': 'application/json'}, body: JSON.stringify(request(s))});
    const data = await reply.json();
    answer.innerHTML = reply.ok ? data.html : '<p class="fail">' + data.problems.map(
      p => (p.path ? p.path + ': ' : '') + p.message).join('<br>') + '</p>';
    bind(answer);
    show(null);
  } catch (e) {
    if (e.name !== 'AbortError') answer.textContent = 'No answer: ' + e;
  }
  if (pending === mine) {  // not overtaken by a newer change
    answer.removeAttribute('aria-busy');
    working.hidden = true;
  }
}
const working = document.getElementById('working');
document.getElementById('cancel').addEventListener('click', () => {
  if (pending) pending.abort();  // the page keeps the last answer it had
});
function restore() {
  const saved = new URLSearchParams(location.hash.slice(1));
  if (!saved.has('size')) return false;
  const dropped = (saved.get('drop') || '').split(',');
  for (const c of form.querySelectorAll('input[name=demand]'))
    c.checked = !dropped.includes(c.value);
  form.elements.scenario.value = saved.get('scenario') || '';
  [form.elements.size_min.value, form.elements.size_max.value] = saved.get('size').split('-');
  const forms = (saved.get('forms') || '').split(',');
  for (const c of form.querySelectorAll('input[name=form]')) c.checked = forms.includes(c.value);
  added = JSON.parse(saved.get('add') || '[]');
  showAdded();
  return true;
}
form.addEventListener('change', e => { if (e.target !== box) update(); });
async function saved(save) {
  const s = state();
  const name = prompt('Name of the scenario (lowercase, dashes):', 'talks') || 'talks';
  return [name, await fetch('/api/scenario', {method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({...request(s), name, text: changes(s).join('; '), save})})];
}
document.getElementById('save').addEventListener('click', async () => {
  const [name, reply] = await saved(false);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([await reply.text()], {type: 'text/yaml'}));
  link.download = name + '.yaml';
  link.click();
});
const write = document.getElementById('write');
if (write) write.addEventListener('click', async () => {
  const [name, reply] = await saved(true);
  document.getElementById('written').textContent = reply.ok ?
    `Saved into the file as scenario ${name}.` :
    (await reply.json()).problems.map(p => p.message).join(' ');
});
if (restore()) update();
"""


def room_html(name: str, instance: Instance, briefing: Briefing, write: bool = False) -> str:
    """The room's page: the report, with the panel above its answer (and, when the server may
    write the file, a button that saves the changes into it as a scenario)."""
    low, high = instance.cabinet.size_range
    forms = list(instance.government.forms)
    start = {"instance": name, "size": f"{low}-{high}", "forms": forms}
    demands = "".join(
        f'<li><label><input type="checkbox" name="demand" value="{escape(d.key)}" checked> '
        f"<b>{escape(d.key)}</b> ({escape(', '.join(d.stated_by) or 'no party')})"
        f"{': ' + escape(d.text) if d.text else ''}</label> "
        f'<button type="button" class="edit" data-id="{escape(d.key)}" '
        f'data-yaml="{escape(_written(d))}">edit</button></li>'
        for d in instance.demands if not d.fixed)
    scenarios = "".join(f'<option value="{escape(s.name)}">{escape(s.name)}</option>'
                        for s in instance.scenarios)
    form_boxes = "".join(
        f'<label><input type="checkbox" name="form" value="{f}"'
        f'{" checked" if f in forms else ""}> {f}</label> ' for f in ("majority", "minority"))
    controls = (
        f'<form id="controls" data-start="{escape(json.dumps(start))}" onsubmit="return false">'
        "<h2>What if...</h2><p>Untick a demand to drop it; the answer follows.</p>"
        f"<ul class=\"demands\">{demands}</ul>"
        f'<p><label>Scenario <select name="scenario"><option value="">none</option>{scenarios}'
        "</select></label> "
        f'<label>Cabinet of <input name="size_min" type="number" min="1" value="{low}" '
        f'style="width:4em"> to <input name="size_max" type="number" min="1" value="{high}" '
        f'style="width:4em"> members</label> Forms: {form_boxes}</p>'
        '<p><label>Add a demand, as in the file:<br><textarea id="new-demand" rows="2" '
        'cols="60" placeholder="{type: veto_leader, party: lab, of: [con]}"></textarea>'
        '</label> <button type="button" id="add">Add</button></p><ul id="added"></ul>'
        '<p id="working" hidden>Working out the answer... <button type="button" id="cancel">'
        "Cancel</button></p>"
        '<p>Changes: <span id="changes">no changes</span> '
        '<button type="button" id="save">Save as scenario</button>'
        + (' <button type="button" id="write">Write into the file</button>' if write else "")
        + ' <span id="written"></span></p></form>')
    return report_html(briefing, controls, ROOM_SCRIPT)


def _written(demand: DemandBase) -> str:
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

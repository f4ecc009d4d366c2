// The negotiation room (allocator serve): untick demands, change the cabinet size and forms,
// pick a scenario, type a demand; the answer follows each change. The state lives in the
// page's address, so a copied address reopens the same question. Text from the server's
// messages or the address is only ever set as text (textContent), never as markup; the answer
// itself is markup the server made with every text escaped.
'use strict';
const form = document.getElementById('controls');
const answer = document.getElementById('answer');
const said = document.getElementById('changes');
const working = document.getElementById('working');
const box = document.getElementById('new-demand');
const addedList = document.getElementById('added');
const start = JSON.parse(form.dataset.start);
const token = document.querySelector('meta[name=allocator-token]').content;
let pending = null;
let added = [];

form.addEventListener('submit', e => e.preventDefault());

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
  const original = form.querySelector(`input[name=demand][value="${CSS.escape(edit.dataset.id)}"]`);
  if (original) original.checked = false;
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

function post(path, body, signal) {
  return fetch(path, {method: 'POST', signal, headers: {'content-type': 'application/json',
    'x-allocator-token': token}, body: JSON.stringify(body)});
}

function problems(data) {
  // the server's problems, as text: a message may quote what was sent
  const shown = document.createElement('p');
  shown.className = 'fail';
  for (const p of (data && data.problems) || [{message: 'no answer'}]) {
    const line = document.createElement('span');
    line.textContent = (p.path ? p.path + ': ' : '') + p.message;
    shown.append(line, document.createElement('br'));
  }
  return shown;
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
    const reply = await post('/api/answer', request(s), mine.signal);
    const data = await reply.json().catch(() => null);
    if (reply.ok && data && typeof data.html === 'string') {
      answer.innerHTML = data.html;  // the server's markup, every text in it escaped
      bind(answer);
      open(answer);  // the new answer's most likely government, in the chamber and the strip
    } else {
      answer.replaceChildren(problems(data));
      show(null);
    }
  } catch (e) {
    if (e.name !== 'AbortError') answer.textContent = 'No answer: ' + e;
  }
  if (pending === mine) {  // not overtaken by a newer change
    answer.removeAttribute('aria-busy');
    working.hidden = true;
  }
}

document.getElementById('cancel').addEventListener('click', () => {
  if (pending) pending.abort();  // the page keeps the last answer it had
});

function restore() {
  const saved = new URLSearchParams(location.hash.slice(1));
  if (!saved.has('size')) return false;
  const dropped = (saved.get('drop') || '').split(',');
  for (const c of form.querySelectorAll('input[name=demand]'))
    c.checked = !dropped.includes(c.value);
  const scenario = saved.get('scenario') || '';
  if ([...form.elements.scenario.options].some(o => o.value === scenario))
    form.elements.scenario.value = scenario;
  const [low, high] = (saved.get('size') || '').split('-');
  if (/^\d+$/.test(low) && /^\d+$/.test(high)) {
    form.elements.size_min.value = low;
    form.elements.size_max.value = high;
  }
  const forms = (saved.get('forms') || '').split(',');
  for (const c of form.querySelectorAll('input[name=form]')) c.checked = forms.includes(c.value);
  try {
    const given = JSON.parse(saved.get('add') || '[]');
    added = Array.isArray(given) ? given.filter(a => typeof a === 'string') : [];
  } catch (e) {
    added = [];
  }
  showAdded();
  return true;
}

form.addEventListener('change', e => { if (e.target !== box) update(); });

async function saved(save) {
  const s = state();
  const name = prompt('Name of the scenario (lowercase, dashes):', 'talks') || 'talks';
  return [name, await post('/api/scenario', {...request(s), name, text: changes(s).join('; '),
                                              save})];
}

document.getElementById('save').addEventListener('click', async () => {
  const [name, reply] = await saved(false);
  if (!reply.ok) {
    document.getElementById('written').replaceChildren(problems(await reply.json().catch(() => null)));
    return;
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([await reply.text()], {type: 'text/yaml'}));
  link.download = name + '.yaml';
  link.click();
});

const write = document.getElementById('write');
if (write) write.addEventListener('click', async () => {
  const [name, reply] = await saved(true);
  const written = document.getElementById('written');
  if (reply.ok) written.textContent = `Saved into the file as scenario ${name}.`;
  else written.replaceChildren(problems(await reply.json().catch(() => null)));
});

// a relaxation's "Try it in the room" sets the address: take it as the new state
window.addEventListener('hashchange', () => { if (restore()) update(); });

if (restore()) update();

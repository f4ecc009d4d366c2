// The report's script: choosing a government (its button, a click on its row, Enter or Space,
// or its address #g3) draws it in the chamber, together from the left end so that its size
// reads against the majority line, and in the strip above it (a seat bar and a sentence, read
// out by screen readers). The page opens on its default government (the most likely), or on
// the address's. Every text it sets comes from the page's own data, as text.
'use strict';
const chamberData = JSON.parse(document.getElementById('chamber-data').textContent);
const seatMarks = [...document.querySelectorAll('#chamber .seat')];
const ROLES = ['cabinet', 'support', 'abstain', 'opposition'];

function roleOf(roles, id) {
  if (!roles) return null;
  for (const role of ['cabinet', 'support', 'abstain']) if (roles[role].includes(id)) return role;
  return 'opposition';
}

// the parties from left to right, as the picture seats them (chamber.seating): by position,
// those without one last as listed; a government's cabinet, supporters and abstainers first
function seating(roles) {
  const listed = chamberData.parties.map((p, i) => [p, i]);
  const key = ([p, i]) => [roles ? ROLES.indexOf(roleOf(roles, p.id)) : 0,
    p.position === null ? 1 : 0, p.position === null ? 0 : p.position, i];
  listed.sort((a, b) => {
    const x = key(a), y = key(b);
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return x[k] < y[k] ? -1 : 1;
    return 0;
  });
  return listed.map(([p]) => p);
}

function drawBar(roles) {
  const bar = document.getElementById('bar');
  const parts = [];
  if (roles) {
    for (const role of ['cabinet', 'support']) {
      for (const p of seating(roles).filter(q => roleOf(roles, q.id) === role)) {
        const seg = document.createElement('span');
        seg.className = 'seg ' + role;
        seg.style.setProperty('--c', p.colour);
        seg.style.flex = `0 0 ${100 * p.seats / chamberData.total}%`;
        parts.push(seg);
      }
    }
  }
  const quota = document.createElement('span');
  quota.className = 'quota';
  quota.style.left = `${100 * chamberData.quota / chamberData.total}%`;
  bar.replaceChildren(...parts, quota);
}

function show(roles, said) {
  const owners = [];
  for (const p of seating(roles)) for (let k = 0; k < p.seats; k++) owners.push(p);
  seatMarks.forEach((seat, i) => {
    const p = owners[i];
    const role = p ? roleOf(roles, p.id) : null;
    seat.classList.remove(...ROLES);
    if (role) seat.classList.add(role);
    seat.dataset.party = p ? p.id : '';
    seat.style.setProperty('--c', p ? p.colour : chamberData.unlisted.colour);
    seat.style.setProperty('--k', p ? p.ink : chamberData.unlisted.ink);
    const title = seat.querySelector('title');
    if (title) title.textContent = (p ? p.name : 'no listed party') + (role ? ', ' + role : '');
  });
  drawBar(roles);
  const sentence = said || 'The chamber as elected: no government shown.';
  document.getElementById('shown').textContent = sentence;
  const picture = document.querySelector('#chamber svg');
  if (picture) picture.setAttribute('aria-label', chamberData.title + '. ' + sentence);
}

function choose(button, remember) {
  for (const other of document.querySelectorAll('[data-roles][aria-pressed=true]')) {
    other.setAttribute('aria-pressed', 'false');
  }
  for (const other of document.querySelectorAll('.chosen')) other.classList.remove('chosen');
  button.setAttribute('aria-pressed', 'true');
  const holder = button.closest('tr, li') || button;
  if (holder) holder.classList.add('chosen');
  show(JSON.parse(button.dataset.roles), button.dataset.said);
  // the address names the government shown, to share it (not in the room, whose address
  // holds its changes)
  if (remember && holder && holder.id && document.body.dataset.address !== 'room') {
    history.replaceState(null, '', '#' + holder.id);
  }
}

function toggleDetails(row, button) {
  const more = row.nextElementSibling;
  if (!more || !more.classList.contains('details')) return;
  more.hidden = !more.hidden;
  button.setAttribute('aria-expanded', String(!more.hidden));
}

function bind(root) {
  for (const button of root.querySelectorAll('.pick')) {
    const row = button.closest('tr');
    if (row && row.nextElementSibling && row.nextElementSibling.classList.contains('details')) {
      button.setAttribute('aria-expanded', 'false');
    }
    button.addEventListener('click', e => {
      e.stopPropagation();
      choose(button, true);
      if (row) toggleDetails(row, button);
    });
  }
  for (const row of root.querySelectorAll('tr.government')) {
    row.addEventListener('click', e => {
      if (e.target.closest('a, button')) return;
      const button = row.querySelector('.pick');
      choose(button, true);
      toggleDetails(row, button);
    });
  }
  // a sweep picture's bars (an SVG of `--plot` on a page): each a button for its government
  for (const bar of root.querySelectorAll('figure.sweep [data-roles]')) {
    bar.setAttribute('tabindex', '0');
    bar.setAttribute('role', 'button');
    bar.setAttribute('aria-pressed', 'false');
    bar.addEventListener('click', () => choose(bar, false));
    bar.addEventListener('keydown', e => {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); choose(bar, false); }
    });
  }
  const box = root.querySelector('.filter input');
  if (box) box.addEventListener('input', () => {
    const q = box.value.toLowerCase();
    for (const row of root.querySelectorAll('tr.government')) {
      row.hidden = !row.textContent.toLowerCase().includes(q);
      const more = row.nextElementSibling;
      if (row.hidden && more && more.classList.contains('details')) more.hidden = true;
    }
  });
}

// the government the address names (#g3, #r2), else the default, else the chamber as elected
function open(root) {
  const verdict = root.querySelector('#verdict');
  if (verdict && root !== document) {  // a new answer (the room): its verdict, read out
    document.getElementById('verdict-line').textContent = verdict.dataset.verdict;
    document.getElementById('announce').textContent = verdict.dataset.verdict;
  }
  const named = /^#[a-z]+\d+$/.test(location.hash) ? document.getElementById(location.hash.slice(1)) : null;
  const button = (named && named.querySelector('.pick')) || root.querySelector('.pick[data-default]');
  if (button) choose(button, false);
  else show(null);
}

window.addEventListener('hashchange', () => {
  const named = /^#[a-z]+\d+$/.test(location.hash) ? document.getElementById(location.hash.slice(1)) : null;
  const button = named && named.querySelector('.pick');
  if (button) choose(button, false);
});

bind(document);
open(document);

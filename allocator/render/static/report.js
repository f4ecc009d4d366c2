const seats = document.querySelectorAll('.seat');
function show(roles) {
  for (const seat of seats) {
    const p = seat.dataset.party;
    seat.classList.remove('cabinet', 'support', 'abstain', 'opposition');
    if (!p || !roles) continue;  // no roles: the chamber as elected
    seat.classList.add(roles.cabinet.includes(p) ? 'cabinet' : roles.support.includes(p) ?
      'support' : roles.abstain.includes(p) ? 'abstain' : 'opposition');
  }
}
function bind(root) {
  for (const item of root.querySelectorAll('[data-roles]')) {
    const choose = () => {
      for (const other of document.querySelectorAll('.chosen')) other.classList.remove('chosen');
      item.classList.add('chosen');
      show(JSON.parse(item.dataset.roles));
    };
    item.addEventListener('click', () => {
      choose();
      const more = item.nextElementSibling;
      if (more && more.classList.contains('details')) more.hidden = !more.hidden;
    });
    item.addEventListener('keydown', e => { if (e.key === 'Enter') choose(); });
  }
  const box = root.querySelector('input[type=search]');
  if (box) box.addEventListener('input', () => {
    const q = box.value.toLowerCase();
    for (const row of root.querySelectorAll('tr[data-roles]')) {
      row.hidden = !row.textContent.toLowerCase().includes(q);
      const more = row.nextElementSibling;
      if (row.hidden && more && more.classList.contains('details')) more.hidden = true;
    }
  });
}
bind(document);

"""Results -> what people and programs read: pure functions of a result, never a solver.

`views` (the words every output shares), `text` (tables and explanations), `json`, `csv`,
`formats` (the registry `solve --format` picks from), `chamber` and `bars` (SVG pictures),
`sweep` (a sweep's table and CSV), `pages` (the Jinja2 environment) and `report` (the HTML
page), with `templates/` and `static/`.

May import: errors, files, instance, solving.result, sweep.document.
"""

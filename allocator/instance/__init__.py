"""The instance: what a user writes, as a validated model, and every change made to it before
it is solved. The first step of the pipeline.

`fields` (bounds and typed fields), `demands` (one class per demand type: all the program knows
of it but its encoding), `polls` (what a sweep draws from), `schema` (the instance, scenarios,
outcomes); `parse` (file -> plain data, within limits), `loader` (plain data -> `Instance`, every
problem with file, line and path), `references` (the checks that need the whole instance);
`transform` (scenarios, dropped demands, pinned roles, filters).

May import: errors, files.
"""

"""Why there is no deal, and what would unlock one; which demands bind; whether recorded
outcomes still hold. One algorithm per function, named after it (docs/explanations.md).

`soft` (demands behind indicator literals), `conflict` (deletion MUS), `relaxations` (minimum
correction sets), `deadlock` (the two together), `binding`, `check` (`allocator check`).

May import: errors, instance, solving.
"""

"""From a validated instance to every allocation or coalition: the CP-SAT model and what
enumerates it.

`encoding` (base rules and variables) with `encoders` (one per demand type) and `literals`;
`solver` (the only module that runs CP-SAT); `decode` (solutions -> results); `allocations`
(the allocation level); `symmetry` (interchangeable parties), `coalitions` (the coalition
level, streamed in SPEC order), `census` (counts and summaries without listing); `result`
(what the entry points return: plain data every renderer reads).

May import: errors, instance.
"""

"""Which government is likely: the formation model, fitted on the post-war record, and what it
says of an instance's feasible cabinets.

`cabinets` (an instance's distinct feasible cabinets: by arithmetic where no demand is in
force, else from the coalition level), `attributes` (what the model reads of each cabinet:
Martin & Stevenson's attributes and a few more), `model` (a fitted conditional logit: the
probability that each cabinet forms; the one shipped with the package in `formation.json`),
`ranking` (governments in order of probability, in bounded memory), `deals` (the sensible
example deal: the most likely cabinet, its members closest to proportional).

The probability is a property of a cabinet: support is a detail of a cabinet, not a separate
choice, so every government with the same cabinet carries its cabinet's probability, and the
probabilities of an instance's distinct feasible cabinets sum to 1.

May import: errors, files, instance, solving.
"""

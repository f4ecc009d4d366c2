"""The post-war record: ParlGov's table as instances (`parlgov`), the choice sets of coalition
research (`dataset`), how well the classic theories predict them (`theories`), and the
formation model fitted on them and validated (`fitting`, with `logit`).

May import: errors, files, extras, instance, solving, likely, sweep.engines, render.text.
"""

"""The post-war record: ParlGov's table as instances (`parlgov`), the choice sets of coalition
research (`dataset`), and how well the classic theories predict them (`theories`).

May import: errors, files, extras, instance, solving, sweep.engines.
"""

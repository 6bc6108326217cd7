"""`authcontract load`: the contract's per-answer clauses, checked on every answer while Locust drives.

Importing Locust monkey-patches the whole process with gevent, so nothing here imports it but
`locustfile.py`, which only Locust (or a team's own locustfile) loads; `authcontract load` runs
Locust in a process of its own.
"""

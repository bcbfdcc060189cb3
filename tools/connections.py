"""How many calls to one system an investigation makes at once, at most.

A runbook's evidence steps (or an entity's probes) run together, one thread each up to this bound; every tool
client keeps that many connections open, so a batch of parallel calls to one system reuses its connections instead
of opening (and, over TLS, handshaking) new ones past a library's default pool of ten.
"""

MAX_PARALLEL_CALLS = 64

"""The cold start's objects, kept out of the garbage collector's full collections.

The worker's libraries (Strands, botocore, google-cloud, fastmcp, pydantic models) leave a quarter of a million
tracked objects after a cold start. A full collection walks all of them, holding every thread for about 0.2 s,
and comes at random: in the middle of a runbook's parallel steps it alone adds two thirds of a backend's answer
time. Frozen once the tools are built, they are never walked again; what investigations create is collected as
before.
"""

from __future__ import annotations

import gc


def freeze_cold_start() -> None:
    """Move every object tracked so far to the collector's permanent generation, once per process."""
    if gc.get_freeze_count() == 0:
        gc.freeze()

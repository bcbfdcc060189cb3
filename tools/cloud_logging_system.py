"""The Cloud Logging tool set's declaration, apart from its client libraries (so reading it imports none)."""

from __future__ import annotations

from tools.system import ToolSystem

SYSTEM = ToolSystem("cloud_logging", "Cloud Logging", ("cloud_logging_query",), credential="google")

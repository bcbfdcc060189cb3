"""The GitHub tool set's declaration, apart from PyGithub (so reading it imports none)."""

from __future__ import annotations

from tools.system import ToolSystem

SYSTEM = ToolSystem("github", "GitHub", ("github_search_code", "github_read_file"), credential="github")

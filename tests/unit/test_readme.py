"""The README documents every setting and every command the CLI offers."""

import re
from pathlib import Path

from app.cli import _parser
from app.config import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    documented = set(re.findall(r"^\| `(AIOPS_[A-Z_]+)` \|", README, re.MULTILINE))
    expected = {f"AIOPS_{name.upper()}" for name in Settings.model_fields}
    assert documented == expected


def test_every_cli_command_is_documented() -> None:
    choices = re.search(r"\{([a-z,]+)\}", _parser().format_usage())
    assert choices is not None
    for name in choices.group(1).split(","):
        assert f"`aiops {name}" in README, name

"""Which language a reply is written in: the language of the alert or question (English or Japanese)."""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["en", "ja"]

_KANA = re.compile(r"[\u3040-\u309f\u30a0-\u30ff\uff66-\uff9f]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORDS = re.compile(r"[A-Za-z]{2,}")


def detect_language(text: str) -> Language:
    """``ja`` when the text is written in Japanese, else ``en``.

    Japanese prose always carries kana, so two kana characters decide it; kanji alone count only when they
    outnumber the Latin words (log lines and ids in an alert are Latin either way).
    """
    kana = len(_KANA.findall(text))
    if kana >= 2:
        return "ja"
    kanji = len(_CJK.findall(text))
    if kanji >= 4 and kanji > len(_WORDS.findall(text)):
        return "ja"
    return "en"


def language_instruction(language: Language) -> str:
    """The line that tells the model which language to write the report in."""
    if language == "ja":
        return (
            "Write every field of the report in Japanese (日本語で回答してください). "
            "Keep ids, log lines, commands and tool names as they are."
        )
    return "Write the report in English."

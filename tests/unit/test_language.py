"""The reply language follows the alert or question: English or Japanese."""

import pytest

from app.language import detect_language, language_instruction


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("job 123 failed and the UI shows no logs — why?", "en"),
        ("ジョブ 16852990 が失敗して UI にログが出ません。原因は何でしょうか？", "ja"),
        ("【障害】started_at が空です job_id=16852935", "ja"),
        ("[ERROR] started_at has no value tasks:normal-4 job_id=16852935 ア", "en"),  # one stray kana is not prose
        ("本番環境障害発生中 API", "ja"),  # kanji only, more of them than Latin words
        ("ERROR in 東京 region: api-gateway 5xx above threshold for 10 minutes", "en"),
        ("", "en"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_the_model_is_told_the_language() -> None:
    assert "Japanese" in language_instruction("ja")
    assert language_instruction("en") == "Write the report in English."

"""Token caps, error-aware clipping and the wider redaction shared by every tool (tools.budget, tools.redact)."""

from __future__ import annotations

import time

import pytest

from tools.budget import cap_text, clip_line, estimate_tokens, is_error_line
from tools.redact import MASK, redact
from tools.registry import ToolRegistry


def test_token_estimate_counts_wide_characters_one_each() -> None:
    assert estimate_tokens("abcdefgh") == 2
    assert estimate_tokens("作业失败") == 4
    assert estimate_tokens("ok 作业") == 3


def test_token_cap_applies_when_characters_fit() -> None:
    text = "\n".join(f"任务 {n} 已完成，没有问题" for n in range(400))  # 5,600 characters, ~4,000 tokens
    errors = "\n任务 999 ERROR 失败: OutOfMemoryError"

    capped = cap_text(text + errors, 20_000, max_tokens=1000)

    assert len(text) < 20_000
    assert estimate_tokens(capped) <= 1000
    assert capped.splitlines()[0] == "任务 999 ERROR 失败: OutOfMemoryError"
    assert capped.splitlines()[-1].startswith("[cut: showed ")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("java.lang.NullPointerException at Foo", True),
        ("OutOfMemoryError: Container killed", True),
        ("Reason: OOMKilled", True),
        ("request timed out after 30s", True),
        ("panic: runtime error", True),
        ("request handled fine", False),
        ("errorless run", False),
    ],
)
def test_error_lines_are_recognised(line: str, expected: bool) -> None:
    assert is_error_line(line) is expected


def test_clip_line_keeps_error_words_far_into_a_line() -> None:
    line = "INFO " + "x" * 5000 + " then OutOfMemoryError: Container killed " + "y" * 5000

    clipped = clip_line(line, 400)

    assert clipped.startswith("INFO xxx")
    assert "OutOfMemoryError: Container killed" in clipped
    assert len(clipped) < 450
    assert clip_line("short", 400) == "short"
    assert clip_line("a" * 500, 100) == "a" * 100 + "…[+400 chars]"


def test_many_error_lines_share_the_room() -> None:
    lines = [f"ERROR job {n}: " + "detail " * 400 for n in range(30)]

    capped = cap_text("\n".join(lines), 8000)

    kept = capped.splitlines()[:-1]
    assert len(kept) >= 25
    assert all(line.startswith("ERROR job ") for line in kept)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}', f'{{"SecretAccessKey": "{MASK}"}}'),
        ('{"SessionToken": "IQoJb3JpZ2luX2VjEJr"}', f'{{"SessionToken": "{MASK}"}}'),
        ("db_password=hunter2;timeout=5", f"db_password={MASK};timeout=5"),
        ('{"clientSecret":"abc123"}', f'{{"clientSecret":"{MASK}"}}'),
        ("Server=db;User Id=app;Password=p4ss;", f"Server=db;User Id=app;Password={MASK};"),
        ("redis://:p4ss@cache:6379/0", f"redis://:{MASK}@cache:6379/0"),
        ("mongodb+srv://app:p4ss@cluster0.example.net/jobs", f"mongodb+srv://app:{MASK}@cluster0.example.net/jobs"),
        ("AccountKey=Zm9vYmFyYmF6cXV4", f"AccountKey={MASK}"),
        ("Authorization: Basic dXNlcjpwYXNzd29yZA==", f"Authorization: Basic {MASK}"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqb2IifQ.c2lnbmF0dXJl", f"jwt {MASK}"),
        ("google ya29.a0AfH6SMBx1234567890abcdefghij", f"google {MASK}"),
        ("key AIzaSyA1234567890abcdefghijklmnopqrstuv", f"key {MASK}"),
        ("pat github_pat_11ABCDEFG0123456789_abcdefghijkl", f"pat {MASK}"),
        ("hook https://hooks.slack.com/services/T000/B000/XXXXXXXX", f"hook {MASK}"),
        ('"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\nkqhkiG9w0BAQEFAASC',
         f'"private_key": "{MASK}'),  # cut off before its END line
    ],
)
def test_more_secrets_are_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        '{"nextToken": "eyJ2IjoxfQ", "NextToken": "AAAA"}',
        "pageToken=abc123 next_page_token=def",
        "the token bucket refilled",
        "tokens=5 keys=3",
        "see https://example.com:8443/path for details",
    ],
)
def test_pagination_tokens_and_ordinary_words_are_kept(text: str) -> None:
    assert redact(text) == text


def test_redacting_twenty_megabytes_takes_seconds_not_minutes() -> None:
    line = "2026-11-20T03:12:09Z INFO runner-4 request id=1f0e6f9c status=ok url=https://x.example/a " + "a" * 200
    text = "\n".join([line] * 70_000)

    started = time.perf_counter()
    redact(text)

    assert len(text) > 20_000_000
    assert time.perf_counter() - started < 10


def test_registry_caps_results_by_tokens_too() -> None:
    registry = ToolRegistry([], result_max_chars=8000)

    assert registry.result_max_tokens == 2000
    assert estimate_tokens(registry.clean("数据" * 6000)) <= 2000

"""Redaction of secrets and capping of tool output (tools.redact, tools.budget)."""

from __future__ import annotations

import pytest

from tools.budget import cap_text, estimate_tokens
from tools.redact import MASK, redact

PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabcdef==\n-----END RSA PRIVATE KEY-----"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("key AKIAIOSFODNN7EXAMPLE used", f"key {MASK} used"),
        ("session ASIAIOSFODNN7EXAMPLE", f"session {MASK}"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc", f"Authorization: Bearer {MASK}"),
        ("slack xoxb-123456-7890-abcdefghijkl said hi", f"slack {MASK} said hi"),
        ("password=hunter2 user=bob", f"password={MASK} user=bob"),
        ('{"api_key": "sk-live-123"}', f'{{"api_key": "{MASK}"}}'),
        ("DSN postgres://app:s3cr3t@db.internal:5432/jobs", f"DSN postgres://app:{MASK}@db.internal:5432/jobs"),
        (f"before\n{PEM}\nafter", f"before\n{MASK}\nafter"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", f"aws_secret_access_key = {MASK}"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123", f"token {MASK}"),
    ],
)
def test_secrets_are_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "[ERROR] 2026-11-20T03:12:09Z started_at has no value tasks:normal-4 job_id=16852935",
        "GET https://api.example.com/v1/jobs/16852935/ returned 200",
        "request 1f0e6f9c-52a4-4d0b-9a51-6a0c2f5e8d11 took 1.2s",
        "the password policy requires 12 characters",
        "arn:aws:ecs:us-east-1:123456789012:task/prod/abc",
        "",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def big_log() -> tuple[str, list[str]]:
    lines, errors = [], []
    for n in range(80_000):
        if n % 1000 == 999:
            line = f"2026-11-20 ERROR worker-{n} failed: connection reset"
            errors.append(line)
        else:
            line = f"2026-11-20 INFO request {n:06d} handled fine"
        lines.append(line)
    return "\n".join(lines), errors


def test_cap_text_keeps_error_lines_first_and_says_it_cut() -> None:
    text, errors = big_log()
    assert len(text) > 2_000_000

    capped = cap_text(text, 8000)

    assert len(capped) <= 8000 + 300
    kept = capped.splitlines()
    assert kept[: len(errors)] == errors
    assert kept[len(errors)] == "2026-11-20 INFO request 000000 handled fine"
    assert kept[-1].startswith("[cut: showed ")
    assert f"of {len(text):,} characters (80 error lines first)" in kept[-1]
    assert "narrow the query" in kept[-1]


def test_cap_text_with_one_huge_line_keeps_its_head() -> None:
    text = "x" * 50_000

    capped = cap_text(text, 1000, hint="use a shorter window")

    assert len(capped) <= 1300
    assert capped.startswith("x" * 800)
    assert capped.endswith("use a shorter window]")


def test_cap_text_leaves_short_text_alone() -> None:
    assert cap_text("short\ntext", 8000) == "short\ntext"
    assert cap_text("y" * 8000, 8000) == "y" * 8000


def test_estimate_tokens() -> None:
    assert [estimate_tokens(t) for t in ("", "a", "abcd", "abcde")] == [0, 1, 1, 2]

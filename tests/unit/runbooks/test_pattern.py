"""Runbook regexes on the linear-time engine: refused constructs, catastrophic patterns that finish, sets."""

from __future__ import annotations

import pytest

from app.runbooks.pattern import ENGINE, MAX_PATTERN_CHARS, PatternError, PatternSet, compile_pattern


@pytest.mark.parametrize(
    ("source", "reason"),
    [("(a)\\1", "RE2"), ("(?=ab)a", "RE2"), ("(?<!x)y", "RE2"), ("(unclosed", "RE2")],
)
def test_constructs_without_a_linear_time_match_are_refused_with_the_reason(source: str, reason: str) -> None:
    with pytest.raises(PatternError, match=reason):
        compile_pattern(source)


def test_an_overlong_pattern_is_refused() -> None:
    with pytest.raises(PatternError, match=f"limit is {MAX_PATTERN_CHARS}"):
        compile_pattern("a" * (MAX_PATTERN_CHARS + 1))


@pytest.mark.parametrize("source", ["(a+)+$", "^(\\w+\\s?)*$", "(x+x+)+y", "(.*a){12}"])
def test_catastrophic_backtracking_patterns_answer_on_long_text(source: str) -> None:
    hostile = "a" * 50_000 + "!"  # each of these takes exponential time in a backtracking engine

    assert compile_pattern(source).search(hostile) is (source == "(.*a){12}")


def test_first_is_the_first_group_or_the_whole_match() -> None:
    assert compile_pattern("(?i)job[ =:]+(\\d+)").first("JOB: 1234 and job 99") == "1234"
    assert compile_pattern("arn:aws:[a-z]+").first("see arn:aws:ecs now") == "arn:aws:ecs"
    assert compile_pattern("nothing").first("here") is None


def test_a_set_reports_every_pattern_that_occurs_in_order() -> None:
    sources = ["(?i)disk full", "DaysToExpiry", "\\d{3}", "(a+)+$", "データベース"]
    patterns = PatternSet([compile_pattern(source) for source in sources])

    assert patterns.matching("DISK FULL, 503 errors, データベース down, aaaa") == [0, 2, 3, 4]
    assert patterns.matching("daystoexpiry") == []  # case-sensitive stays case-sensitive
    assert PatternSet([]).matching("anything") == []


def test_the_engine_in_use_is_re2() -> None:
    assert ENGINE == "re2"

"""The functions runbook expressions add to JMESPath: ratio."""

from __future__ import annotations

import pytest
from jmespath.exceptions import JMESPathTypeError

from app.runbooks.expressions import search


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("ratio(`52100`, `60000`)", 0.868),
        ("ratio(max(rows[].to_number(n)), sum(rows[].to_number(n)))", 0.75),
        ("ratio(ratio(`30028.4`, `1000`), `30`)", 1.001),
        ("ratio(`5`, `0`)", None),
        ("ratio(missing, `10`)", None),
        ("ratio(`10`, missing)", None),
    ],
)
def test_ratio(expression: str, expected: float | None) -> None:
    assert search(expression, {"rows": [{"n": "3"}, {"n": "1"}]}) == expected


def test_ratio_refuses_text() -> None:
    with pytest.raises(JMESPathTypeError):
        search("ratio('12', `3`)", {})

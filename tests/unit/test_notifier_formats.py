"""Status, severity and the same-alert key on notifications as widely used alerting tools post them to Slack.

Each file in tests/fixtures/notifiers holds one tool's messages with what a person reads in them: the status,
the severity, and which alert it is (``pair``: a firing notification and its resolution share one).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.alerts import alert_key, normalise

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notifiers"


def _cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(FIXTURES.glob("*.json")):
        cases.extend(json.loads(path.read_text(encoding="utf-8")))
    return cases


CASES = _cases()


def test_the_fixtures_cover_many_tools_and_both_states() -> None:
    sources = {normalise(case["message"]).source for case in CASES}
    statuses = [case["expect"]["status"] for case in CASES]
    assert len(sources) >= 9
    assert statuses.count("resolved") >= 8


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_status_and_severity(case: dict[str, Any]) -> None:
    alert = normalise(case["message"])
    assert (alert.status, alert.severity) == (case["expect"]["status"], case["expect"]["severity"])


def test_each_resolution_shares_the_key_of_its_firing_notification() -> None:
    keys: dict[str, set[str]] = {}
    for case in CASES:
        keys.setdefault(case["expect"]["pair"], set()).add(alert_key(normalise(case["message"])))
    assert {pair: len(found) for pair, found in keys.items()} == {pair: 1 for pair in keys}


def test_distinct_alerts_never_share_a_key() -> None:
    owners: dict[str, set[str]] = {}
    for case in CASES:
        owners.setdefault(alert_key(normalise(case["message"])), set()).add(case["expect"]["pair"])
    assert [pairs for pairs in owners.values() if len(pairs) > 1] == []


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("Disk space critically low on db-1", "", ""),
        (":warning: Critical: disk full on db-1", ":warning: it is full", "critical"),
        ("High CPU on web-01", "Severity: Average", "medium"),
        ("Queue depth", "- *Priority:* P2 - High", "high"),
        ("[P4] nightly export late", "", "low"),
    ],
)
def test_severity_words(title: str, text: str, expected: str) -> None:
    assert normalise({"attachments": [{"title": title, "text": text}], "ts": "1"}).severity == expected


@pytest.mark.parametrize(
    ("title", "text", "colour", "status"),
    [
        ("[api] [✅ Up] 200 - OK", "", "", "resolved"),
        ("[api] [🔴 Down] timeout", "", "", "firing"),
        ("Backups of db-1", "the job has recovered after a retry", "", "resolved"),
        ("Backups of db-1", "> last week it has been resolved by a restart", "", "firing"),
        ("Backups of db-1", "", "2EB886", "resolved"),
        ("Backups of db-1", "", "#d00000", "firing"),
    ],
)
def test_status_signals(title: str, text: str, colour: str, status: str) -> None:
    message = {"attachments": [{"title": title, "text": text, "color": colour}], "ts": "1"}
    assert normalise(message).status == status


@pytest.mark.parametrize(
    ("firing", "resolved"),
    [
        ("[Opsgenie] New alert: #8841 Scheduler pool full", "[Opsgenie] Alert closed: #8841 Scheduler pool full"),
        ("Problem: Agent on runner-3 unreachable", "Problem resolved: Agent on runner-3 unreachable"),
        ("[FIRING:2, RESOLVED:1] NodeDown (prod)", "[RESOLVED] NodeDown (prod)"),
        ("Incident opened: Checkout latency", "Incident resolved: Checkout latency"),
    ],
)
def test_titles_with_status_phrases_pair_up(firing: str, resolved: str) -> None:
    fired = normalise({"username": "Opsgenie", "attachments": [{"title": firing}], "ts": "1"})
    cleared = normalise({"username": "Opsgenie", "attachments": [{"title": resolved}], "ts": "2"})
    assert (fired.status, cleared.status) == ("firing", "resolved")
    assert alert_key(fired) == alert_key(cleared)


def test_a_monitor_line_names_the_alert_even_without_a_known_source() -> None:
    def kuma(line: str) -> dict[str, Any]:
        return {"blocks": [{"type": "header", "text": {"type": "plain_text", "text": "Uptime Kuma Alert"}},
                           {"type": "section", "text": {"type": "mrkdwn", "text": f"*Message*\n{line}"}}], "ts": "1"}

    down, up, other = (normalise(kuma(line)) for line in ("[api] [🔴 Down] timeout", "[api] [✅ Up] 200 - OK",
                                                           "[web] [🔴 Down] timeout"))
    assert (down.status, up.status) == ("firing", "resolved")
    assert alert_key(down) == alert_key(up) != alert_key(other)


def test_a_severity_field_under_another_name_counts() -> None:
    fields = [{"title": "Alert Severity", "value": "Sev-2"}]
    alert = normalise({"attachments": [{"title": "Critically low disk", "fields": fields}], "ts": "1"})
    assert alert.severity == "high"


@pytest.mark.parametrize(
    "text",
    [
        "Uptime Alert\n" + "\n" * 40_000 + "x", "Severity:" + " " * 40_000, "\n" * 40_000 + "Severity: high",
        "has " * 10_000,
    ],
    ids=["generic title over blank lines", "severity line of spaces", "blank lines", "many sentences"],
)
def test_status_severity_and_key_finish_on_40000_characters(text: str) -> None:
    alert = normalise({"username": "Uptime", "text": text, "ts": "1"})
    assert alert.status == "firing"
    assert len(alert_key(alert)) == 24

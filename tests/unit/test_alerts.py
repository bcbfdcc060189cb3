"""Alert normalisation for the shapes real integrations post (payloads in tests/fixtures/slack)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from app.alerts import alert_key, message_text, normalise
from app.models import Alert

Load = Callable[[str], dict[str, Any]]

# file → (title, source, status, severity, link prefix, some labels)
SHAPES: dict[str, tuple[str, str, str, str, str, dict[str, str]]] = {
    "plain_text_webhook.json": (
        "[ERROR] 2026-11-21T03:12:09Z 1f0e6f9c-52a4-4d0b-9a51-6a0c2f5e8d11 [healthcheck] error: started_at has no "
        "value tasks:normal-4 job_id=16852935",
        "gke-health-checker", "firing", "", "", {},
    ),
    "alertmanager_firing.json": (
        "[FIRING:1] JobTaskOOMKilled (jobs-prod critical)", "Alertmanager", "firing", "critical",
        "https://alertmanager.prod.example.com/", {"alertname": "JobTaskOOMKilled", "job_id": "16853001"},
    ),
    "alertmanager_resolved.json": (
        "[RESOLVED] JobTaskOOMKilled (jobs-prod critical)", "Alertmanager", "resolved", "critical",
        "https://alertmanager.prod.example.com/", {"alertname": "JobTaskOOMKilled", "cluster": "jobs-prod"},
    ),
    "datadog_triggered.json": (
        "Triggered: [P2] Job container image pull failures on jobs-prod", "Datadog", "firing", "high",
        "https://app.datadoghq.com/monitors/98765432", {"Priority": "P2"},
    ),
    "datadog_recovered.json": (
        "Recovered: [P2] Job container image pull failures on jobs-prod", "Datadog", "resolved", "high",
        "https://app.datadoghq.com/monitors/98765432", {"Tags": "cluster:jobs-prod, env:prod, service:job-runner"},
    ),
    "cloudwatch_sns_alarm.json": (
        'ALARM: "jobs-api-5xx-rate" in US East (N. Virginia)', "cloudwatch-alarms", "firing", "",
        "https://us-east-1.console.aws.amazon.com/cloudwatch/",
        {"Alarm Name": "jobs-api-5xx-rate", "New State": "ALARM"},
    ),
    "cloudwatch_sns_ok.json": (
        'OK: "jobs-api-5xx-rate" in US East (N. Virginia)', "cloudwatch-alarms", "resolved", "",
        "https://us-east-1.console.aws.amazon.com/cloudwatch/", {"Old State": "ALARM", "New State": "OK"},
    ),
    "aws_chatbot_alarm.json": (
        "CloudWatch Alarm | batch-job-queue-depth-high | us-east-1 | Account: 123456789012", "AWS Chatbot", "firing",
        "high", "https://console.aws.amazon.com/go/view?arn=", {"State": "ALARM", "Namespace": "AWS/SQS"},
    ),
    "grafana_firing.json": (
        "[FIRING:1] HealthcheckStartedAtMissing (jobs-prod)", "Grafana", "firing", "medium",
        "https://grafana.prod.example.com/alerting/grafana/",
        {"alertname": "HealthcheckStartedAtMissing", "team": "platform"},
    ),
    "grafana_resolved.json": (
        "[RESOLVED] HealthcheckStartedAtMissing (jobs-prod)", "Grafana", "resolved", "medium",
        "https://grafana.prod.example.com/alerting/grafana/", {"severity": "warning"},
    ),
    "pagerduty_triggered.json": (
        "Triggered #4521 Jobs API p99 latency above 2s", "PagerDuty", "firing", "high",
        "https://acme.pagerduty.com/incidents/Q2K7XJ0NV3L8PZ", {"Urgency": "High", "Service": "jobs-api (prod)"},
    ),
    "pagerduty_resolved.json": (
        "Resolved #4521 Jobs API p99 latency above 2s", "PagerDuty", "resolved", "high",
        "https://acme.pagerduty.com/incidents/Q2K7XJ0NV3L8PZ", {"Escalation Policy": "platform-oncall"},
    ),
    "rich_text_message.json": (
        "job 16852990 is stuck in PENDING and the UI shows no logs. From the ECS console:", "", "firing", "", "", {},
    ),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_each_shape_is_normalised(slack_payload: Load, name: str) -> None:
    title, source, status, severity, link, labels = SHAPES[name]

    alert = normalise(slack_payload(name)["event"])

    assert (alert.title, alert.source, alert.status, alert.severity) == (title, source, status, severity)
    assert alert.link.startswith(link) if link else alert.link == ""
    assert labels.items() <= alert.labels.items()
    assert alert.text.strip()


@pytest.mark.parametrize(
    ("firing", "resolved"),
    [
        ("alertmanager_firing.json", "alertmanager_resolved.json"),
        ("datadog_triggered.json", "datadog_recovered.json"),
        ("cloudwatch_sns_alarm.json", "cloudwatch_sns_ok.json"),
        ("grafana_firing.json", "grafana_resolved.json"),
        ("pagerduty_triggered.json", "pagerduty_resolved.json"),
    ],
)
def test_firing_and_resolved_notifications_share_a_key(slack_payload: Load, firing: str, resolved: str) -> None:
    fired = normalise(slack_payload(firing)["event"])
    cleared = normalise(slack_payload(resolved)["event"])

    assert alert_key(fired) == alert_key(cleared)
    assert (fired.status, cleared.status) == ("firing", "resolved")


def test_different_alerts_have_different_keys(slack_payload: Load) -> None:
    keys = {alert_key(normalise(slack_payload(name)["event"])) for name in SHAPES if "resolved" not in name}
    firing = [name for name in SHAPES if not any(word in name for word in ("resolved", "recovered", "_ok"))]
    assert len(keys) == len(firing)


def test_same_title_from_another_source_is_another_alert() -> None:
    assert alert_key(Alert(title="[FIRING:1] X", source="a")) != alert_key(Alert(title="[RESOLVED] X", source="b"))


def test_attachment_time_is_the_alert_time(slack_payload: Load) -> None:
    alert = normalise(slack_payload("cloudwatch_sns_alarm.json")["event"])
    assert alert.time == datetime(2026, 11, 21, 3, 12, 9, tzinfo=UTC)


def test_rich_text_is_read_once_with_code_and_broadcasts(slack_payload: Load) -> None:
    text = normalise(slack_payload("rich_text_message.json")["event"]).text

    assert text.count("stuck in PENDING") == 1
    assert "CannotPullContainerError: pull image manifest has been retried 5 time(s)" in text
    assert "@here anyone seen this?" in text


def test_block_kit_fields_links_and_context_are_readable(slack_payload: Load) -> None:
    text = normalise(slack_payload("pagerduty_triggered.json")["event"]).text

    assert "#4521 Jobs API p99 latency above 2s (https://acme.pagerduty.com/incidents/Q2K7XJ0NV3L8PZ)" in text
    assert "jobs-api (prod) (https://acme.pagerduty.com/service-directory/P8JOBSAPI)" in text
    assert "avg(last_5m):p99:trace.http.request{service:jobs-api} > 2" in text
    assert text.count("Jobs API p99 latency above 2s") == 1  # the fallback text is not repeated


def test_entities_are_decoded_and_special_mentions_named() -> None:
    text = message_text({"text": "p99 &gt; 2s &amp; errors &lt; 1% <!channel> see <https://x.example/a|runbook>"})
    assert text == "p99 > 2s & errors < 1% @channel see runbook (https://x.example/a)"


def test_lists_and_quotes_in_rich_text() -> None:
    message = {
        "blocks": [
            {
                "type": "rich_text",
                "elements": [
                    {"type": "rich_text_list", "style": "bullet", "elements": [
                        {"type": "rich_text_section", "elements": [{"type": "text", "text": "api-1 down"}]},
                        {"type": "rich_text_section", "elements": [{"type": "link", "url": "https://x.example/d",
                                                                    "text": "dashboard"}]},
                    ]},
                    {"type": "rich_text_quote", "elements": [{"type": "text", "text": "since 03:10"}]},
                ],
            }
        ]
    }
    assert message_text(message) == "• api-1 down\n• dashboard (https://x.example/d)\n> since 03:10"


@pytest.mark.parametrize(
    ("labels", "title", "severity"),
    [
        ({"Urgency": "Low"}, "x", "low"),
        ({"priority": "P1"}, "x", "critical"),
        ({"severity": "warning"}, "x", "medium"),
        ({}, "[P3] disk", "medium"),
        ({}, "nothing here", ""),
    ],
)
def test_severity_comes_from_labels_then_the_words(labels: dict[str, str], title: str, severity: str) -> None:
    fields = [{"title": key, "value": value} for key, value in labels.items()]
    alert = normalise({"attachments": [{"title": title, "text": "t", "fields": fields}], "ts": "1"})
    assert alert.severity == severity


def test_words_like_resolved_inside_a_title_do_not_resolve_it() -> None:
    alert = normalise({"text": "Disk usage not resolved after 10 minutes on db-1 (OK: no)", "ts": "1"})
    assert alert.status == "firing"


def test_times_in_titles_are_not_taken_for_emoji() -> None:
    alert = normalise({"attachments": [{"title": "Backup failed at 03:10:45 on *db-1*"}], "ts": "1"})
    assert alert.title == "Backup failed at 03:10:45 on db-1"


@pytest.mark.parametrize(
    "text",
    ["- a: x" + " " * 40_000 + "y`z", "\n" * 40_000 + "x", "- " + " \t" * 20_000, "•  *k*" + " " * 40_000 + ":"],
    ids=["spaces after a label", "blank lines", "tabs and spaces", "a label without a value"],
)
def test_label_parsing_finishes_on_40000_characters_built_to_backtrack(text: str) -> None:
    alert = normalise({"text": text})  # the old pattern took minutes on the first two

    assert alert.labels == {}


def test_label_lines_keep_their_values_without_backticks_or_trailing_spaces() -> None:
    text = "• *Severity:* `high`  \n• Team = payments\r\n- job_id: 123 \n* env:   prod\n- not a label\n- key:\n  value"

    assert normalise({"text": text}).labels == {"Severity": "high", "Team": "payments", "job_id": "123", "env": "prod"}

"""Tests for the pure classification of Slack events into jobs (app.ingress.events, app.alerts)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.alerts import normalise, strip_mentions
from app.fakes.slack_events import event_callback, mention_event, message_event
from app.ingress.events import Identity, alert_job, question_job
from app.models import JobKind

ALERTS = ("C0ALERTS",)
ME = Identity(user_id="U0BOT", bot_id="B0BOT")
TS = "1700000000.000100"
PARENT_TS = "1699999990.000100"

ALERTMANAGER_ATTACHMENTS: list[dict[str, Any]] = [
    {
        "color": "danger",
        "title": "[FIRING:1] HighErrorRate api-gateway (critical)",
        "title_link": "https://alertmanager.example/#/alerts?receiver=slack",
        "text": "Error rate is 7.2% on api-gateway for 10 minutes",
        "fields": [
            {"title": "alertname", "value": "HighErrorRate", "short": True},
            {"title": "namespace", "value": "prod", "short": True},
        ],
        "fallback": "[FIRING:1] HighErrorRate",
    }
]

BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*Disk usage 91%* on bastion-2"}},
    {
        "type": "rich_text",
        "elements": [
            {"type": "rich_text_section", "elements": [{"type": "text", "text": "mount /var is nearly full"}]}
        ],
    },
]


def body(event: dict[str, Any], event_id: str = "Ev0001") -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(event_callback(event, event_id=event_id))
    return parsed


def test_top_level_message_in_alert_channel_is_an_alert_job() -> None:
    event = message_event("C0ALERTS", TS, "Disk usage 91% on bastion-2 (/var)", user="U0ALICE")
    job = alert_job(body(event, "EvALERT1"), ALERTS, ME)
    assert job is not None
    assert job.kind is JobKind.ALERT
    assert job.event_id == "EvALERT1"
    assert job.team == "T0TEAM"
    assert job.channel == "C0ALERTS"
    assert job.ts == TS
    assert job.thread_ts == TS
    assert job.user == "U0ALICE"
    assert job.in_thread is False
    assert job.alert.text == "Disk usage 91% on bastion-2 (/var)"
    assert job.alert.title == "Disk usage 91% on bastion-2 (/var)"


def test_message_in_other_channel_is_not_an_alert() -> None:
    event = message_event("C0RANDOM", TS, "Disk usage 91% on bastion-2", user="U0ALICE")
    assert alert_job(body(event), ALERTS, ME) is None


def test_thread_reply_is_not_an_alert() -> None:
    event = message_event("C0ALERTS", TS, "looking into it", user="U0ALICE", thread_ts=PARENT_TS)
    assert alert_job(body(event), ALERTS, ME) is None


@pytest.mark.parametrize(
    "extra",
    [
        {
            "subtype": "message_changed",
            "message": {"type": "message", "text": "Disk usage 95%", "user": "U0ALICE", "ts": PARENT_TS},
            "previous_message": {"type": "message", "text": "Disk usage 91%", "user": "U0ALICE", "ts": PARENT_TS},
        },
        {"subtype": "message_deleted", "deleted_ts": PARENT_TS, "hidden": True},
        {"subtype": "channel_join", "user": "U0ALICE"},
        {"subtype": "bot_add", "bot_id": "B0OTHER"},
    ],
    ids=["message_changed", "message_deleted", "channel_join", "bot_add"],
)
def test_non_alert_subtypes_are_ignored(extra: dict[str, Any]) -> None:
    event = message_event("C0ALERTS", TS, "<@U0ALICE> has joined the channel", **extra)
    assert alert_job(body(event), ALERTS, ME) is None


def test_bot_message_with_attachments_only_is_an_alert_with_labels() -> None:
    event = message_event(
        "C0ALERTS",
        TS,
        "",
        subtype="bot_message",
        bot_id="B0AM",
        username="alertmanager",
        attachments=ALERTMANAGER_ATTACHMENTS,
    )
    job = alert_job(body(event, "EvAM"), ALERTS, ME)
    assert job is not None
    assert job.kind is JobKind.ALERT
    assert job.user == "B0AM"
    assert "Error rate is 7.2% on api-gateway for 10 minutes" in job.alert.text
    assert "alertname: HighErrorRate" in job.alert.text
    assert job.alert.title == "[FIRING:1] HighErrorRate api-gateway (critical)"
    assert job.alert.labels == {"alertname": "HighErrorRate", "namespace": "prod"}
    assert job.alert.source == "alertmanager"
    assert job.alert.severity == "critical"
    assert job.alert.link == "https://alertmanager.example/#/alerts?receiver=slack"
    assert job.alert.status == "firing"


def test_bot_message_with_blocks_only_is_an_alert() -> None:
    event = message_event("C0ALERTS", TS, "", subtype="bot_message", bot_id="B0HOOK", blocks=BLOCKS)
    job = alert_job(body(event), ALERTS, ME)
    assert job is not None
    assert "*Disk usage 91%* on bastion-2" in job.alert.text
    assert "mount /var is nearly full" in job.alert.text
    assert job.alert.title == "Disk usage 91% on bastion-2"  # titles are plain text: no mrkdwn markers
    assert job.alert.source == "bot"


def test_message_without_any_text_is_not_an_alert() -> None:
    event = message_event("C0ALERTS", TS, "", subtype="bot_message", bot_id="B0HOOK")
    assert alert_job(body(event), ALERTS, ME) is None


@pytest.mark.parametrize(
    "extra",
    [{"user": "U0BOT"}, {"subtype": "bot_message", "bot_id": "B0BOT"}],
    ids=["own-user-id", "own-bot-id"],
)
def test_own_messages_are_not_alerts(extra: dict[str, Any]) -> None:
    event = message_event("C0ALERTS", TS, "Investigating… reference r-123", **extra)
    assert alert_job(body(event), ALERTS, ME) is None


def test_other_bots_messages_are_alerts() -> None:
    event = message_event("C0ALERTS", TS, "CPU 99% on db-1", subtype="bot_message", bot_id="B0OTHER")
    job = alert_job(body(event), ALERTS, ME)
    assert job is not None
    assert job.user == "B0OTHER"


def test_mention_of_the_bot_in_alert_channel_is_left_to_app_mention() -> None:
    event = message_event("C0ALERTS", TS, "<@U0BOT> why did job 123 fail?", user="U0ALICE")
    assert alert_job(body(event), ALERTS, ME) is None


def test_top_level_mention_is_a_question_in_a_new_thread() -> None:
    event = mention_event("C0HELP", TS, "<@U0BOT> job 123 failed and the UI shows no logs — why?", "U0ALICE")
    job = question_job(body(event, "EvQ1"), ME)
    assert job is not None
    assert job.kind is JobKind.QUESTION
    assert job.event_id == "EvQ1"
    assert job.channel == "C0HELP"
    assert job.ts == TS
    assert job.thread_ts == TS
    assert job.in_thread is False
    assert job.user == "U0ALICE"
    assert job.alert.text == "job 123 failed and the UI shows no logs — why?"
    assert job.alert.source == "slack-question"


def test_mention_inside_a_thread_replies_in_that_thread() -> None:
    event = mention_event("C0ALERTS", TS, "<@U0BOT> is this the same as yesterday?", "U0ALICE", thread_ts=PARENT_TS)
    job = question_job(body(event, "EvQ2"), ME)
    assert job is not None
    assert job.ts == TS
    assert job.thread_ts == PARENT_TS
    assert job.in_thread is True
    assert job.alert.text == "is this the same as yesterday?"


def test_mention_by_the_bot_itself_is_not_a_question() -> None:
    event = mention_event("C0HELP", TS, "<@U0BOT> hello", "U0BOT")
    assert question_job(body(event), ME) is None


def test_resolved_title_marks_the_alert_resolved() -> None:
    attachment = {**ALERTMANAGER_ATTACHMENTS[0], "title": "[RESOLVED] HighErrorRate api-gateway", "color": "danger"}
    alert = normalise(message_event("C0ALERTS", TS, "", subtype="bot_message", attachments=[attachment]))
    assert alert.status == "resolved"
    assert alert.title == "[RESOLVED] HighErrorRate api-gateway"


def test_good_colour_marks_the_alert_resolved() -> None:
    attachment = {"title": "HighErrorRate api-gateway", "text": "back to normal", "color": "good"}
    assert normalise(message_event("C0ALERTS", TS, "", attachments=[attachment])).status == "resolved"


def test_firing_alert_is_not_resolved() -> None:
    alert = normalise(message_event("C0ALERTS", TS, "", attachments=ALERTMANAGER_ATTACHMENTS))
    assert alert.status == "firing"


def test_normalise_uses_the_message_ts_as_alert_time() -> None:
    alert = normalise(message_event("C0ALERTS", "1700000000.000100", "CPU 99% on db-1"))
    assert alert.time.isoformat() == "2023-11-14T22:13:20.000100+00:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@U0BOT> why is job 1 failing?", "why is job 1 failing?"),
        ("<@U0BOT|aiops>   what changed? ", "what changed?"),
        ("hi <@U0BOT>", "hi"),
        ("no mention here", "no mention here"),
        ("<@U0BOT>", ""),
    ],
)
def test_strip_mentions(text: str, expected: str) -> None:
    assert strip_mentions(text) == expected

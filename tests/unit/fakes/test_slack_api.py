"""Tests for the fake Slack Web API, driven through the real slack_sdk WebClient."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.fakes.slack_api import FakeSlackAPI

TOKEN = "xoxb-test-token"


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI(bot_token=TOKEN) as api:
        yield api


@pytest.fixture
def client(fake: FakeSlackAPI) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.url)


def test_url_is_local_with_trailing_slash(fake: FakeSlackAPI) -> None:
    assert fake.url.startswith("http://127.0.0.1:")
    assert fake.url.endswith("/api/")


def test_auth_test_reports_bot_identity(client: WebClient, fake: FakeSlackAPI) -> None:
    resp = client.auth_test()
    assert resp["ok"] is True
    assert resp["user_id"] == "U0BOT"
    assert resp["bot_id"] == "B0BOT"
    assert resp["team_id"] == "T0TEAM"
    assert fake.calls_to("auth.test")[0].token == TOKEN


def test_post_message_stores_and_records(client: WebClient, fake: FakeSlackAPI) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
    resp = client.chat_postMessage(channel="C1", text="hello", blocks=blocks)
    assert resp["ok"] is True
    assert resp["channel"] == "C1"
    ts = resp["ts"]
    assert resp["message"]["text"] == "hello"
    stored = fake.message("C1", ts)
    assert stored["user"] == "U0BOT"
    assert stored["bot_id"] == "B0BOT"
    assert stored["type"] == "message"
    assert stored["blocks"] == blocks
    assert "thread_ts" not in stored
    call = fake.calls_to("chat.postMessage")[0]
    assert call.params["channel"] == "C1"
    assert call.params["blocks"] == blocks
    assert call.token == TOKEN


def test_ts_values_are_unique_and_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel="C1", text=str(i))["ts"] for i in range(3)]
    assert len(set(stamps)) == 3
    assert [float(s) for s in stamps] == sorted(float(s) for s in stamps)
    assert all(len(s.split(".")[1]) == 6 for s in stamps)


def test_threaded_reply_update_and_read_thread(client: WebClient, fake: FakeSlackAPI) -> None:
    parent = fake.add_message("C1", "disk full on db-1", user="U123")
    reply = client.chat_postMessage(channel="C1", text="looking...", thread_ts=parent)
    assert reply["message"]["thread_ts"] == parent

    updated = client.chat_update(channel="C1", ts=reply["ts"], text="found the cause")
    assert updated["ok"] is True
    assert updated["ts"] == reply["ts"]

    thread = fake.thread("C1", parent)
    assert [m["text"] for m in thread] == ["disk full on db-1", "found the cause"]
    assert thread[0]["user"] == "U123"
    assert "edited" in thread[1]

    replies = client.conversations_replies(channel="C1", ts=parent)
    assert [m["text"] for m in replies["messages"]] == ["disk full on db-1", "found the cause"]
    assert replies["has_more"] is False
    assert replies["response_metadata"]["next_cursor"] == ""


def test_replies_pagination_with_limit(client: WebClient, fake: FakeSlackAPI) -> None:
    parent = fake.add_message("C2", "parent", user="U1")
    for i in range(4):
        client.chat_postMessage(channel="C2", text=f"r{i}", thread_ts=parent)

    first = client.conversations_replies(channel="C2", ts=parent, limit=2)
    assert [m["text"] for m in first["messages"]] == ["parent", "r0"]
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    assert cursor == "2"

    second = client.conversations_replies(channel="C2", ts=parent, limit=2, cursor=cursor)
    assert [m["text"] for m in second["messages"]] == ["r1", "r2"]
    third = client.conversations_replies(
        channel="C2", ts=parent, limit=2, cursor=second["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in third["messages"]] == ["r3"]
    assert third["has_more"] is False


def test_add_message_seeding_appears_in_replies(client: WebClient, fake: FakeSlackAPI) -> None:
    attachments = [{"color": "danger", "title": "CPU high"}]
    parent = fake.add_message("C3", "", bot_id="B0ALERT", attachments=attachments)
    child = fake.add_message("C3", "ack", user="U9", thread_ts=parent)
    messages = client.conversations_replies(channel="C3", ts=parent)["messages"]
    assert [m["ts"] for m in messages] == [parent, child]
    assert messages[0]["bot_id"] == "B0ALERT"
    assert messages[0]["attachments"] == attachments
    assert messages[1]["user"] == "U9"
    assert messages[1]["thread_ts"] == parent


def test_views_open_returns_view_with_id(client: WebClient, fake: FakeSlackAPI) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Ask"}, "blocks": []}
    resp = client.views_open(trigger_id="123.456", view=view)
    assert resp["ok"] is True
    assert resp["view"]["id"].startswith("V")
    assert resp["view"]["type"] == "modal"
    assert resp["view"]["title"]["text"] == "Ask"
    assert fake.calls_to("views.open")[0].params["trigger_id"] == "123.456"


def test_invalid_token_raises_invalid_auth(fake: FakeSlackAPI) -> None:
    bad = WebClient(token="xoxb-wrong", base_url=fake.url)
    with pytest.raises(SlackApiError) as info:
        bad.chat_postMessage(channel="C1", text="nope")
    assert info.value.response["error"] == "invalid_auth"
    assert fake.calls_to("chat.postMessage")[0].token == "xoxb-wrong"


def test_fail_next_fails_once(client: WebClient, fake: FakeSlackAPI) -> None:
    fake.fail_next["chat.postMessage"] = "channel_not_found"
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1", text="first")
    assert info.value.response["error"] == "channel_not_found"
    assert client.chat_postMessage(channel="C1", text="second")["ok"] is True
    assert fake.fail_next == {}


def test_fail_next_ratelimited_is_http_429(client: WebClient, fake: FakeSlackAPI) -> None:
    fake.fail_next["conversations.replies"] = "ratelimited"
    with pytest.raises(SlackApiError) as info:
        client.conversations_replies(channel="C1", ts="1.0")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "1"
    assert info.value.response["error"] == "ratelimited"


def test_update_unknown_ts_fails(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        client.chat_update(channel="C1", ts="1700000000.999999", text="x")
    assert info.value.response["error"] == "message_not_found"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing:UserWarning")
def test_post_message_validation_errors(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1")
    assert info.value.response["error"] == "no_text"
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="", text="x")
    assert info.value.response["error"] == "channel_not_found"


def test_unknown_thread_and_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        client.conversations_replies(channel="C1", ts="1.000000")
    assert info.value.response["error"] == "thread_not_found"
    with pytest.raises(SlackApiError) as info:
        client.api_call("users.info", params={"user": "U1"})
    assert info.value.response["error"] == "unknown_method"


def test_form_encoded_post_decodes_blocks(client: WebClient, fake: FakeSlackAPI) -> None:
    resp = client.api_call(
        "chat.postMessage", data={"channel": "C5", "blocks": '[{"type": "divider"}]', "text": "form"}
    )
    assert resp["ok"] is True
    assert fake.calls_to("chat.postMessage")[0].params["blocks"] == [{"type": "divider"}]
    assert fake.message("C5", resp["ts"])["blocks"] == [{"type": "divider"}]

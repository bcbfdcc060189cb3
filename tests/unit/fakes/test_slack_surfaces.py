"""The Slack fake's App Home, status, upload, membership and response-URL methods, through the real slack_sdk."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.webhook import WebhookClient

from app.fakes.slack_api import FakeSlackAPI

TOKEN = "xoxb-test-token"


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI(bot_token=TOKEN) as api:
        yield api


@pytest.fixture
def client(fake: FakeSlackAPI) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.url)


def test_files_upload_v2_shares_the_bytes_in_the_thread(client: WebClient, fake: FakeSlackAPI) -> None:
    parent = fake.add_message("C1", "an alert", bot_id="B0HOOK")
    content = "---\nid: draft-x\n---\n# ünïcode\n"

    response = client.files_upload_v2(
        channel="C1", thread_ts=parent, filename="draft-x.md", content=content, title="Draft", initial_comment="here"
    )

    file_id = response["file"]["id"]
    stored = fake.file(file_id)
    assert stored.content == content.encode("utf-8")
    assert (stored.filename, stored.title, stored.shared) == ("draft-x.md", "Draft", [("C1", parent)])
    reply = fake.thread("C1", parent)[-1]
    assert reply["text"] == "here" and reply["files"][0]["id"] == file_id and reply["bot_id"] == "B0BOT"
    assert [call.method for call in fake.calls] == ["files.getUploadURLExternal", "files.completeUploadExternal"]


def test_completing_an_upload_that_never_happened_fails(client: WebClient, fake: FakeSlackAPI) -> None:
    started = client.files_getUploadURLExternal(filename="a.md", length=3)
    with pytest.raises(SlackApiError) as raised:
        client.files_completeUploadExternal(files=[{"id": started["file_id"], "title": "a"}], channel_id="C1")
    assert raised.value.response["error"] == "file_not_found"


def test_an_upload_of_another_length_than_announced_is_refused(client: WebClient, fake: FakeSlackAPI) -> None:
    started = client.files_getUploadURLExternal(filename="a.md", length=5)
    assert httpx.post(started["upload_url"], content=b"abc").text == "OK - 3"
    with pytest.raises(SlackApiError) as raised:
        client.files_completeUploadExternal(files=[{"id": started["file_id"], "title": "a"}], channel_id="C1")
    assert raised.value.response["error"] == "file_size_mismatch"
    with pytest.raises(SlackRequestError):
        client.files_upload_v2(channel="C1", filename="a.md")  # neither file nor content


def test_views_publish_keeps_the_home_view_per_person(client: WebClient, fake: FakeSlackAPI) -> None:
    client.views_publish(user_id="U1", view={"type": "home", "blocks": [{"type": "divider"}]})
    view = fake.home_view("U1")
    assert view is not None and view["blocks"] == [{"type": "divider"}] and view["id"].startswith("V")
    assert fake.home_view("U2") is None
    for bad in ({"type": "modal", "blocks": []}, {"type": "home", "blocks": [{"type": "divider"}] * 101}):
        with pytest.raises(SlackApiError):
            client.views_publish(user_id="U1", view=bad)


def test_status_is_set_cleared_and_removed_by_the_bot_s_next_reply(client: WebClient, fake: FakeSlackAPI) -> None:
    parent = fake.add_message("C1", "an alert")
    client.assistant_threads_setStatus(channel_id="C1", thread_ts=parent, status="is reading logs")
    assert fake.status("C1", parent) == "is reading logs"
    client.chat_postMessage(channel="C1", thread_ts=parent, text="done")
    assert fake.status("C1", parent) == ""
    client.assistant_threads_setStatus(channel_id="C1", thread_ts=parent, status="again")
    client.assistant_threads_setStatus(channel_id="C1", thread_ts=parent, status="")
    assert fake.status("C1", parent) == ""
    with pytest.raises(SlackApiError) as raised:
        client.assistant_threads_setStatus(channel_id="C1", thread_ts="", status="x")
    assert raised.value.response["error"] == "invalid_thread_ts"


def test_users_conversations_lists_a_person_s_channels_page_by_page(client: WebClient, fake: FakeSlackAPI) -> None:
    for channel in ("C1", "C2", "G3"):
        fake.join(channel, "U1")
    first = client.users_conversations(user="U1", limit=2)
    second = client.users_conversations(user="U1", limit=2, cursor=first["response_metadata"]["next_cursor"])
    assert [c["id"] for c in first["channels"] + second["channels"]] == ["C1", "C2", "G3"]
    assert second["response_metadata"]["next_cursor"] == ""
    assert client.users_conversations(user="U9")["channels"] == []


def test_a_response_url_takes_json_and_answers_ok(fake: FakeSlackAPI) -> None:
    url = fake.response_url("cmd-1")
    answer = WebhookClient(url).send(text="hello", response_type="ephemeral")
    assert (answer.status_code, answer.body) == (200, "ok")
    assert fake.responses("cmd-1") == [{"text": "hello", "response_type": "ephemeral"}]
    unknown = WebhookClient(url.replace("cmd-1", "nope")).send(text="x")
    assert unknown.status_code == 404


def test_failing_keeps_failing_until_removed(client: WebClient, fake: FakeSlackAPI) -> None:
    fake.failing["auth.test"] = "invalid_auth"
    for _ in range(2):
        with pytest.raises(SlackApiError):
            client.auth_test()
    del fake.failing["auth.test"]
    assert client.auth_test()["ok"] is True

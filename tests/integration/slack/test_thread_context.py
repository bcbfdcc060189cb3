"""A question asked inside a thread reaches the model with the thread so far (conversations.replies)."""

from functools import partial
from pathlib import Path

from slack_sdk import WebClient

from app.agent.scripted import ScriptedModel
from app.fakes.slack_api import FakeSlackAPI
from app.models import Alert, Job, JobKind
from app.runbooks.source import FolderSource
from app.slack.poster import SlackPoster
from app.storage.triage import SQLiteTriageStore
from app.worker.deps import WorkerDeps
from app.worker.handler import default_tools
from app.worker.pipeline import investigate

REPO = Path(__file__).resolve().parents[3]
REPORT = (
    "turns:\n  - structured: {title: t, cause: c, findings: [], recommended_action: a,"
    " decision: monitor, confidence: low}\n"
)


def _deps(slack: FakeSlackAPI, tmp_path: Path, model: ScriptedModel) -> WorkerDeps:
    return WorkerDeps(
        source=FolderSource(REPO / "runbooks"),
        slack=SlackPoster(WebClient(token="xoxb-test-token", base_url=slack.url)),
        store=SQLiteTriageStore(tmp_path / "triage.db"),
        tools=partial(default_tools, result_max_chars=4000),
        model=lambda: model,
        model_spec="scripted",
    )


def _question(channel: str, ts: str, thread_ts: str, text: str, in_thread: bool) -> Job:
    return Job(
        kind=JobKind.QUESTION, event_id=f"Ev{ts}", channel=channel, ts=ts, thread_ts=thread_ts,
        user="U0ALICE", alert=Alert(text=text), in_thread=in_thread,
    )


def test_question_in_a_thread_sees_earlier_messages(fake: FakeSlackAPI, tmp_path: Path) -> None:
    parent = fake.add_message("C0HELP", "Job 123 failed overnight", user="U0BOB")
    fake.add_message("C0HELP", "the UI shows no logs at all", user="U0BOB", thread_ts=parent)
    asked = fake.add_message("C0HELP", "<@U0BOT> why?", user="U0ALICE", thread_ts=parent)
    model = ScriptedModel.from_file(_script(tmp_path))

    investigate(_question("C0HELP", asked, parent, "why?", in_thread=True), _deps(fake, tmp_path, model))

    first_request = model.received[0]
    assert "Job 123 failed overnight" in first_request
    assert "the UI shows no logs at all" in first_request
    assert "<@U0BOT> why?" not in first_request  # the question is given once, without the mention
    assert len(fake.calls_to("conversations.replies")) == 1


def test_top_level_question_does_not_read_a_thread(fake: FakeSlackAPI, tmp_path: Path) -> None:
    asked = fake.add_message("C0HELP", "<@U0BOT> why did job 5 fail?", user="U0ALICE")
    model = ScriptedModel.from_file(_script(tmp_path))

    investigate(_question("C0HELP", asked, asked, "why did job 5 fail?", False), _deps(fake, tmp_path, model))

    assert fake.calls_to("conversations.replies") == []
    assert "why did job 5 fail?" in model.received[0]


def test_unreadable_thread_still_gets_an_answer(fake: FakeSlackAPI, tmp_path: Path) -> None:
    parent = fake.add_message("C0HELP", "Job 9 failed", user="U0BOB")
    asked = fake.add_message("C0HELP", "<@U0BOT> why?", user="U0ALICE", thread_ts=parent)
    fake.fail_next["conversations.replies"] = "missing_scope"
    model = ScriptedModel.from_file(_script(tmp_path))

    record = investigate(_question("C0HELP", asked, parent, "why?", True), _deps(fake, tmp_path, model))

    assert record.status == "ok"
    assert record.mode == "model"
    assert "Job 9 failed" not in model.received[0]


def _script(tmp_path: Path) -> Path:
    path = tmp_path / "script.yaml"
    path.write_text(REPORT, encoding="utf-8")
    return path


def test_broken_runbook_files_are_named_in_the_reply(fake: FakeSlackAPI, tmp_path: Path) -> None:
    folder = tmp_path / "runbooks"
    folder.mkdir()
    (folder / "broken.md").write_text("---\nid: [unclosed\n---\nbody\n", encoding="utf-8")
    deps = _deps(fake, tmp_path, ScriptedModel.from_file(_script(tmp_path)))
    deps.source = FolderSource(folder)
    alert = fake.add_message("C0ALERTS", "CannotPullContainerError job 7", bot_id="B0HOOK")
    job = Job(kind=JobKind.ALERT, event_id="EvB", channel="C0ALERTS", ts=alert, thread_ts=alert,
              alert=Alert(text="CannotPullContainerError job 7"))

    record = investigate(job, deps)

    assert record.notes[0].startswith("1 runbook file(s) failed to load, first: broken.md:2: front matter is not valid")
    assert "The runbook catalog is empty" in record.notes[1]
    reply = fake.message("C0ALERTS", record.reply_ts)
    assert "broken.md" in str(reply["blocks"])

"""Secrets planted in an alert appear nowhere: not in Slack, the stored record, the model's input, the logs, or
``aiops triage --json``."""

from __future__ import annotations

import json
import logging
import stat
from collections.abc import AsyncIterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pipeline_support import ALERT_TIME, CHANNEL, make_deps

from app.agent.scripted import ScriptedModel
from app.cli import main
from app.fakes.slack_api import FakeSlackAPI
from app.models import Alert, Job, JobKind
from app.redacted import install_log_redaction
from app.storage.triage import SQLiteTriageStore
from app.worker.jobs import handle_job
from tests.fixtures.secrets.corpus import CORPUS

ALERT_TEXT = "\n".join(["CannotPullContainerError in job_id=16852935", *(text for _, text, _ in CORPUS)])
FINAL = {"structured": {"title": "Pull failed", "cause": "Image for another architecture.", "findings": [],
                        "recommended_action": "Rebuild the image.", "decision": "escalate", "confidence": "low"}}


class RecordingModel(ScriptedModel):
    """A scripted model that keeps what it was sent, and can fail with a message quoting the alert."""

    requests: list[str]
    failure: str = ""

    async def stream(self, messages: Any, *args: Any, **kwargs: Any) -> AsyncIterable[Any]:
        self.requests.append(json.dumps([messages, args, kwargs], default=str))
        if self.failure:
            raise RuntimeError(self.failure)
        async for event in super().stream(messages, *args, **kwargs):
            yield event


@pytest.fixture(autouse=True)
def redacted_logs() -> Iterator[None]:
    before = logging.getLogRecordFactory()
    install_log_redaction()
    yield
    logging.setLogRecordFactory(before)


def leaks(text: str) -> list[str]:
    return [name for name, _, secret in CORPUS if secret in text]


def alert_job(fake: FakeSlackAPI) -> Job:
    ts = fake.add_message(CHANNEL, ALERT_TEXT, bot_id="B0MONITOR")
    alert = Alert(title="Secrets everywhere", text=ALERT_TEXT, source="monitoring", time=ALERT_TIME,
                  labels={"dsn": "postgres://app:Url-Pw-5@db.internal:5432/jobs"})
    return Job(kind=JobKind.ALERT, event_id="EvLeak", channel=CHANNEL, ts=ts, thread_ts=ts, alert=alert)


def stored_bytes(folder: Path) -> str:
    return "".join(path.read_bytes().decode("utf-8", "replace") for path in sorted(folder.iterdir()))


def slack_bodies(fake: FakeSlackAPI) -> str:
    return json.dumps([call.params for call in fake.calls if call.method != "conversations.replies"], default=str)


@pytest.mark.parametrize("failure", ["", "upstream rejected the prompt: " + ALERT_TEXT])
def test_alert_secrets_reach_no_output(
    tmp_path: Path, fake: FakeSlackAPI, caplog: pytest.LogCaptureFixture, failure: str
) -> None:
    script = tmp_path / "script.yaml"
    script.write_text(yaml.safe_dump({"turns": [FINAL]}), encoding="utf-8")
    requests: list[str] = []

    def model() -> RecordingModel:
        built = RecordingModel.from_file(script)
        assert isinstance(built, RecordingModel)
        built.requests, built.failure = requests, failure
        return built

    store_dir = tmp_path / "state"
    deps = make_deps(fake, SQLiteTriageStore(store_dir / "triage.sqlite3"), model=model)
    job = alert_job(fake)

    with caplog.at_level(logging.DEBUG):
        outcome = handle_job(job, deps)

    assert outcome.record is not None
    assert outcome.record.mode == ("evidence-only" if failure else "model")
    assert requests
    assert leaks("".join(requests)) == []
    assert leaks(slack_bodies(fake)) == []
    assert leaks(stored_bytes(store_dir)) == []
    assert leaks(outcome.record.model_dump_json()) == []
    assert leaks(caplog.text) == []
    if failure:
        assert "model failed" in caplog.text


def test_state_files_are_private(tmp_path: Path) -> None:
    SQLiteTriageStore(tmp_path / "state" / "triage.sqlite3")

    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in (tmp_path / "state").iterdir()}

    assert modes
    assert all(mode == 0o600 for mode in modes.values()), modes


@pytest.mark.usefixtures("aiops_env")
def test_triage_json_shows_no_alert_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    alert = tmp_path / "alert.txt"
    alert.write_text(ALERT_TEXT, encoding="utf-8")
    script = tmp_path / "script.yaml"
    script.write_text(yaml.safe_dump({"turns": [FINAL]}), encoding="utf-8")

    code = main(["triage", f"@{alert}", "--json", "--model", f"scripted:{script}"])

    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert json.loads(captured.out)["mode"] == "model"
    assert leaks(captured.out) == []
    assert leaks(captured.err) == []


@pytest.mark.usefixtures("aiops_env")
def test_triage_text_output_shows_no_alert_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    alert = tmp_path / "alert.txt"
    alert.write_text(ALERT_TEXT, encoding="utf-8")

    code = main(["triage", f"@{alert}"])

    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert leaks(captured.out + captured.err) == []

"""The worker's runbook choice: the catalog is parsed once per revision, and close candidates go to the model."""

from __future__ import annotations

from pathlib import Path

from pipeline_support import all_text, make_deps, post_alert, reply_of

from app.agent.scripted import ScriptedModel
from app.fakes.slack_api import FakeSlackAPI
from app.runbooks.source import FolderSource
from app.storage.triage import SQLiteTriageStore
from app.worker.pipeline import investigate

RUNBOOK = "---\nid: {id}\ntitle: {title}\ntags: [{tags}]\n---\n## Procedure\nAct.\n"
RUNBOOKS = (("quota-full", "Namespace quota almost full", "quota, namespace"),
            ("quota-overcommit", "Namespace quota overcommitted", "quota, namespace"),
            *((f"other-{n}", f"{topic} problem", topic) for n, topic in enumerate(("Disk", "CPU", "DNS", "Network"))))


def catalog_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "runbooks"
    folder.mkdir()
    for runbook_id, title, tags in RUNBOOKS:
        (folder / f"{runbook_id}.md").write_text(RUNBOOK.format(id=runbook_id, title=title, tags=tags), "utf-8")
    return folder


def test_close_candidates_are_put_to_the_model_and_the_choice_is_shown(
    tmp_path: Path, fake: FakeSlackAPI, store: SQLiteTriageStore
) -> None:
    script = tmp_path / "choice.yaml"
    script.write_text("turns:\n  - structured: {runbook_id: quota-full}\n    structured_tool: RunbookChoice\n",
                      encoding="utf-8")
    models = iter([ScriptedModel.from_file(script), None])  # the choice, then no model for the report
    deps = make_deps(fake, store, source=FolderSource(catalog_folder(tmp_path)), model=lambda: next(models))
    job = post_alert(fake, "namespace quota almost overcommitted")

    record = investigate(job, deps)

    assert record.runbook_id == "quota-full"
    assert any("chosen by the model among close candidates" in note for note in record.notes)
    assert "chosen by the model among close candidates" in all_text(reply_of(fake, job))


def test_a_warm_worker_reuses_the_parsed_catalog(tmp_path: Path, fake: FakeSlackAPI, store: SQLiteTriageStore) -> None:
    deps = make_deps(fake, store, source=FolderSource(catalog_folder(tmp_path)), tiebreak=False)

    first = deps.catalog()
    investigate(post_alert(fake, "namespace quota almost full"), deps)

    assert deps.catalog() is first

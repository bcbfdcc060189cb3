"""Tokens per investigation for each model setting (AIOPS_MODEL_RUNS), over the scripted evaluation scenarios.

Each scripted scenario runs through the real worker against its world of fakes once per setting: ``always`` (the
scenario's script, a full agent loop), ``no-verdict`` (the script only when the runbook reached no verdict),
``explain`` (no verdict: the script; a verdict: one turn without tools, played by the script's final report) and
``never``. Reported: total tokens per investigation (median and max), the first prompt's size in estimated tokens
(median and max), how many scenarios reached a verdict, and how many ran a model. Run with ``make bench``.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from collections.abc import AsyncIterable
from pathlib import Path
from typing import Any

import yaml

from app.agent.scripted import ScriptedModel
from app.config import Settings
from app.evals.cli import _world
from app.evals.runner import run_scenario
from app.evals.scenario import Scenario, load_scenarios

ROOT = Path(__file__).resolve().parents[1] / "evals" / "scenarios"
SETTINGS = ("always", "no-verdict", "explain", "never")
_first_prompts: list[int] = []


def _recording_stream() -> Any:
    """ScriptedModel.stream, also noting the size of each investigation's first request."""
    original = ScriptedModel.stream

    async def stream(self: ScriptedModel, messages: Any, tool_specs: Any = None, system_prompt: Any = None,
                     **kwargs: Any) -> AsyncIterable[Any]:
        if not self.received:
            size = len(json.dumps(messages, default=str)) + len(system_prompt or "")
            size += len(json.dumps(tool_specs or [], default=str))
            _first_prompts.append((size + 3) // 4)
        async for event in original(self, messages, tool_specs, system_prompt, **kwargs):
            yield event

    return stream


def _final_report_script(scenario: Scenario, folder: Path) -> str:
    """A one-turn script: the scenario script's last structured report (what an explaining model returns)."""
    turns = yaml.safe_load(scenario.path(scenario.model_script).read_text(encoding="utf-8"))["turns"]
    final = [turn for turn in turns if turn.get("structured")][-1:]
    path = folder / f"{scenario.name}-explain.yaml"
    path.write_text(yaml.safe_dump({"turns": final or turns[-1:]}), encoding="utf-8")
    return f"scripted:{path}"


def _run(scenario: Scenario, setting: str, folder: Path) -> dict[str, Any]:
    settings = Settings().model_copy(update={"model_runs": setting})
    model = None
    if setting == "explain":
        probe = run_scenario(scenario, settings.model_copy(update={"model_runs": "never"}), _world, None).record
        if probe.verdict is not None and probe.verdict.reached:
            model = _final_report_script(scenario, folder)  # the explaining turn: the script's final report
    before = len(_first_prompts)
    record = run_scenario(scenario, settings, _world, model).record
    prompt = _first_prompts[-1] if len(_first_prompts) > before else 0
    return {"tokens": record.usage.total_tokens, "first_prompt": prompt, "model": record.mode == "model",
            "verdict": bool(record.verdict and record.verdict.reached)}


def main() -> None:
    ScriptedModel.stream = _recording_stream()  # type: ignore[method-assign]
    scenarios = [scenario for scenario in load_scenarios(ROOT) if scenario.model_script]
    rows = []
    with tempfile.TemporaryDirectory(prefix="aiops-bench-tokens-") as folder:
        for setting in SETTINGS:
            runs = [_run(scenario, setting, Path(folder)) for scenario in scenarios]
            tokens = [run["tokens"] for run in runs]
            prompts = [run["first_prompt"] for run in runs if run["model"]] or [0]
            rows.append({
                "setting": setting, "scenarios": len(runs), "verdicts": sum(run["verdict"] for run in runs),
                "model_runs": sum(run["model"] for run in runs),
                "tokens_median": statistics.median(tokens), "tokens_max": max(tokens),
                "first_prompt_median": statistics.median(prompts), "first_prompt_max": max(prompts),
                "verdict_tokens_median": statistics.median([run["tokens"] for run in runs if run["verdict"]] or [0]),
            })
    print(f"{'setting':<11} {'runs':>4} {'verdicts':>8} {'model':>5} {'tokens med':>10} {'tokens max':>10} "
          f"{'1st prompt med':>14} {'1st prompt max':>14} {'tokens med, verdict reached':>27}")
    for row in rows:
        print(f"{row['setting']:<11} {row['scenarios']:>4} {row['verdicts']:>8} {row['model_runs']:>5} "
              f"{row['tokens_median']:>10,.0f} {row['tokens_max']:>10,} {row['first_prompt_median']:>14,.0f} "
              f"{row['first_prompt_max']:>14,} {row['verdict_tokens_median']:>27,.0f}")
    print(json.dumps({"model_tokens": rows}))


if __name__ == "__main__":
    main()

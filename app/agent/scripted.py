"""A model that replays turns from a YAML file through the real agent loop (for tests, evals and the demo)."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncGenerator, AsyncIterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from strands.models import Model
from strands.types.content import Messages
from strands.types.streaming import StreamEvent
from strands.types.tools import ToolChoice, ToolSpec

from app.models import TriageReport

T = TypeVar("T", bound=BaseModel)


class ScriptError(Exception):
    """The script file is missing or malformed."""


class _ToolCall(BaseModel):
    name: str
    input: dict[str, Any] = {}


class _Turn(BaseModel):
    tool_calls: list[_ToolCall] = []
    text: str | None = None
    structured: dict[str, Any] | None = None
    structured_tool: str = TriageReport.__name__  # the output model's name, e.g. a judge's verdict


class _Script(BaseModel):
    turns: list[_Turn]
    repeat_last: bool = False


class ScriptedModel(Model):
    """Streams the scripted turns one model call at a time and reports its input size as usage."""

    def __init__(self, turns: list[_Turn], *, repeat_last: bool = False, name: str = "scripted") -> None:
        if not turns:
            raise ScriptError("a script needs at least one turn")
        self._turns = turns
        self._repeat_last = repeat_last
        self._index = 0
        self._lock = threading.Lock()
        self.config: dict[str, Any] = {"model_id": name}
        self.received: list[str] = []  # the text of every request, so a test can see what the model was shown

    @classmethod
    def from_file(cls, path: Path) -> ScriptedModel:
        """Load ``turns`` (and optionally ``repeat_last: true``) from a YAML file.

        Raises:
            ScriptError: The file cannot be read or does not follow the format.
        """
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            script = _Script.model_validate(raw)
        except (OSError, yaml.YAMLError, ValidationError) as exc:
            raise ScriptError(f"bad model script {path}: {exc}") from exc
        return cls(script.turns, repeat_last=script.repeat_last, name=f"scripted:{path.name}")

    def update_config(self, **model_config: Any) -> None:
        """Merge configuration (only ``model_id`` is meaningful)."""
        self.config.update(model_config)

    def get_config(self) -> dict[str, Any]:
        """The configuration."""
        return self.config

    async def structured_output(
        self, output_model: type[T], prompt: Messages, system_prompt: str | None = None, **kwargs: Any
    ) -> AsyncGenerator[dict[str, T | Any], None]:
        """Validate the next scripted ``structured`` turn against ``output_model``."""
        turn = self._next_turn()
        if turn is None or turn.structured is None:
            raise ScriptError("the script has no structured turn here")
        yield {"output": output_model.model_validate(turn.structured)}

    async def stream(
        self,
        messages: Messages,
        tool_specs: list[ToolSpec] | None = None,
        system_prompt: str | None = None,
        *,
        tool_choice: ToolChoice | None = None,
        **kwargs: Any,
    ) -> AsyncIterable[StreamEvent]:
        """Stream the next turn as Bedrock-style events."""
        request_text = json.dumps(messages, default=str, ensure_ascii=False)
        self.received.append(request_text)
        prompt_chars = len(request_text) + len(system_prompt or "")
        prompt_chars += len(json.dumps(tool_specs or [], default=str))
        turn = self._next_turn()
        if turn is None:
            turn = _Turn(text=self._last_text() if tool_choice else "The script has no more turns.")
        events, output_chars = _turn_events(turn, self._index)
        for event in events:
            yield event
        input_tokens = (prompt_chars + 3) // 4
        output_tokens = (output_chars + 3) // 4
        yield {
            "metadata": {
                "usage": {
                    "inputTokens": input_tokens,
                    "outputTokens": output_tokens,
                    "totalTokens": input_tokens + output_tokens,
                },
                "metrics": {"latencyMs": 0},
            }
        }

    def _next_turn(self) -> _Turn | None:
        with self._lock:
            if self._index < len(self._turns):
                turn = self._turns[self._index]
                self._index += 1
                return turn
            return self._turns[-1] if self._repeat_last else None

    def _last_text(self) -> str:
        texts = [turn.text for turn in self._turns if turn.text]
        return texts[-1] if texts else ""


def _turn_events(turn: _Turn, number: int) -> tuple[list[StreamEvent], int]:
    events: list[StreamEvent] = [{"messageStart": {"role": "assistant"}}]
    chars = 0
    if turn.text:
        events += [
            {"contentBlockStart": {"start": {}}},
            {"contentBlockDelta": {"delta": {"text": turn.text}}},
            {"contentBlockStop": {}},
        ]
        chars += len(turn.text)
    calls = list(turn.tool_calls)
    if turn.structured is not None:
        calls.append(_ToolCall(name=turn.structured_tool, input=turn.structured))
    for position, call in enumerate(calls):
        arguments = json.dumps(call.input)
        events += [
            {"contentBlockStart": {"start": {"toolUse": {"name": call.name, "toolUseId": f"t{number}-{position}"}}}},
            {"contentBlockDelta": {"delta": {"toolUse": {"input": arguments}}}},
            {"contentBlockStop": {}},
        ]
        chars += len(arguments)
    events.append({"messageStop": {"stopReason": "tool_use" if calls else "end_turn"}})
    return events, chars

"""Status, severity and identity of an alert, read the way real notifiers write them (pure).

Notifiers say "resolved" in many ways: a title prefix (``[RESOLVED]``, ``Recovered:``, ``Resolved in 12m 4s:``),
a bracketed state (``[✅ Up]``), a state field, a sentence in the body ("has been resolved"), or only a green
attachment colour, which Slack stores without its ``#``. A tool's own severity field beats words in the text;
words that describe a measurement ("critically low", "high CPU") are not severities. The identity of an alert
is its title without status, severity and counters, so that firing and resolved notifications share it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from app.slack.message import plain_text

_RESOLVED = frozenset({"resolved", "recovered", "ok", "closed", "up", "cleared", "normal", "resolve", "recovery"})
_STATE_WORDS = (
    r"(?:alert|issue|incident|problem)\s+(?:closed|resolved|acknowledged|opened|created|activated|reopened)|"
    r"new\s+(?:alert|issue|incident)|"
    r"re-?triggered|triggered|recovered|resolved(?:\s+in(?:\s+\d+\s*[dhms])+)?|firing|alarm|ok|warn|warning|"
    r"no data|insufficient_data|problem|closed|acknowledged|activated|opened|open|alert|incident|"
    r"critical|high|medium|low|info|error|down|up|cleared|p[1-5]|sev-?[1-5]"
)
_FIRING = frozenset({"firing", "triggered", "retriggered", "re-triggered", "alarm", "problem", "activated", "down",
                     "opened", "created", "reopened"})
# one status or severity token at the start of a title: "[FIRING:3]", "[✅ Up]", "Resolved in 12m 4s:", "Critical:"
_LEADING = re.compile(
    rf"^\s*(?:\[\s*(?P<bracket>(?:{_STATE_WORDS})(?::\s*\d+)?(?:,\s*\w+:\s*\d+)*)\s*\]"
    rf"|(?P<word>{_STATE_WORDS})\b\s*[:\-–|]|(?P<bare>{_STATE_WORDS})\s+(?=[#\[]))\s*",
    re.IGNORECASE,
)
_HEAD_LINES = 40  # body lines looked at for the alert's name
_GENERIC = ("alert", "alerts", "notification", "notifications", "monitor", "new", "message", "from", "via", "bot")
_BRACKET_STATE = re.compile(r"\[\W*(?P<state>up|down|pending|maintenance)\]", re.IGNORECASE)
_EMOJI = re.compile(r"[\u2190-\u2bff\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d]+")
_RESOLVED_EMOJI = ("✅", "🟢", "✔", ":white_check_mark:", ":large_green_circle:", ":heavy_check_mark:")
_RESOLVED_SENTENCE = re.compile(
    r"(?i)\b(?:has|have|had|was|were|is|are|been)\s+(?:now\s+|been\s+|automatically\s+)*"
    r"(?:recovered|resolved|closed|cleared)\b|\b(?:alert|issue|incident|problem)\s+(?:closed|resolved)\b"
    r"|\bback to (?:normal|ok)\b|\bstate changed to ok\b"
)
_STATE_KEYS = ("state", "new state", "status", "newstatevalue", "current state", "incident status")
_GREEN = frozenset({"good", "2eb886", "36a64f", "28a745", "2fa44f", "7cd197", "009900", "00ff00", "008000",
                    "3ba55c", "2ea44f", "4caf50", "00c853", "73bf69", "56a64b", "1aaa55"})

SEVERITY_KEYS = ("severity", "priority", "urgency", "level", "sev", "alert priority", "incident priority")
_SEVERITY_WORDS = {
    "critical": "critical", "crit": "critical", "fatal": "critical", "emergency": "critical", "p1": "critical",
    "sev1": "critical", "disaster": "critical", "high": "high", "error": "high", "major": "high", "p2": "high",
    "sev2": "high", "warning": "medium", "warn": "medium", "medium": "medium", "moderate": "medium",
    "average": "medium", "p3": "medium", "sev3": "medium", "low": "low", "minor": "low", "info": "low",
    "information": "low", "informational": "low", "p4": "low", "p5": "low", "sev4": "low", "sev5": "low",
}
_SEVERITY_LINE = re.compile(
    r"(?im)^[ \t]*[•\-*]?[ \t]*\**(?:severity|priority|urgency|level)\**[ \t]*[:=][ \t]*\**[ \t]*`?(\w[\w -]*)"
)
_SEVERITY_TOKEN = re.compile(r"(?i)\b(critical|warning|p[1-5]|sev-?[1-5])\b")
_SEVERITY_PLACED = re.compile(r"(?i)(?:^|[\[(\s])(critical|high|warning|medium|low|info)(?=[\]):]|\s*$)")
_MEASURE = re.compile(r"(?i)\bcritically\s+\w+|\b(?:high|low)\s+(?:cpu|memory|disk|load|latency|error|usage|space)\w*")


def is_resolved(title: str, text: str, labels: Mapping[str, str], colour: str, source: str = "") -> bool:
    """True when the notification says the alert has cleared, in whichever way the notifier says it."""
    line = headline(title, text, source)
    verdict = _title_state(line) if line != title else None
    verdict = _title_state(title) if verdict is None else verdict
    if verdict is not None:
        return verdict
    for key, value in labels.items():
        if key.lower() in _STATE_KEYS and value.strip().lower() in _RESOLVED:
            return True
    if _RESOLVED_SENTENCE.search(_without_quotes(text)):
        return True
    return colour.strip().lower().lstrip("#") in _GREEN


def severity(labels: Mapping[str, str], title: str, text: str) -> str:
    """``critical``, ``high``, ``medium``, ``low`` or empty: the tool's own field first, then the words."""
    for key, value in labels.items():
        if _is_severity_key(key):
            found = _severity_word(value)
            if found:
                return found
    for line in _SEVERITY_LINE.findall(text):
        found = _severity_word(line)
        if found:
            return found
    for where in (_clean(title), _clean(text)):
        token = _SEVERITY_TOKEN.search(where) or _SEVERITY_PLACED.search(where)
        if token:
            return _SEVERITY_WORDS[token.group(1).lower().replace("-", "")]
    return ""


def identity(title: str, text: str, source: str) -> str:
    """The alert's name: its headline without status, severity, counters and links, lower case."""
    return _name(headline(title, text, source), source)


def headline(title: str, text: str, source: str) -> str:
    """The line that names the alert.

    That is the title, or, when the title only names the notifier ("Uptime Kuma Alert"), the first line of the
    body that says something else.
    """
    lines = [line for line in text.splitlines() if line.strip()][:_HEAD_LINES]
    if not _is_generic(_name(title), source):
        if _BRACKET_STATE.search(title):
            return title
        stated = next((line for line in lines if _BRACKET_STATE.search(line)), "")
        return stated or title  # an uptime monitor's "[name] [🔴 Down] …" line names the alert, whatever the title
    for line in lines:
        if not _is_generic(_name(line), source):
            return line
    return title


def _name(title: str, source: str = "") -> str:
    line = _EMOJI.sub(" ", plain_text(title))
    line = re.sub(r"https?://\S+", " ", line)
    if source:  # "[Opsgenie] Alert closed: …": the notifier's own name in brackets is not part of the alert's
        line = re.sub(rf"^\s*\[{re.escape(source)}\]", " ", line, flags=re.IGNORECASE)
    while True:
        stripped = _LEADING.sub("", line, count=1).lstrip(" :-–|")
        if stripped == line:
            break
        line = stripped
    state = _BRACKET_STATE.search(line)
    if state:  # "[monitor] [🔴 Down] detail": the monitor is the alert, what follows is this check's detail
        line = line[: state.start()]
    line = re.sub(r"\[(?:firing|resolved)(?::\d+)?\]|\[p[1-5]\]", " ", line, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", line).strip(" .:-–|[]").lower()


def _is_generic(name: str, source: str) -> bool:
    rest = name
    for word in (*source.lower().split(), *_GENERIC):
        rest = re.sub(rf"\b{re.escape(word)}\b", " ", rest)
    return not rest.strip(" .:-–|[]()")


def _title_state(title: str) -> bool | None:
    """True/False when the title's leading tokens or a bracketed state say resolved/firing; None when silent."""
    raw = plain_text(title)
    if raw.startswith(_RESOLVED_EMOJI) or title.lstrip().startswith(_RESOLVED_EMOJI):
        return True
    state = _BRACKET_STATE.search(raw)
    if state:
        return state.group("state").lower() == "up"
    line = _EMOJI.sub(" ", raw).strip()
    while True:
        found = _LEADING.match(line)
        if not found or not found.group(0).strip():
            return None
        token = (found.group("bracket") or found.group("word") or found.group("bare") or "").strip().lower()
        verdict = _token_state(token)
        if verdict is not None:
            return verdict
        line = line[found.end():]


def _token_state(token: str) -> bool | None:
    """``[FIRING:2, RESOLVED:1]`` is still firing; in a phrase ("Problem resolved") the resolved word decides."""
    if re.match(r"firing\s*:", token):
        return False
    words = re.split(r"[\s:,]+", token)
    if any(word in _RESOLVED for word in words):
        return True
    return False if any(word in _FIRING for word in words) else None


def _is_severity_key(key: str) -> bool:
    name = key.strip().lower()
    return name in SEVERITY_KEYS or any(word in name.split() for word in ("severity", "priority", "urgency"))


def _severity_word(value: str) -> str:
    for word in re.split(r"[\s,/()\-:]+", value.strip().lower().replace("sev-", "sev")):
        if word in _SEVERITY_WORDS:
            return _SEVERITY_WORDS[word]
    return ""


def _clean(text: str) -> str:
    """Text for the severity word search: no emoji codes, no measurement phrases, no log-level brackets."""
    text = re.sub(r":[a-z][a-z0-9_+-]*:", " ", text)
    text = _MEASURE.sub(" ", text)
    return re.sub(r"\[(?:error|info|warn|debug)\]", " ", text, flags=re.IGNORECASE)


def _without_quotes(text: str) -> str:
    """The body without quoted lines and code, where a log or a runbook may say "resolved" about something else."""
    text = re.sub(r"```.*?```|`[^`]*`", " ", text, flags=re.DOTALL)
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))

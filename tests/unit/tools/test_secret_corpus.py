"""Every format in the secret corpus is masked; ids, digests and ordinary words are kept (tools.redact)."""

from __future__ import annotations

import json

import pytest

from tests.fixtures.secrets.corpus import CORPUS, ORDINARY
from tools.redact import MASK, redact, redact_data


@pytest.mark.parametrize(("name", "text", "secret"), CORPUS, ids=[entry[0] for entry in CORPUS])
def test_every_corpus_secret_is_masked(name: str, text: str, secret: str) -> None:
    cleaned = redact(text)

    assert secret not in cleaned, name
    assert MASK in cleaned


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact(text) == text


def test_masking_keeps_the_label_and_the_json_shape() -> None:
    nested = json.dumps({"body": json.dumps({"Credentials": {"SessionToken": "abc123token", "Expiration": "soon"}})})

    cleaned = redact(nested)

    inner = json.loads(json.loads(cleaned)["body"])
    assert inner == {"Credentials": {"SessionToken": MASK, "Expiration": "soon"}}
    assert redact("DB_PASS=correcthorse99 DB_USER=app") == f"DB_PASS={MASK} DB_USER=app"
    assert redact("<Password>pw</Password>") == f"<Password>{MASK}</Password>"


def test_redaction_is_stable_when_applied_twice() -> None:
    once = [redact(text) for _, text, _ in CORPUS]

    assert [redact(text) for text in once] == once


def test_redact_data_reaches_nested_strings() -> None:
    data = {"args": {"env": [{"name": "DB_PASSWORD", "value": "password=hunter2"}]}, "n": 3}

    assert redact_data(data) == {"args": {"env": [{"name": "DB_PASSWORD", "value": f"password={MASK}"}]}, "n": 3}

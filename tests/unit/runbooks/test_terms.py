"""Index terms: identifiers split and marked, Japanese bigrams, synonym groups; ranking on such terms."""

from __future__ import annotations

from app.models import Alert
from app.runbooks.catalog import Catalog
from app.runbooks.index import LexicalIndex
from app.runbooks.model import Runbook
from app.runbooks.terms import Analyzer, words


def rb(runbook_id: str, title: str, tags: tuple[str, ...] = (), body: str = "", path: str = "") -> Runbook:
    return Runbook(id=runbook_id, title=title, tags=tags, body=body, path=path)


def test_alert_names_split_into_words_and_keep_the_whole_name() -> None:
    assert words("KubePodCrashLooping") == ["kubepodcrashloop", "kube", "pod", "crash", "loop"]


def test_pieces_of_host_pod_and_device_names_are_marked_as_identifiers() -> None:
    terms = {term.text: term.identifier for term in Analyzer().terms("disk full on ip-10-0-1-2.ec2 pod web-7d9f sda1")}

    assert terms["disk"] is False and terms["full"] is False
    assert terms["ip"] is True and terms["ec2"] is True and terms["web"] is True and terms["sda1"] is True


def test_japanese_text_gives_katakana_words_and_bigrams_without_particles() -> None:
    assert words("データベースの接続数が上限に達しました") == [
        "データベース", "デー", "ータ", "タベ", "ベー", "ース", "接続", "続数", "上限", "達"]


def test_a_japanese_only_catalog_matches_a_japanese_alert() -> None:
    catalog = Catalog((
        rb("db-001", "データベースの接続数が上限に達した", body="接続プールを確認し、不要な接続を切断する。"),
        rb("disk-001", "ディスク容量の不足", body="ログを削除してディスクの空き容量を確保する。"),
        rb("cert-001", "証明書の有効期限切れ", body="証明書を更新する。"),
    ))

    found = catalog.match(Alert(text="本番データベースの接続数が上限に近づいています"))

    assert found is not None and found.runbook.id == "db-001"
    disk = catalog.match(Alert(text="ディスク容量が不足しています"))
    assert disk is not None and disk.runbook.id == "disk-001"
    assert catalog.match(Alert(text="ランチの注文は正午まで")) is None


def test_an_index_of_runbooks_without_ascii_words_ranks_ascii_queries_without_failing() -> None:
    index = LexicalIndex([rb("a", "証明書"), rb("b", "ディスク")])

    assert index.rank("disk full") == []


def test_synonym_groups_add_one_term_for_each_phrase() -> None:
    analyzer = Analyzer([["OOM", "out of memory", "exit code 137"], ["5xx", "502", "bad gateway"]])

    groups = [term.text for term in analyzer.terms("ran out of memory (exit code 137); 502 Bad Gateway") if
              term.text.startswith("~")]

    assert groups == ["~oom", "~oom", "~5xx", "~5xx"]
    assert [term.text for term in analyzer.terms("memory usage") if term.text.startswith("~")] == []


def test_a_synonym_matches_a_runbook_worded_differently() -> None:
    runbooks = (rb("mem-1", "Container ran out of memory", ("memory",)), rb("api-1", "API errors", ("http",)),
                rb("q-1", "Queue backlog", ("queue",)))
    plain = Catalog(runbooks)
    with_table = Catalog(runbooks, synonyms=(("OOM", "out of memory", "OOMKilled"),))

    assert [m.runbook.id for m in with_table.rank(Alert(text="pod OOMKilled again"))][:1] == ["mem-1"]
    assert plain.rank(Alert(text="pod OOMKilled again")) == []


def test_a_word_only_in_a_code_block_weighs_less_than_in_prose() -> None:
    index = LexicalIndex([
        rb("prose", "Broker down", body="## Diagnosis\nThe partition leader moved away."),
        rb("code", "Broker slow", body="## Diagnosis\n```\n$ kafka-topics --describe\nleader: 3 partition: 7\n```"),
        rb("other", "Unrelated", body="nothing"),
    ])

    ranked = index.rank("partition leader")

    assert [item.runbook.id for item in ranked] == ["prose", "code"]
    assert ranked[0].score > 2 * ranked[1].score
    assert ranked[1].terms[0][1] == ("code",)


def test_identifier_pieces_no_runbook_knows_do_not_lower_the_coverage() -> None:
    index = LexicalIndex([rb("a", "Disk full"), rb("b", "Memory"), rb("c", "Network")])

    assert index.rank("disk full on ip-10-0-7-12.ec2.internal")[0].coverage == 1.0
    assert index.rank("disk full on zookeeper")[0].coverage < 0.8  # a plain word counts


def test_the_alert_naming_a_runbook_selects_it() -> None:
    catalog = Catalog((
        rb("kube-quota-almost-full", "Namespace quota almost full", ("quota",)),
        rb("kube-cpu-overcommit", "CPU requests overcommitted", ("cpu", "quota"), body="# KubeCPUOvercommit"),
        rb("other", "Something else"),
    ))

    found = catalog.match(Alert(text="[FIRING:1] KubeCPUOvercommit (prod)"))

    assert found is not None and found.runbook.id == "kube-cpu-overcommit"
    assert found.reason.startswith("the alert names this runbook")


def test_a_match_only_in_the_body_is_not_claimed() -> None:
    catalog = Catalog(
        (rb("net-1", "Network interface errors", ("network",), body="Packets dropped, rate of drops rising. " * 3),
         rb("x-1", "Disk", body="x"), rb("y-1", "CPU", body="y")),
        min_score=0.0, min_coverage=0.0,
    )

    ranked = catalog.rank(Alert(text="campaign click rate dropped"))

    assert ranked and ranked[0].runbook.id == "net-1" and ranked[0].claimed is False


def test_unrendered_template_placeholders_do_not_lower_the_coverage() -> None:
    index = LexicalIndex([rb("q", "Namespace quota almost full"), rb("d", "Disk"), rb("c", "CPU")])

    templated = index.rank("Namespace {{ $labels.namespace }} quota {{ $value | humanizePercentage }} almost full")
    plain = index.rank("Namespace quota almost full")

    assert templated[0].coverage == plain[0].coverage == 1.0

"""The command line: each command end to end, its exit status, and its documentation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from monitor.cli import build_parser, main
from sites import INVESTMENT_EN, PRODUCT_EN, article_html, serve_site

ROOT = Path(__file__).resolve().parent.parent


def write_config(tmp_path, web, sources: str) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(
        '[settings]\nallow_private_addresses = true\nhost_delay = "0s"\nbackoff = "0s"\nretries = 0\n' + sources,
        encoding="utf-8",
    )
    return path


def source_block(name, url, backfill=5):
    return f'\n[[sources]]\nname = "{name}"\nurl = "{url}"\nbackfill = {backfill}\nlang = "en"\n'


def test_a_config_error_is_one_line_naming_file_line_source_and_key(tmp_path, capsys):
    path = tmp_path / "feeds.toml"
    path.write_text('[[sources]]\nname = "Wire"\nurl = "https://wire.example/feed"\ninterval = "10 minutes"\n')
    assert main(["--config", str(path), "crawl", "--once"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("monitor: error: ") and "\n" not in err and "Traceback" not in err
    assert f"{path}:4" in err and '"Wire"' in err and '"interval"' in err


def test_a_missing_config_file_says_how_to_give_one(tmp_path, capsys):
    assert main(["--config", str(tmp_path / "nope.toml"), "crawl", "--once"]) == 1
    assert "MONITOR_CONFIG" in capsys.readouterr().err


def test_crawl_once_prints_a_summary_and_succeeds_when_one_source_works(tmp_path, web, capsys):
    serve_site(web, [INVESTMENT_EN, PRODUCT_EN])
    config = write_config(tmp_path, web, source_block("Wire", web.url("/feed.xml")) + source_block("Gone", web.url("/gone.xml")))
    db = tmp_path / "data" / "monitor.db"
    assert main(["--config", str(config), "--db", str(db), "crawl", "--once"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^Wire\s+3\s+2\s+0\s+0\s+\S+s\s+ok", out, re.M), out
    assert re.search(r"^Gone .*FAILED: HTTP 404", out, re.M)
    assert "New investment story" in out and INVESTMENT_EN.title in out
    alerts = [json.loads(line) for line in (db.parent / "alerts.jsonl").read_text().splitlines()]
    assert [a["title"] for a in alerts] == [INVESTMENT_EN.title]


def test_crawl_once_fails_when_every_source_fails(tmp_path, web, capsys):
    config = write_config(tmp_path, web, source_block("Gone", web.url("/gone.xml")))
    assert main(["--config", str(config), "--db", str(tmp_path / "m.db"), "crawl", "--once"]) == 1


def test_crawl_without_once_is_refused_with_a_hint(tmp_path, web, capsys):
    config = write_config(tmp_path, web, source_block("Wire", web.url("/feed.xml")))
    assert main(["--config", str(config), "crawl"]) == 1
    assert "--once" in capsys.readouterr().err


def test_extract_a_file_as_json(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text(article_html(INVESTMENT_EN), encoding="utf-8")
    assert main(["extract", str(page), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["title"] == INVESTMENT_EN.title
    assert record["lang"] == "en" and record["published"].startswith("2024-05-14")
    assert "battery cell plant" in record["text"] and "Related coverage" not in record["text"]


def test_extract_a_url_from_the_web(tmp_path, web, capsys):
    serve_site(web, [INVESTMENT_EN])
    config = write_config(tmp_path, web, "")
    assert main(["--config", str(config), "extract", web.url(INVESTMENT_EN.path)]) == 0
    assert f"title:     {INVESTMENT_EN.title}" in capsys.readouterr().out


def test_extract_a_missing_file_is_a_clear_error(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "none.html")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_feeds_check_probes_each_source(tmp_path, web, capsys):
    serve_site(web, [INVESTMENT_EN, PRODUCT_EN])
    config = write_config(tmp_path, web, source_block("Wire", web.url("/feed.xml")) + source_block("Gone", web.url("/gone.xml")))
    assert main(["--config", str(config), "feeds", "check"]) == 1
    out = capsys.readouterr().out
    assert "ok   Wire: HTTP 200, 2 items" in out and f"- {INVESTMENT_EN.title}" in out
    assert "FAIL Gone" in out and "1 of 2 sources answered" in out


def test_feeds_export_then_import_moves_sources_between_files(tmp_path, web, capsys):
    config = write_config(tmp_path, web, source_block("Wire", "https://wire.example/feed.xml"))
    assert main(["--config", str(config), "feeds", "export"]) == 0
    opml = capsys.readouterr().out
    assert 'xmlUrl="https://wire.example/feed.xml"' in opml
    (tmp_path / "sources.opml").write_text(opml)
    other = tmp_path / "other.toml"
    other.write_text("[settings]\n")
    assert main(["--config", str(other), "feeds", "import", str(tmp_path / "sources.opml")]) == 0
    assert "added 1 sources" in capsys.readouterr().out
    assert 'url = "https://wire.example/feed.xml"' in other.read_text()
    assert main(["--config", str(other), "feeds", "import", str(tmp_path / "sources.opml")]) == 0
    assert "added 0 sources" in capsys.readouterr().out


def test_replay_writes_one_line_per_good_input_and_names_bad_lines(tmp_path, capsys):
    lines = [
        {"id": "a", "html": article_html(INVESTMENT_EN), "url": "https://wire.example/a"},
        {"id": "b", "title": "Kettle", "text": "A kettle that boils water before the alarm rings.", "lang": "en"},
        "{not json",
        {"id": "c", "html": article_html(INVESTMENT_EN), "url": "https://copy.example/c"},
        {"title": "no id"},
        {"id": "d", "html": article_html(INVESTMENT_EN), "url": "https://wire.example/a?utm_source=x"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["replay", str(source), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{source}:line 3: not JSON" in err and f"{source}:line 5: missing \"id\"" in err
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["a", "b", "c", "d"]
    a, b, c, d = records
    assert set(a) == {"id", "title", "lang", "story_id", "duplicate_of", "is_investment", "announcements"}
    assert a["is_investment"] and a["announcements"][0]["amount"] == 2000000000
    assert a["announcements"][0]["currency"] == "EUR"
    assert not b["is_investment"] and b["announcements"] == [] and b["lang"] == "en"
    assert (c["duplicate_of"], c["story_id"]) == ("a", a["story_id"])  # same text, another URL
    assert (d["duplicate_of"], d["story_id"]) == ("a", a["story_id"])  # same canonical URL
    assert b["story_id"] != a["story_id"]


def test_replay_with_db_keeps_results_in_that_file(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": 1, "title": "t", "text": "some text"}) + "\n")
    db = tmp_path / "replay.db"
    assert main(["replay", str(source), "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "1"
    assert db.exists()


def test_demo_runs_the_pipeline_offline_and_prints_the_alerts(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "New investment story" in out
    assert "Microsoft" in out
    assert "none sent twice" in out


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for name, sub in subparsers.choices.items():
        if name == "feeds":
            nested = next(a for a in sub._actions if a.dest == "feeds_command")
            for action in nested.choices:
                assert f"monitor feeds {action}" in readme
        else:
            assert f"`monitor {name}" in readme, name


def test_replaying_the_same_ids_into_the_same_db_names_each_line_instead_of_crashing(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "x", "title": "t", "text": "some text"}) + "\n")
    db = tmp_path / "replay.db"
    assert main(["replay", str(source), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["replay", str(source), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert 'line 1: id "x" is already in the database' in err and "Traceback" not in err

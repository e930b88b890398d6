"""feeds.toml: valid files load with their defaults, and every mistake is one ConfigError that says where."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from textwrap import dedent

import pytest

from monitor.config import (
    DEFAULT_CONFIG_PATH,
    DEFAULT_DB_PATH,
    SETTINGS,
    SOURCE_KEYS,
    Config,
    config_path,
    db_path,
    format_duration,
    format_settings_help,
    load_config,
    parse_config,
    parse_duration,
)
from monitor.errors import ConfigError
from monitor.types import Settings, Source

REPO_ROOT = Path(__file__).resolve().parents[1]

FULL = dedent(
    """\
    # A full feeds.toml: every key written once.
    [settings]
    user_agent = "monitor-test/1.0 (+https://example.org/about)"
    interval = "20m"
    allow_private_addresses = true
    host_delay = "500ms"
    per_host_concurrency = 4
    connect_timeout = "5s"
    read_timeout = 45
    max_bytes = 1000000
    max_redirects = 3
    retries = 0
    backoff = 0
    max_retry_after = "1m30s"
    respect_robots = false
    max_articles_per_poll = 10
    http_host = "0.0.0.0"
    http_port = 0

    [[sources]]
    name = "Exemple FR"
    url = "https://exemple.fr/feed/"
    kind = "feed"
    lang = "fr"
    interval = "10m"
    backfill = 5
    content_selector = "article .entry-content"
    drop_selectors = [".related", "aside.promo"]

    [[sources]]
    name = "Example listing"
    url = "http://news.example.com/latest"
    kind = "listing"
    lang = "EN"
    link_selector = "h2 a"
    enabled = false
    """
)


def parse(text: str, env: dict[str, str] | None = None) -> Config:
    return parse_config(text, env=env or {})


# --- Valid files -------------------------------------------------------------------


def test_a_full_config_sets_every_setting_and_source_key():
    config = parse(FULL)
    assert config.settings == Settings(
        user_agent="monitor-test/1.0 (+https://example.org/about)",
        interval=1200.0,
        allow_private_addresses=True,
        host_delay=0.5,
        per_host_concurrency=4,
        connect_timeout=5.0,
        read_timeout=45.0,
        max_bytes=1_000_000,
        max_redirects=3,
        retries=0,
        backoff=0.0,
        max_retry_after=90.0,
        respect_robots=False,
        max_articles_per_poll=10,
        http_host="0.0.0.0",
        http_port=0,
    )
    assert config.sources == (
        Source(
            name="Exemple FR",
            url="https://exemple.fr/feed/",
            kind="feed",
            lang="fr",
            interval=600.0,
            backfill=5,
            content_selector="article .entry-content",
            drop_selectors=(".related", "aside.promo"),
        ),
        Source(
            name="Example listing",
            url="http://news.example.com/latest",
            kind="listing",
            lang="en",
            interval=1200.0,
            link_selector="h2 a",
            enabled=False,
        ),
    )


def test_missing_keys_take_their_defaults():
    config = parse('[[sources]]\nname = "A"\nurl = "https://a.example/rss"\n')
    assert config.settings == Settings()
    assert config.sources == (Source(name="A", url="https://a.example/rss"),)


def test_a_source_without_interval_takes_the_settings_interval():
    config = parse('[settings]\ninterval = "1h"\n[[sources]]\nname = "A"\nurl = "https://a.example/"\n')
    assert config.sources[0].interval == 3600.0


def test_an_empty_file_is_a_config_without_sources():
    config = parse("")
    assert config.sources == ()
    assert config.enabled_sources() == ()


def test_enabled_sources_leaves_out_disabled_ones():
    assert [source.name for source in parse(FULL).enabled_sources()] == ["Exemple FR"]


def test_source_finds_a_source_by_name_ignoring_case_as_a_fallback():
    config = parse(FULL)
    assert config.source("Exemple FR").url == "https://exemple.fr/feed/"
    assert config.source("exemple fr").url == "https://exemple.fr/feed/"


def test_an_unknown_source_name_is_a_config_error_with_a_suggestion():
    with pytest.raises(ConfigError, match=r'no source named "Exemple F"; did you mean "Exemple FR"\?'):
        parse(FULL).source("Exemple F")


def test_config_is_frozen():
    config = parse(FULL)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.settings = Settings()  # type: ignore[misc]


def test_load_config_reads_a_file_and_remembers_its_path(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_text(FULL, encoding="utf-8")
    config = load_config(path, env={})
    assert config.path == path
    assert len(config.sources) == 2


def test_load_config_accepts_a_byte_order_mark(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_bytes(b"\xef\xbb\xbf" + FULL.encode())
    assert len(load_config(path, env={}).sources) == 2


def test_a_missing_file_is_a_config_error_naming_it(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match="nope.toml: no such file"):
        load_config(path, env={})


def test_a_file_that_is_not_utf8_is_a_config_error_naming_the_line(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_bytes(b'[[sources]]\nname = "Caf\xe9"\n')
    with pytest.raises(ConfigError, match=r"feeds.toml:2: not UTF-8"):
        load_config(path, env={})


def test_errors_from_a_file_name_the_path_as_given(tmp_path):
    path = tmp_path / "custom.toml"
    path.write_text('[[sources]]\nname = "A"\nurl = "gopher://a.example/"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert str(caught.value).startswith(f"{path}:3: ")


# --- Every mistake: one ConfigError naming file, line, source and key ----------------

ONE_SOURCE = '[[sources]]\nname = "A"\nurl = "https://a.example/feed"\n'

ERRORS = [
    pytest.param(
        '[settings]\ninterval = \n',
        ["feeds.toml:2:", "invalid TOML", "column"],
        id="bad TOML",
    ),
    pytest.param(
        'x = "unterminated\n',
        ["feeds.toml:1:", "invalid TOML"],
        id="bad TOML at the end of the document",
    ),
    pytest.param(
        '[[source]]\nname = "A"\n',
        ["feeds.toml:1:", '"source"', "did you mean 'sources'?"],
        id="unknown top-level table",
    ),
    pytest.param(
        'title = "my feeds"\n' + ONE_SOURCE,
        ["feeds.toml:1:", '"title"'],
        id="unknown top-level key",
    ),
    pytest.param(
        '[sources]\nname = "A"\n',
        ["feeds.toml:1:", '"sources"', "[[sources]]"],
        id="sources written as a single table",
    ),
    pytest.param(
        '[settings]\nuser_agent = "x"\nintervall = "10m"\n',
        ["feeds.toml:3:", "[settings]", 'key "intervall"', "unknown key", "did you mean 'interval'?"],
        id="unknown settings key",
    ),
    pytest.param(
        '[settings]\nretries = "3"\n',
        ["feeds.toml:2:", "[settings]", 'key "retries"', "expected an integer", "a string"],
        id="settings wrong type",
    ),
    pytest.param(
        '[settings]\nrespect_robots = "yes"\n',
        ["feeds.toml:2:", 'key "respect_robots"', "expected true or false"],
        id="settings bool given as a string",
    ),
    pytest.param(
        '[settings]\nmax_bytes = true\n',
        ["feeds.toml:2:", 'key "max_bytes"', "expected an integer", "a boolean"],
        id="settings int given as a boolean",
    ),
    pytest.param(
        '[settings]\n\nconnect_timeout = "fast"\n',
        ["feeds.toml:3:", 'key "connect_timeout"', '"fast" is not a duration', "write 10m, 90s, 1h"],
        id="settings bad duration",
    ),
    pytest.param(
        '[settings]\ninterval = "500ms"\n',
        ["feeds.toml:2:", 'key "interval"', "too short", "at least 1s"],
        id="settings interval too short",
    ),
    pytest.param(
        '[settings]\nread_timeout = [1]\n',
        ["feeds.toml:2:", 'key "read_timeout"', "expected a duration", "a list"],
        id="settings duration given as a list",
    ),
    pytest.param(
        '[settings]\nhttp_port = 70000\n',
        ["feeds.toml:2:", 'key "http_port"', "too large", "65535"],
        id="settings port out of range",
    ),
    pytest.param(
        '[settings]\nper_host_concurrency = 0\n',
        ["feeds.toml:2:", 'key "per_host_concurrency"', "too small", "at least 1"],
        id="settings concurrency zero",
    ),
    pytest.param(
        '[settings]\nuser_agent = "  "\n',
        ["feeds.toml:2:", 'key "user_agent"', "must not be empty"],
        id="settings empty user agent",
    ),
    pytest.param(
        'settings = "fast"\n',
        ["feeds.toml:1:", '"settings" must be a [settings] table'],
        id="settings not a table",
    ),
    pytest.param(
        ONE_SOURCE + 'intervall = "10m"\n',
        ["feeds.toml:4:", 'source "A"', 'key "intervall"', "unknown key", "did you mean 'interval'?"],
        id="unknown source key",
    ),
    pytest.param(
        ONE_SOURCE + 'backfill = "3"\n',
        ["feeds.toml:4:", 'source "A"', 'key "backfill"', "expected an integer", "a string"],
        id="source wrong type",
    ),
    pytest.param(
        '[[sources]]\nname = "A"\nurl = "ftp://a.example/feed"\n',
        ["feeds.toml:3:", 'source "A"', 'key "url"', '"ftp://a.example/feed"', "http(s) URL"],
        id="url with another scheme",
    ),
    pytest.param(
        '[[sources]]\nname = "A"\nurl = "https://"\n',
        ["feeds.toml:3:", 'source "A"', 'key "url"', "with a host"],
        id="url without a host",
    ),
    pytest.param(
        '[[sources]]\nname = "A"\nurl = "a.example/feed"\n',
        ["feeds.toml:3:", 'source "A"', 'key "url"', "http(s) URL"],
        id="url without a scheme",
    ),
    pytest.param(
        '[[sources]]\nname = "A"\nurl = "https://a.example:99999/"\n',
        ["feeds.toml:3:", 'source "A"', 'key "url"'],
        id="url with a bad port",
    ),
    pytest.param(
        '[[sources]]\nname = "A"\nurl = "https://a.example/my feed"\n',
        ["feeds.toml:3:", 'source "A"', 'key "url"', "space"],
        id="url with a space",
    ),
    pytest.param(
        ONE_SOURCE + '\n[[sources]]\nname = "B"\nurl = "https://b.example/"\n'
        '\n[[sources]]\nurl = "https://c.example/"\nname = "a"\n',
        ["feeds.toml:11:", 'source "a"', 'key "name"', "duplicate name", "source #1 (line 1)"],
        id="duplicate name, ignoring case",
    ),
    pytest.param(
        ONE_SOURCE + 'interval = "10 minutes"\n',
        ["feeds.toml:4:", 'source "A"', 'key "interval"', '"10 minutes" is not a duration (write 10m, 90s, 1h)'],
        id="bad interval",
    ),
    pytest.param(
        ONE_SOURCE + 'interval = "0s"\n',
        ["feeds.toml:4:", 'source "A"', 'key "interval"', "too short"],
        id="interval zero",
    ),
    pytest.param(
        ONE_SOURCE + 'interval = -5\n',
        ["feeds.toml:4:", 'source "A"', 'key "interval"', "not a duration"],
        id="negative interval",
    ),
    pytest.param(
        ONE_SOURCE + '\n[[sources]]\nname = "B"\n',
        ["feeds.toml:5:", 'source "B"', 'key "url"', "missing"],
        id="missing url",
    ),
    pytest.param(
        ONE_SOURCE + '\n[[sources]]\nname = "B"\nurl = "https://b.example/"\n'
        '\n[[sources]]\nurl = "https://c.example/"\n',
        ["feeds.toml:9:", "source #3", 'key "name"', "missing"],
        id="missing name names the position",
    ),
    pytest.param(
        '[[sources]]\nname = 3\nurl = "https://a.example/"\n',
        ["feeds.toml:2:", "source #1", 'key "name"', "expected a string", "an integer"],
        id="name not a string",
    ),
    pytest.param(
        ONE_SOURCE + 'kind = "rss"\n',
        ["feeds.toml:4:", 'source "A"', 'key "kind"', '"rss" is not a kind', '"feed" or "listing"'],
        id="bad kind",
    ),
    pytest.param(
        ONE_SOURCE + 'backfill = -1\n',
        ["feeds.toml:4:", 'source "A"', 'key "backfill"', "negative"],
        id="negative backfill",
    ),
    pytest.param(
        ONE_SOURCE + 'kind = "listing"\nlink_selector = "a["\n',
        ["feeds.toml:5:", 'source "A"', 'key "link_selector"', '"a[" is not a valid CSS selector'],
        id="bad link selector",
    ),
    pytest.param(
        ONE_SOURCE + 'content_selector = "div >> p"\n',
        ["feeds.toml:4:", 'source "A"', 'key "content_selector"', "not a valid CSS selector"],
        id="bad content selector",
    ),
    pytest.param(
        ONE_SOURCE + 'drop_selectors = [\n  ".ok",\n  "::nope",\n]\n',
        ["feeds.toml:4:", 'source "A"', 'key "drop_selectors"', '"::nope" is not a valid CSS selector'],
        id="bad drop selector",
    ),
    pytest.param(
        ONE_SOURCE + 'drop_selectors = ".promo"\n',
        ["feeds.toml:4:", 'source "A"', 'key "drop_selectors"', 'expected a list', '[".promo"]'],
        id="drop selectors given as one string",
    ),
    pytest.param(
        ONE_SOURCE + 'kind = "listing"\n',
        ["feeds.toml:1:", 'source "A"', 'key "link_selector"', 'required for kind = "listing"'],
        id="listing without link selector",
    ),
    pytest.param(
        ONE_SOURCE + 'link_selector = "h2 a"\n',
        ["feeds.toml:4:", 'source "A"', 'key "link_selector"', "link_selector only applies to listing sources"],
        id="feed with link selector",
    ),
    pytest.param(
        ONE_SOURCE + 'lang = "french"\n',
        ["feeds.toml:4:", 'source "A"', 'key "lang"', '"french" is not a 2-letter language code'],
        id="bad lang",
    ),
    pytest.param(
        ONE_SOURCE + 'lang = "fr-FR"\n',
        ["feeds.toml:4:", 'source "A"', 'key "lang"', "2-letter"],
        id="lang with a region",
    ),
    pytest.param(
        ONE_SOURCE + 'enabled = "yes"\n',
        ["feeds.toml:4:", 'source "A"', 'key "enabled"', "expected true or false"],
        id="enabled not a boolean",
    ),
    pytest.param(
        'sources = [{ name = "A", url = "https://a.example/", kind = "podcast" }]\n',
        ["feeds.toml:1:", 'source "A"', 'key "kind"'],
        id="inline sources fall back to the sources line",
    ),
]


@pytest.mark.parametrize(("text", "fragments"), ERRORS)
def test_a_mistake_is_one_config_error_naming_file_line_source_and_key(text, fragments):
    with pytest.raises(ConfigError) as caught:
        parse(text)
    message = str(caught.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_the_documented_example_message_is_exact():
    text = ONE_SOURCE.replace('"A"', '"Example FR"') + 'interval = "10 minutes"\n'
    with pytest.raises(ConfigError) as caught:
        parse(text)
    assert str(caught.value) == (
        'feeds.toml:4: source "Example FR": key "interval": "10 minutes" is not a duration (write 10m, 90s, 1h)'
    )


def test_the_line_is_found_in_the_right_source_block():
    text = dedent(
        """\
        [[sources]]
        name = "A"
        url = "https://a.example/"
        interval = "10m"

        [[sources]]
        name = "B"
        url = "https://b.example/"
        interval = "soon"
        """
    )
    with pytest.raises(ConfigError, match=r'^feeds.toml:9: source "B": key "interval": '):
        parse(text)


def test_a_value_with_a_newline_is_shown_escaped_on_one_line():
    text = '[settings]\nuser_agent = """monitor\n[[sources]]\n"""\n'
    with pytest.raises(ConfigError) as caught:
        parse(text)
    assert str(caught.value) == (
        'feeds.toml:2: [settings]: key "user_agent": "monitor\\u000A[[sources]]\\u000A" contains a control character'
    )


def test_a_config_error_is_also_a_value_error():
    with pytest.raises(ValueError):
        parse(ONE_SOURCE + "backfill = -1\n")


# --- Environment overrides ------------------------------------------------------------


def test_the_environment_beats_the_file():
    text = '[settings]\nuser_agent = "file"\nhttp_host = "10.0.0.1"\nhttp_port = 9000\n'
    env = {
        "MONITOR_USER_AGENT": "env-agent/2.0",
        "MONITOR_HTTP_HOST": "127.0.0.2",
        "MONITOR_HTTP_PORT": "8181",
        "MONITOR_ALLOW_PRIVATE_ADDRESSES": "yes",
    }
    settings = parse(text, env).settings
    assert settings.user_agent == "env-agent/2.0"
    assert settings.http_host == "127.0.0.2"
    assert settings.http_port == 8181
    assert settings.allow_private_addresses is True


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("TRUE", True), ("yes", True),
     ("0", False), ("false", False), ("No", False)],
)
def test_allow_private_addresses_reads_yes_and_no_words(raw, expected):
    text = f"[settings]\nallow_private_addresses = {str(not expected).lower()}\n"
    settings = parse(text, {"MONITOR_ALLOW_PRIVATE_ADDRESSES": raw}).settings
    assert settings.allow_private_addresses is expected


def test_an_empty_variable_counts_as_unset():
    settings = parse('[settings]\nhttp_port = 9000\n', {"MONITOR_HTTP_PORT": ""}).settings
    assert settings.http_port == 9000


@pytest.mark.parametrize(
    ("env", "fragments"),
    [
        ({"MONITOR_HTTP_PORT": "eighty"}, ["MONITOR_HTTP_PORT", '"eighty" is not an integer']),
        ({"MONITOR_HTTP_PORT": "70000"}, ["MONITOR_HTTP_PORT", "too large"]),
        ({"MONITOR_ALLOW_PRIVATE_ADDRESSES": "maybe"}, ["MONITOR_ALLOW_PRIVATE_ADDRESSES", '"maybe"', "yes/no"]),
        ({"MONITOR_USER_AGENT": "bad\x01agent"}, ["MONITOR_USER_AGENT", "control character"]),
    ],
)
def test_a_bad_environment_variable_is_a_config_error_naming_it(env, fragments):
    with pytest.raises(ConfigError) as caught:
        parse("", env)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_env_none_reads_the_process_environment(monkeypatch):
    monkeypatch.setenv("MONITOR_HTTP_PORT", "8282")
    assert parse_config("").settings.http_port == 8282
    monkeypatch.delenv("MONITOR_HTTP_PORT")
    assert parse_config("").settings.http_port == 8080


def test_config_path_prefers_the_option_then_the_environment_then_the_default():
    assert config_path("mine.toml", {"MONITOR_CONFIG": "env.toml"}) == Path("mine.toml")
    assert config_path(None, {"MONITOR_CONFIG": "env.toml"}) == Path("env.toml")
    assert config_path(None, {}) == Path(DEFAULT_CONFIG_PATH) == Path("feeds.toml")


def test_db_path_prefers_the_option_then_the_environment_then_the_default():
    assert db_path("x.db", {"MONITOR_DB": "env.db"}) == Path("x.db")
    assert db_path(None, {"MONITOR_DB": "env.db"}) == Path("env.db")
    assert db_path(None, {}) == Path(DEFAULT_DB_PATH) == Path("data/monitor.db")


# --- The settings table ------------------------------------------------------------------


def test_the_settings_table_lists_every_settings_field_with_its_default():
    fields = dataclasses.fields(Settings)
    assert [setting.name for setting in SETTINGS] == [field.name for field in fields]
    defaults = Settings()
    for setting in SETTINGS:
        assert setting.default == getattr(defaults, setting.name)
        assert setting.help


def test_the_settings_table_names_the_five_environment_variables():
    assert {setting.env for setting in SETTINGS if setting.env} == {
        "MONITOR_USER_AGENT", "MONITOR_ALLOW_PRIVATE_ADDRESSES", "MONITOR_HTTP_HOST", "MONITOR_HTTP_PORT",
        "MONITOR_WORKERS",
    }


def test_the_settings_help_shows_each_setting_and_variable():
    text = format_settings_help()
    for setting in SETTINGS:
        assert setting.name in text
    assert "MONITOR_HTTP_PORT" in text and "MONITOR_CONFIG" in text and "MONITOR_DB" in text
    assert "15m" in text  # durations are shown as written in the file


def test_source_keys_are_the_source_fields():
    assert SOURCE_KEYS == tuple(field.name for field in dataclasses.fields(Source))


# --- Durations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("15m", 900.0), ("90s", 90.0), ("1h30m", 5400.0), ("2d", 172800.0), ("500ms", 0.5),
        ("1h 30m", 5400.0), ("1.5h", 5400.0), ("1m30s", 90.0), ("1s500ms", 1.5), ("15M", 900.0),
        ("90", 90.0), ("2.5", 2.5), (" 10m ", 600.0), (0, 0.0), (45, 45.0), (0.25, 0.25),
    ],
)
def test_parse_duration_reads_units_and_bare_seconds(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["10 minutes", "", " ", "m", "15x", "-5", "30m1h", "1h1h", "ten", "1,5h", True, None, -1, float("nan")]
)
def test_parse_duration_refuses_anything_else_with_a_clear_message(text):
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(900, "15m"), (5400, "1h30m"), (90, "1m30s"), (0.5, "500ms"), (172800, "2d"), (0, "0s"),
     (1.5, "1s500ms"), (86400 + 3600 + 60 + 1, "1d1h1m1s")],
)
def test_format_duration_writes_the_shortest_form(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize("seconds", [0, 0.001, 0.5, 1, 59, 60, 61, 900, 3599, 3600, 5400, 86399.999, 90061, 1e6])
def test_format_then_parse_duration_round_trips(seconds):
    assert parse_duration(format_duration(seconds)) == pytest.approx(seconds)


def test_format_duration_refuses_a_negative_number():
    with pytest.raises(ValueError):
        format_duration(-1)


# --- The shipped feeds.toml ---------------------------------------------------------------------


def test_the_shipped_feeds_toml_loads_with_english_and_french_sources():
    config = load_config(REPO_ROOT / "feeds.toml", env={})
    enabled = config.enabled_sources()
    assert len(enabled) >= 12
    assert {"en", "fr"} <= {source.lang for source in enabled}

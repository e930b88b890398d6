"""feeds.toml: reading, validating and defaulting the monitor's configuration.

This module owns the file format of feeds.toml (a public contract: people
write it by hand), the table of settings with their defaults and environment
variables (SETTINGS, printable by the CLI), the duration syntax ("15m",
"1h30m", "500ms"), and where the config file and the database live.

Every mistake in the file becomes one ConfigError whose message says where
to look, for example::

    feeds.toml:23: source "Example FR": key "interval": "10 minutes" is not a duration (write 10m, 90s, 1h)

Nothing is read at import time: the environment is read when load_config or
parse_config is called (``env=None`` means os.environ), so tests pass a dict.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from monitor.errors import ConfigError
from monitor.types import Settings, Source

__all__ = [
    "CONFIG_ENV",
    "Config",
    "DB_ENV",
    "DEFAULT_CONFIG_PATH",
    "DEFAULT_DB_PATH",
    "SETTINGS",
    "SOURCE_KEYS",
    "Setting",
    "config_path",
    "db_path",
    "format_duration",
    "format_settings_help",
    "load_config",
    "parse_config",
    "parse_duration",
]

DEFAULT_CONFIG_PATH = "feeds.toml"
DEFAULT_DB_PATH = "data/monitor.db"
#: Environment variables naming the config file and the database (the CLI's --config and --db win).
CONFIG_ENV = "MONITOR_CONFIG"
DB_ENV = "MONITOR_DB"


# --- The settings table -------------------------------------------------------

SettingKind = Literal["str", "int", "bool", "duration"]


@dataclass(frozen=True)
class Setting:
    """One key of the [settings] table: its type, default, environment variable and help."""

    name: str
    kind: SettingKind
    help: str
    #: The environment variable that overrides the file, if any.
    env: str | None = None
    #: Smallest accepted value (seconds for durations).
    minimum: float | None = None
    maximum: float | None = None

    @property
    def default(self) -> Any:
        # The defaults live in one place, the Settings dataclass; dataclass
        # fields with plain defaults stay readable as class attributes.
        return getattr(Settings, self.name)


#: Every key of [settings], in the order `monitor --help` prints them.
#: Durations are seconds, written "15m", "90s", "1h30m", "500ms" or a bare number.
SETTINGS: tuple[Setting, ...] = (
    Setting("user_agent", "str", "User-Agent of every request, also the name looked up in robots.txt",
            env="MONITOR_USER_AGENT"),
    Setting("interval", "duration", "default time between two polls of a source", minimum=1),
    Setting("allow_private_addresses", "bool",
            "fetch loopback/private/link-local addresses (tests and the demo only)",
            env="MONITOR_ALLOW_PRIVATE_ADDRESSES"),
    Setting("per_host_concurrency", "int", "requests in flight to one host at once", minimum=1),
    Setting("host_delay", "duration", "least time between the starts of two requests to one host",
            minimum=0),
    Setting("connect_timeout", "duration", "time allowed to open a connection", minimum=1),
    Setting("read_timeout", "duration", "time allowed between two reads of a response", minimum=1),
    Setting("max_bytes", "int", "largest body accepted, in bytes", minimum=1),
    Setting("max_redirects", "int", "redirects followed before giving up", minimum=0),
    Setting("retries", "int", "extra attempts after a connect error, a 429 or a 5xx", minimum=0),
    Setting("backoff", "duration", "base of the exponential backoff between attempts", minimum=0),
    Setting("max_retry_after", "duration", "longest Retry-After honoured; a longer one fails the fetch",
            minimum=0),
    Setting("respect_robots", "bool", "honour robots.txt"),
    Setting("max_articles_per_poll", "int", "articles fetched per poll of one source, newest first",
            minimum=1),
    Setting("http_host", "str", "address of the /healthz endpoint of `monitor run`",
            env="MONITOR_HTTP_HOST"),
    Setting("http_port", "int", "port of the /healthz endpoint (0: any free port)",
            env="MONITOR_HTTP_PORT", minimum=0, maximum=65535),
    Setting("story_window", "duration", "how far apart two articles may be published and still join one story",
            minimum=0),
    Setting("workers", "int", "processes that read pages (extract, detect, fingerprint) beside the crawler; "
            "0: none, pages are read in the main process", env="MONITOR_WORKERS", minimum=0, maximum=64),
)
_SETTINGS_BY_NAME = {setting.name: setting for setting in SETTINGS}

#: The keys a [[sources]] entry may have.
SOURCE_KEYS: tuple[str, ...] = tuple(field.name for field in dataclasses.fields(Source))
#: A source's interval obeys the same floor as settings.interval.
_MIN_SOURCE_INTERVAL = _SETTINGS_BY_NAME["interval"].minimum or 0
_TOP_LEVEL_KEYS = ("settings", "sources")


def format_settings_help() -> str:
    """The settings table as text: name, default, environment variable, help."""
    rows = [("setting", "default", "environment", "meaning")]
    for setting in SETTINGS:
        default = setting.default
        shown = format_duration(default) if setting.kind == "duration" else _show(default)
        rows.append((setting.name, shown, setting.env or "", setting.help))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3]
        for row in rows
    ]
    lines.append("")
    lines.append(f"{CONFIG_ENV} names the config file (default {DEFAULT_CONFIG_PATH}), "
                 f"{DB_ENV} the database (default {DEFAULT_DB_PATH}).")
    lines.append(f"{_SETTINGS_BY_NAME['allow_private_addresses'].env} reads 1/0, true/false, yes/no; "
                 "an empty variable counts as unset.")
    return "\n".join(lines)


# --- Durations ------------------------------------------------------------------

_UNIT_SECONDS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
# Units must come biggest first ("1h30m", not "30m1h"), each at most once.
_DURATION_RE = re.compile(
    r"""\s*(?:(?P<d>\d+(?:\.\d+)?)\s*d)?
        \s*(?:(?P<h>\d+(?:\.\d+)?)\s*h)?
        \s*(?:(?P<m>\d+(?:\.\d+)?)\s*m(?!s))?
        \s*(?:(?P<s>\d+(?:\.\d+)?)\s*s)?
        \s*(?:(?P<ms>\d+(?:\.\d+)?)\s*ms)?\s*""",
    re.VERBOSE,
)
_NUMBER_RE = re.compile(r"\s*\d+(?:\.\d+)?\s*")


def parse_duration(value: str | int | float) -> float:
    """Seconds in a duration: "15m", "90s", "1h30m", "2d", "500ms", or a number of seconds.

    Raises ValueError with a message showing how to write one.
    """
    if isinstance(value, bool):  # bool is an int in Python; `interval = true` is a mistake
        raise ValueError(f"{_show(value)} is not a duration (write 10m, 90s, 1h)")
    if isinstance(value, (int, float)):
        seconds = float(value)
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"{_show(value)} is not a duration (it must be a number of seconds >= 0)")
        return seconds
    if not isinstance(value, str):
        raise ValueError(f"{_show(value)} is not a duration (write 10m, 90s, 1h)")
    if _NUMBER_RE.fullmatch(value):
        return float(value)
    match = _DURATION_RE.fullmatch(value.lower())
    if match is None or not any(match.groupdict().values()):
        raise ValueError(f"{_show(value)} is not a duration (write 10m, 90s, 1h)")
    return sum(float(amount) * _UNIT_SECONDS[unit] for unit, amount in match.groupdict().items() if amount)


def format_duration(seconds: float) -> str:
    """The shortest duration text parse_duration reads back: 900 -> "15m", 5400 -> "1h30m".

    Precision is one millisecond.
    """
    if isinstance(seconds, bool) or not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"cannot format {seconds!r} as a duration")
    remaining = round(seconds * 1000)  # whole milliseconds, so the parts add up exactly
    parts = []
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)):
        amount, remaining = divmod(remaining, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts) or "0s"


# --- The configuration ----------------------------------------------------------


@dataclass(frozen=True)
class Config:
    """feeds.toml after validation, defaults and environment overrides."""

    settings: Settings
    sources: tuple[Source, ...]
    #: The file it was read from; None when parsed from text.
    path: Path | None = None

    def enabled_sources(self) -> tuple[Source, ...]:
        return tuple(source for source in self.sources if source.enabled)

    def source(self, name: str) -> Source:
        """The source with this name (exact, else ignoring case); ConfigError if there is none."""
        for source in self.sources:
            if source.name == name:
                return source
        for source in self.sources:
            if source.name.casefold() == name.casefold():
                return source
        where = str(self.path) if self.path is not None else DEFAULT_CONFIG_PATH
        names = [source.name for source in self.sources]
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"; did you mean {_show(close[0])}?" if close else f"; known: {', '.join(names) or 'none'}"
        raise ConfigError(f"{where}: no source named {_show(name)}{hint}")


def config_path(cli_value: str | None, env: Mapping[str, str] | None = None) -> Path:
    """Where feeds.toml is: --config, else $MONITOR_CONFIG, else ./feeds.toml."""
    return _path_from(cli_value, CONFIG_ENV, DEFAULT_CONFIG_PATH, env)


def db_path(cli_value: str | None, env: Mapping[str, str] | None = None) -> Path:
    """Where the database is: --db, else $MONITOR_DB, else ./data/monitor.db."""
    return _path_from(cli_value, DB_ENV, DEFAULT_DB_PATH, env)


def _path_from(cli_value: str | None, variable: str, default: str, env: Mapping[str, str] | None) -> Path:
    env = os.environ if env is None else env
    if cli_value:
        return Path(cli_value)
    return Path(env.get(variable) or default)


def load_config(path: str | os.PathLike, env: Mapping[str, str] | None = None) -> Config:
    """Read, validate and default the config file at path. Raises ConfigError."""
    shown = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as error:
        raise ConfigError(f"{shown}: no such file (pass --config or set {CONFIG_ENV})") from error
    except OSError as error:
        raise ConfigError(f"{shown}: cannot read it: {error.strerror or error}") from error
    try:
        # utf-8-sig: a byte-order mark left by a Windows editor is harmless, so drop it.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError(f"{shown}:{line}: not UTF-8 text (save the file as UTF-8)") from error
    config = parse_config(text, shown, env)
    return dataclasses.replace(config, path=Path(path))


def parse_config(text: str, path: str = DEFAULT_CONFIG_PATH, env: Mapping[str, str] | None = None) -> Config:
    """Validate and default a feeds.toml text; path only names the file in error messages."""
    env = os.environ if env is None else env
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(_toml_error_message(path, text, error)) from error
    where = _Locator(text, path)

    for key, value in data.items():
        if key not in _TOP_LEVEL_KEYS:
            raise ConfigError(f"{path}:{where.top_level_line(key)}: unknown table or key {_show(key)}"
                              f"{_suggest(key, _TOP_LEVEL_KEYS)} (feeds.toml has [settings] and [[sources]])")

    settings = _apply_env(_parse_settings(data.get("settings", {}), where), env)

    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list):
        raise ConfigError(f"{path}:{where.top_level_line('sources')}: \"sources\" must be written as "
                          "[[sources]] tables, one per source")
    sources: list[Source] = []
    seen_names: dict[str, int] = {}
    for index, raw in enumerate(raw_sources, start=1):
        source = _parse_source(index, raw, settings, where)
        folded = source.name.casefold()
        if folded in seen_names:
            first = seen_names[folded]
            raise ConfigError(
                where.source_prefix(index, _show(source.name), "name")
                + f"duplicate name: source #{first} (line {where.source_line(first)}) already has it"
            )
        seen_names[folded] = index
        sources.append(source)
    return Config(settings=settings, sources=tuple(sources))


# --- Validation -------------------------------------------------------------------


class _Invalid(Exception):
    """A value is wrong; the caller adds the file, line, source and key."""


def _parse_settings(table: Any, where: _Locator) -> Settings:
    if not isinstance(table, dict):
        raise ConfigError(f"{where.path}:{where.top_level_line('settings')}: \"settings\" must be a "
                          "[settings] table")
    values = {}
    for key, value in table.items():
        setting = _SETTINGS_BY_NAME.get(key)
        if setting is None:
            raise ConfigError(where.settings_prefix(key) + f"unknown key{_suggest(key, _SETTINGS_BY_NAME)}")
        try:
            values[key] = _convert(setting, value)
        except _Invalid as error:
            raise ConfigError(where.settings_prefix(key) + str(error)) from None
    return Settings(**values)


_TRUE_WORDS = {"1", "true", "yes"}
_FALSE_WORDS = {"0", "false", "no"}


def _apply_env(settings: Settings, env: Mapping[str, str]) -> Settings:
    """The environment beats the file, for the settings that name a variable."""
    overrides = {}
    for setting in SETTINGS:
        if setting.env is None:
            continue
        raw = env.get(setting.env)
        if not raw:  # unset, or set to "" (as `VAR=` in a compose file does): keep the file's value
            continue
        value: Any = raw.strip()
        if setting.kind == "bool":
            if value.lower() in _TRUE_WORDS:
                value = True
            elif value.lower() in _FALSE_WORDS:
                value = False
            else:
                raise ConfigError(f"environment variable {setting.env}: {_show(raw)} is not a yes/no "
                                  "value (write 1, 0, true, false, yes or no)")
        elif setting.kind == "int":
            try:
                value = int(value)
            except ValueError:
                raise ConfigError(f"environment variable {setting.env}: {_show(raw)} is not an "
                                  "integer") from None
        try:
            overrides[setting.name] = _convert(setting, value)
        except _Invalid as error:
            raise ConfigError(f"environment variable {setting.env}: {error}") from None
    return dataclasses.replace(settings, **overrides)


def _convert(setting: Setting, value: Any) -> Any:
    """The value of one setting, checked against its kind and bounds."""
    if setting.kind == "bool":
        if not isinstance(value, bool):
            raise _Invalid(f"expected true or false, got {_show(value)}{_type_of(value)}")
        return value
    if setting.kind == "str":
        return _nonempty_text(value)
    if setting.kind == "int":
        number = _integer(value)
        if setting.minimum is not None and number < setting.minimum:
            raise _Invalid(f"{number} is too small (at least {setting.minimum:g})")
        if setting.maximum is not None and number > setting.maximum:
            raise _Invalid(f"{number} is too large (at most {setting.maximum:g})")
        return number
    return _duration(value, setting.minimum or 0)


def _parse_source(index: int, raw: Any, settings: Settings, where: _Locator) -> Source:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where.path}:{where.source_line(index)}: source #{index}: expected a table "
                          f"of keys, got {_show(raw)}")
    name = raw.get("name")
    label = _show(name.strip()) if isinstance(name, str) and name.strip() else None

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(where.source_prefix(index, label, key) + message)

    for key in raw:
        if key not in SOURCE_KEYS:
            raise fail(key, f"unknown key{_suggest(key, SOURCE_KEYS)}")
    for key in ("name", "url"):
        if key not in raw:
            raise fail(key, "missing; every source needs a name and a url")

    values: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            values[key] = _SOURCE_CHECKS[key](value)
        except _Invalid as error:
            raise fail(key, str(error)) from None

    kind = values.get("kind", "feed")
    if kind == "listing" and "link_selector" not in values:
        raise fail("link_selector", 'required for kind = "listing": the CSS selector of the article '
                                    'links on the page, e.g. "h2 a"')
    if kind == "feed" and "link_selector" in values:
        raise fail("link_selector", 'link_selector only applies to listing sources (kind = "listing")')
    values.setdefault("interval", settings.interval)
    return Source(**values)


def _nonempty_text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"expected a string, got {_show(value)}{_type_of(value)}")
    text = value.strip()
    if not text:
        raise _Invalid("must not be empty")
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise _Invalid(f"{_show(value)} contains a control character")
    return text


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(f"expected an integer, got {_show(value)}{_type_of(value)}")
    return value


def _duration(value: Any, minimum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Invalid(f"expected a duration such as \"15m\" or a number of seconds, "
                       f"got {_show(value)}{_type_of(value)}")
    try:
        seconds = parse_duration(value)
    except ValueError as error:
        raise _Invalid(str(error)) from None
    if seconds < minimum:
        raise _Invalid(f"{_show(value)} is too short (at least {format_duration(minimum)})")
    return seconds


def _check_url(value: Any) -> str:
    url = _nonempty_text(value)
    problem = f"{_show(url)} is not an http(s) URL with a host (write https://example.org/feed/)"
    if any(char.isspace() for char in url):
        raise _Invalid(f"{_show(url)} contains a space (encode it as %20)")
    parts = urlsplit(url)
    try:
        parts.port  # raises ValueError on a port that is not a number in 0-65535
    except ValueError:
        raise _Invalid(problem) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise _Invalid(problem)
    return url


def _check_kind(value: Any) -> str:
    if value not in ("feed", "listing"):
        raise _Invalid(f'{_show(value)} is not a kind (write "feed" or "listing")')
    return value


def _check_lang(value: Any) -> str:
    text = _nonempty_text(value)
    if not re.fullmatch(r"[A-Za-z]{2}", text):
        raise _Invalid(f'{_show(value)} is not a 2-letter language code (ISO 639-1, e.g. "en", "fr")')
    return text.lower()


def _check_backfill(value: Any) -> int:
    number = _integer(value)
    if number < 0:
        raise _Invalid(f"{number} is negative (0 means: only articles published from now on)")
    return number


def _check_enabled(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"expected true or false, got {_show(value)}{_type_of(value)}")
    return value


def _check_selector(value: Any) -> str:
    selector = _nonempty_text(value)
    try:
        # Compiling the selector against a tiny page is how selectolax validates one.
        LexborHTMLParser("<p></p>").css(selector)
    except SelectolaxError:
        raise _Invalid(f"{_show(selector)} is not a valid CSS selector") from None
    return selector


def _check_selectors(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        # A lone string is an easy slip; say how to write the list.
        raise _Invalid(f"expected a list of CSS selectors, e.g. [{_show(value)}]")
    if not isinstance(value, list):
        raise _Invalid(f"expected a list of CSS selectors, got {_show(value)}{_type_of(value)}")
    return tuple(_check_selector(item) for item in value)


_SOURCE_CHECKS = {
    "name": _nonempty_text,
    "url": _check_url,
    "kind": _check_kind,
    "lang": _check_lang,
    "interval": lambda value: _duration(value, _MIN_SOURCE_INTERVAL),
    "link_selector": _check_selector,
    "backfill": _check_backfill,
    "enabled": _check_enabled,
    "content_selector": _check_selector,
    "drop_selectors": _check_selectors,
}
assert set(_SOURCE_CHECKS) == set(SOURCE_KEYS), "every Source field needs a check"


# --- Messages and line numbers ------------------------------------------------------


def _show(value: Any) -> str:
    """A value as it would be written in TOML, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # Escaped like a TOML basic string, so a message stays on one line.
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        escaped = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04X}", escaped)
        return f'"{escaped}"'
    return repr(value)


def _type_of(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
             list: "a list", dict: "a table"}
    name = names.get(type(value))
    return f" ({name})" if name else f" ({type(value).__name__})"


def _suggest(key: str, known: Any) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


_TOML_POSITION = re.compile(
    r"^(?P<message>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$"
)


def _toml_error_message(path: str, text: str, error: tomllib.TOMLDecodeError) -> str:
    """tomllib's "Invalid value (at line 3, column 9)" as "feeds.toml:3: invalid TOML: ..."."""
    match = _TOML_POSITION.match(str(error))
    if match is None:
        return f"{path}: invalid TOML: {error}"
    if match["line"] is None:  # "at end of document": point at the last line
        return f"{path}:{max(1, len(text.splitlines()))}: invalid TOML: {match['message']} (at the end)"
    return f"{path}:{match['line']}: invalid TOML: {match['message']} (column {match['column']})"


_SOURCES_HEADER = re.compile(r"^\s*\[\[\s*sources\s*\]\]\s*(#.*)?$")
_SETTINGS_HEADER = re.compile(r"^\s*\[\s*settings\s*\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")


class _Locator:
    """Finds the line of a key, since tomllib does not report positions of valid values.

    A source's key is the first `key =` line after its [[sources]] header and
    before the next table header; when it is not there (inline tables, a
    missing key) the header's line stands in.
    """

    def __init__(self, text: str, path: str):
        self.path = path
        self.lines = text.splitlines()
        self.sources_headers: list[int] = []  # 0-based line indexes
        self.settings_header: int | None = None
        self.headers: list[int] = []
        in_multiline_string = False
        for number, line in enumerate(self.lines):
            # Headers inside a multi-line string are text, not tables.
            quotes = line.count('"""') + line.count("'''")
            if not in_multiline_string:
                if _SOURCES_HEADER.match(line):
                    self.sources_headers.append(number)
                elif _SETTINGS_HEADER.match(line) and self.settings_header is None:
                    self.settings_header = number
                if _ANY_HEADER.match(line):
                    self.headers.append(number)
            if quotes % 2:
                in_multiline_string = not in_multiline_string

    def _key_after(self, header: int, key: str) -> int | None:
        pattern = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
        following = [h for h in self.headers if h > header]
        end = following[0] if following else len(self.lines)
        for number in range(header + 1, end):
            if pattern.match(self.lines[number]):
                return number
        return None

    def _first_match(self, pattern: str) -> int | None:
        compiled = re.compile(pattern)
        for number, line in enumerate(self.lines):
            if compiled.match(line):
                return number
        return None

    def top_level_line(self, key: str) -> int:
        escaped = re.escape(key)
        # A [table], an [[array]] or a `key =` / `key.sub =` line at the top level.
        table = rf"""^\s*\[{{1,2}}\s*["']?{escaped}["']?\s*[\].]"""
        assignment = rf"""^\s*["']?{escaped}["']?\s*[=.]"""
        found = self._first_match(f"{table}|{assignment}")
        return (found or 0) + 1

    def settings_line(self, key: str) -> int:
        if self.settings_header is None:  # dotted keys: settings.interval = "15m"
            found = self._first_match(rf"^\s*settings\s*\.\s*{re.escape(key)}\s*=")
            return (found if found is not None else self.top_level_line("settings") - 1) + 1
        found = self._key_after(self.settings_header, key)
        return (found if found is not None else self.settings_header) + 1

    def source_line(self, index: int, key: str | None = None) -> int:
        if index > len(self.sources_headers):  # sources = [{...}] written inline
            return self.top_level_line("sources")
        header = self.sources_headers[index - 1]
        found = self._key_after(header, key) if key else None
        return (found if found is not None else header) + 1

    def settings_prefix(self, key: str) -> str:
        return f'{self.path}:{self.settings_line(key)}: [settings]: key "{key}": '

    def source_prefix(self, index: int, shown_name: str | None, key: str) -> str:
        label = f"source {shown_name}" if shown_name else f"source #{index}"
        return f'{self.path}:{self.source_line(index, key)}: {label}: key "{key}": '

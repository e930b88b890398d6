"""OPML: exporting sources to feed readers, importing feed lists, appending them to feeds.toml.

This module owns the OPML 2.0 format as the monitor reads and writes it:

- export_opml writes one outline per source;
- read_opml / parse_opml take the feeds (outlines with an xmlUrl) out of any
  reader's export, folders flattened, and say which outlines were skipped;
- append_sources turns new sources into [[sources]] blocks appended to the
  feeds.toml text, leaving the existing text untouched byte for byte.

XML is parsed with expat directly, with DOCTYPE and ENTITY declarations
refused: an OPML file never needs them, and refusing them rules out
entity-expansion attacks ("billion laughs") without defusedxml.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from monitor.config import Config, format_duration, parse_config
from monitor.errors import ConfigError
from monitor.types import Settings, Source

__all__ = ["OpmlImport", "SkippedOutline", "append_sources", "export_opml", "parse_opml", "read_opml"]

log = logging.getLogger(__name__)


# --- Export ------------------------------------------------------------------------


def export_opml(sources: Iterable[Source], title: str = "monitor sources") -> str:
    """An OPML 2.0 document listing the sources, feeds first."""
    sources = list(sources)
    feeds = [source for source in sources if source.kind == "feed"]
    listings = [source for source in sources if source.kind != "feed"]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{escape(_xml_text(title))}</title>",
        "  </head>",
        "  <body>",
    ]
    for source in feeds:
        attributes = {"type": "rss", "text": source.name, "title": source.name, "xmlUrl": source.url}
        if source.lang:
            attributes["language"] = source.lang
        lines.append(f"    <outline{_attributes(attributes)}/>")
    if listings:
        # OPML readers only know feeds: a listing page (scraped with a CSS
        # selector) has no xmlUrl, so it is written as a plain link that a
        # reader shows as a bookmark, and that parse_opml skips on import.
        lines.append("    <!-- Web pages the monitor scrapes (no feed): kept as links. -->")
        for source in listings:
            attributes = {"type": "link", "text": source.name, "title": source.name, "url": source.url}
            if source.lang:
                attributes["language"] = source.lang
            lines.append(f"    <outline{_attributes(attributes)}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _attributes(attributes: dict[str, str]) -> str:
    return "".join(f" {name}={quoteattr(_xml_text(value))}" for name, value in attributes.items())


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    # XML 1.0 cannot carry most control characters, even escaped: drop them
    # rather than write a file no reader can open.
    return _XML_ILLEGAL.sub("", text)


# --- Import ------------------------------------------------------------------------


@dataclass(frozen=True)
class SkippedOutline:
    """An outline that did not become a source, and why."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class OpmlImport:
    """What an OPML file yields: the feeds, and the outlines left out."""

    sources: tuple[Source, ...]
    skipped: tuple[SkippedOutline, ...] = ()


@dataclass
class _Outline:
    """An <outline> element while the document is read."""

    line: int
    attributes: dict[str, str]
    has_children: bool = False


class _Refused(Exception):
    """A declaration we do not accept (DOCTYPE, ENTITY)."""


def parse_opml(text: str | bytes, path: str = "<opml>", *, defaults: Settings | None = None) -> list[Source]:
    """The feeds listed in an OPML document; skipped outlines are logged as warnings.

    Raises ConfigError (naming path and line) on malformed or hostile XML.
    """
    result = read_opml(text, path, defaults=defaults)
    for skipped in result.skipped:
        log.warning("%s:%d: outline %r skipped: %s", path, skipped.line, skipped.text, skipped.reason)
    return list(result.sources)


def read_opml(text: str | bytes, path: str = "<opml>", *, defaults: Settings | None = None) -> OpmlImport:
    """The feeds listed in an OPML document, plus the outlines skipped with a reason.

    Every outline carrying an xmlUrl becomes a feed source, however deeply
    nested in folders. Its name is the outline's text (else title, else the
    feed's host); its interval is defaults.interval (the config's default,
    so that appending it to feeds.toml writes no interval line).
    """
    defaults = defaults or Settings()
    outlines: list[_Outline] = []
    stack: list[_Outline | str] = []  # open elements; outlines as objects, to mark their children
    root: list[str] = []

    def start(tag: str, attributes: dict[str, str]) -> None:
        if not stack:
            root.append(tag)
        if stack and isinstance(stack[-1], _Outline):
            stack[-1].has_children = True
        # Outlines count only inside <body>; attribute names vary in case
        # between readers (xmlUrl, xmlurl), so compare them lowercased.
        if tag == "outline" and "body" in stack:
            outline = _Outline(parser.CurrentLineNumber, {k.lower(): v for k, v in attributes.items()})
            outlines.append(outline)
            stack.append(outline)
        else:
            stack.append(tag)

    def end(tag: str) -> None:
        stack.pop()

    def refuse_doctype(*_args: object) -> None:
        raise _Refused("DOCTYPE declarations are not accepted in OPML")

    def refuse_entity(*_args: object) -> None:
        raise _Refused("ENTITY declarations are not accepted in OPML")

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_entity
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        raise ConfigError(f"{path}:{error.lineno}: invalid XML: {expat.ErrorString(error.code)} "
                          f"(column {error.offset + 1})") from error
    except _Refused as error:
        raise ConfigError(f"{path}:{parser.CurrentLineNumber}: refused: {error}") from None

    if root != ["opml"]:
        raise ConfigError(f"{path}:1: not an OPML document (the root element is <{root[0]}>, not <opml>)")

    sources: list[Source] = []
    skipped: list[SkippedOutline] = []
    for outline in outlines:
        line, attributes = outline.line, outline.attributes
        label = _clean(attributes.get("text") or attributes.get("title") or "")
        url = attributes.get("xmlurl", "").strip()
        if not url:
            if outline.has_children:
                continue  # a folder: its outlines were collected on their own
            skipped.append(SkippedOutline(line, label or attributes.get("url", ""),
                                          "no xmlUrl: only feeds can be imported"))
            continue
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname or not _valid_port(url):
            skipped.append(SkippedOutline(line, label or url, f"{url!r} is not an http(s) URL"))
            continue
        name = label or _host_name(parts.hostname)
        sources.append(Source(name=name, url=url, kind="feed", lang=_language(attributes.get("language")),
                              interval=defaults.interval))
    return OpmlImport(tuple(sources), tuple(skipped))


def _valid_port(url: str) -> bool:
    try:
        urlsplit(url).port  # raises ValueError on a port that is not a number in 0-65535
    except ValueError:
        return False
    return True


def _clean(text: str) -> str:
    return " ".join(text.split())


def _host_name(host: str) -> str:
    host = host.lower()
    return host[4:] if host.startswith("www.") else host


def _language(value: str | None) -> str | None:
    """A 2-letter code from a language attribute ("fr-FR" -> "fr"), or None."""
    if not value:
        return None
    code = re.split(r"[-_]", value.strip(), maxsplit=1)[0].lower()
    return code if re.fullmatch(r"[a-z]{2}", code) else None


# --- Appending to feeds.toml ---------------------------------------------------------


def append_sources(
    config_text: str, existing: Config, new: Iterable[Source]
) -> tuple[str, list[Source], list[tuple[Source, str]]]:
    """feeds.toml text with the new sources appended as [[sources]] blocks.

    Returns (text, added, skipped). The existing text is kept byte for byte
    as the start of the new text. A source whose URL is already present is
    skipped with a reason; one whose name is taken is renamed "Name (2)".
    A source the config would refuse is skipped with the config's message.
    `added` holds the sources as feeds.toml now reads them back.

    Raises ConfigError if the blocks cannot be appended to this text (for
    example when it writes its sources as an inline array).
    """
    shown_path = str(existing.path) if existing.path is not None else "feeds.toml"
    taken_names = {source.name.casefold() for source in existing.sources}
    known_urls = {_url_key(source.url): source.name for source in existing.sources}
    blocks: list[str] = []
    skipped: list[tuple[Source, str]] = []
    for source in new:
        url_key = _url_key(source.url)
        if url_key in known_urls:
            skipped.append((source, f'same URL as source "{known_urls[url_key]}"'))
            continue
        source = dataclasses.replace(source, name=_unique_name(source.name, taken_names))
        block = _source_block(source, existing.settings.interval)
        try:
            # Check the block alone first, so one bad source is skipped, not fatal.
            parse_config(block, path="(new source)", env={})
        except ConfigError as error:
            skipped.append((source, re.sub(r"^\(new source\):\d+: ", "", str(error))))
            continue
        taken_names.add(source.name.casefold())
        known_urls[url_key] = source.name
        blocks.append(block)

    if not blocks:
        return config_text, [], skipped
    separator = "" if config_text == "" or config_text.endswith("\n") else "\n"
    text = config_text + separator + "".join("\n" + block for block in blocks)
    try:
        reread = parse_config(text, path=shown_path, env={})
    except ConfigError as error:
        raise ConfigError(f"{shown_path}: cannot append [[sources]] blocks to this file: {error}") from error
    added = list(reread.sources[len(reread.sources) - len(blocks):])
    return text, added, skipped


def _unique_name(name: str, taken: set[str]) -> str:
    if name.casefold() not in taken:
        return name
    number = 2
    while f"{name} ({number})".casefold() in taken:
        number += 1
    return f"{name} ({number})"


def _url_key(url: str) -> str:
    """A URL compared loosely: scheme and host lowercased, default port, fragment and final / dropped."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    scheme = parts.scheme.lower()
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path.rstrip("/"), parts.query, ""))


def _source_block(source: Source, default_interval: float) -> str:
    """One [[sources]] block; keys equal to their defaults are left out, except kind."""
    lines = ["[[sources]]", f"name = {_toml_string(source.name)}", f"url = {_toml_string(source.url)}",
             f"kind = {_toml_string(source.kind)}"]
    if source.lang:
        lines.append(f"lang = {_toml_string(source.lang)}")
    if source.interval != default_interval:
        lines.append(f"interval = {_toml_string(format_duration(source.interval))}")
    if source.link_selector is not None:
        lines.append(f"link_selector = {_toml_string(source.link_selector)}")
    if source.backfill:
        lines.append(f"backfill = {int(source.backfill)}")
    if not source.enabled:
        lines.append("enabled = false")
    if source.content_selector is not None:
        lines.append(f"content_selector = {_toml_string(source.content_selector)}")
    if source.drop_selectors:
        lines.append(f"drop_selectors = [{', '.join(_toml_string(s) for s in source.drop_selectors)}]")
    return "\n".join(lines) + "\n"


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in value:
        if char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'

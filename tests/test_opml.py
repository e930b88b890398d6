"""OPML: exports round-trip, readers' exports import, hostile XML is refused, appending keeps feeds.toml."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from textwrap import dedent

import pytest

from monitor.config import parse_config
from monitor.errors import ConfigError
from monitor.opml import OpmlImport, SkippedOutline, append_sources, export_opml, parse_opml, read_opml
from monitor.types import Settings, Source

FEEDS = [
    Source(name="Exemple FR", url="https://exemple.fr/feed/", lang="fr"),
    Source(name="Example & Sons <Tech>", url="https://example.com/rss?cat=1&fmt=xml", lang="en"),
    Source(name='Quote "q" \'s', url="http://quotes.example.net/atom.xml"),
]
LISTING = Source(name="Press room", url="https://corp.example.org/press", kind="listing",
                 link_selector="h3 a", lang="en")

# Shaped like a feed reader's export: folders, reader-specific attributes,
# outlines without titles, a bookmark, a podcast folder, odd casing.
READER_EXPORT = dedent(
    """\
    <?xml version="1.0" encoding="UTF-8"?>
    <opml version="1.0" xmlns:reader="https://reader.example/ns">
      <head>
        <title>My subscriptions</title>
        <dateCreated>Mon, 02 Mar 2026 08:00:00 GMT</dateCreated>
        <outline text="not in the body" xmlUrl="https://head.example/feed"/>
      </head>
      <body>
        <outline text="Tech" title="Tech">
          <outline type="rss" text="Gadget Daily" title="Gadget Daily (old title)"
                   xmlUrl="https://gadgets.example.com/feed.xml" htmlUrl="https://gadgets.example.com/"
                   reader:unread="12" language="en-US"/>
          <outline text="Nested">
            <outline type="atom" xmlUrl="https://www.deep.example.org/atom"/>
          </outline>
        </outline>
        <outline title="Économie" type="rss" xmlurl="https://eco.example.fr/rss" language="FR"/>
        <outline type="link" text="A bookmark" url="https://bookmark.example/"/>
        <outline type="rss" text="Old gopher feed" xmlUrl="gopher://old.example/feed"/>
        <outline type="rss" text="Bad port" xmlUrl="https://port.example:123456/feed"/>
        <outline type="rss" text="  Spaced
            out   name " xmlUrl=" https://spaced.example/feed " language="klingon"/>
        <outline text="Empty folder"></outline>
      </body>
    </opml>
    """
)


# --- Export ------------------------------------------------------------------------


def test_export_then_parse_round_trips_feed_sources():
    imported = parse_opml(export_opml(FEEDS))
    assert [(s.name, s.url, s.kind, s.lang) for s in imported] == [
        (s.name, s.url, s.kind, s.lang) for s in FEEDS
    ]


def test_export_is_well_formed_opml_2():
    root = ET.fromstring(export_opml(FEEDS + [LISTING], title="Mine & yours").encode())
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Mine & yours"
    feed = root.find("body/outline")
    assert feed is not None
    assert feed.attrib == {"type": "rss", "text": "Exemple FR", "title": "Exemple FR",
                           "xmlUrl": "https://exemple.fr/feed/", "language": "fr"}


def test_export_writes_listing_sources_as_links_which_import_skips():
    text = export_opml([FEEDS[0], LISTING])
    root = ET.fromstring(text.encode())
    link = root.findall("body/outline")[1]
    assert link.attrib == {"type": "link", "text": "Press room", "title": "Press room",
                           "url": "https://corp.example.org/press", "language": "en"}
    result = read_opml(text)
    assert [s.name for s in result.sources] == ["Exemple FR"]
    assert [(s.text, s.reason) for s in result.skipped] == [("Press room", "no xmlUrl: only feeds can be imported")]


def test_export_drops_characters_xml_cannot_carry():
    text = export_opml([Source(name="Bell\x07 news", url="https://bell.example/feed")])
    assert parse_opml(text)[0].name == "Bell news"


# --- Import ------------------------------------------------------------------------


def test_a_reader_export_imports_its_feeds_from_every_folder():
    result = read_opml(READER_EXPORT, "subs.opml")
    assert [(s.name, s.url, s.lang) for s in result.sources] == [
        ("Gadget Daily", "https://gadgets.example.com/feed.xml", "en"),
        ("deep.example.org", "https://www.deep.example.org/atom", None),  # no title: named after the host
        ("Économie", "https://eco.example.fr/rss", "fr"),
        ("Spaced out name", "https://spaced.example/feed", None),
    ]
    assert all(s.kind == "feed" and s.enabled for s in result.sources)


def test_a_reader_export_reports_what_it_skips_with_lines():
    result = read_opml(READER_EXPORT, "subs.opml")
    assert result.skipped == (
        SkippedOutline(18, "A bookmark", "no xmlUrl: only feeds can be imported"),
        SkippedOutline(19, "Old gopher feed", "'gopher://old.example/feed' is not an http(s) URL"),
        SkippedOutline(20, "Bad port", "'https://port.example:123456/feed' is not an http(s) URL"),
        SkippedOutline(23, "Empty folder", "no xmlUrl: only feeds can be imported"),
    )


def test_parse_opml_logs_the_skipped_outlines(caplog):
    with caplog.at_level(logging.WARNING, logger="monitor.opml"):
        parse_opml(READER_EXPORT, "subs.opml")
    assert "subs.opml:18: outline 'A bookmark' skipped" in caplog.text


def test_imported_sources_take_the_given_default_interval():
    sources = parse_opml(export_opml(FEEDS), defaults=Settings(interval=1800.0))
    assert {s.interval for s in sources} == {1800.0}


def test_bytes_are_decoded_as_their_xml_declaration_says():
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<opml version="2.0"><head/><body>'
            '<outline text="Café" xmlUrl="https://cafe.example/feed"/></body></opml>').encode("latin-1")
    assert parse_opml(data)[0].name == "Café"


def test_an_opml_without_feeds_imports_nothing():
    assert read_opml('<opml version="2.0"><head/><body/></opml>') == OpmlImport(sources=())


def test_a_document_that_is_not_opml_is_refused():
    with pytest.raises(ConfigError, match=r"^feed.xml:1: not an OPML document \(the root element is <rss>"):
        parse_opml('<rss version="2.0"><channel/></rss>', "feed.xml")


def test_malformed_xml_is_a_config_error_naming_file_and_line():
    text = '<?xml version="1.0"?>\n<opml version="2.0">\n<body>\n<outline text="a" xmlUrl="https://a.example/">\n</body>\n</opml>\n'
    with pytest.raises(ConfigError, match=r"^subs.opml:5: invalid XML: mismatched tag"):
        parse_opml(text, "subs.opml")


def test_an_unescaped_ampersand_is_malformed_xml():
    text = '<opml>\n<body>\n<outline text="R&D" xmlUrl="https://a.example/"/>\n</body>\n</opml>'
    with pytest.raises(ConfigError, match=r"^<opml>:3: invalid XML"):
        parse_opml(text)


def test_entity_declarations_are_refused_before_they_can_expand():
    hostile = dedent(
        """\
        <?xml version="1.0"?>
        <!DOCTYPE opml [
          <!ENTITY lol "lol">
          <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
          <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
        ]>
        <opml version="2.0"><body><outline text="&lol3;" xmlUrl="https://a.example/"/></body></opml>
        """
    )
    with pytest.raises(ConfigError, match=r"^evil.opml:2: refused: DOCTYPE declarations are not accepted"):
        parse_opml(hostile, "evil.opml")


def test_an_external_entity_is_refused():
    hostile = ('<?xml version="1.0"?>\n<!DOCTYPE opml SYSTEM "file:///etc/passwd">\n'
               '<opml><body><outline text="x" xmlUrl="https://a.example/"/></body></opml>')
    with pytest.raises(ConfigError, match="refused"):
        parse_opml(hostile.encode())


# --- Appending to feeds.toml -------------------------------------------------------------

CONFIG_TEXT = dedent(
    """\
    # My sources. Comments and layout must survive an import.
    [settings]
    interval = "30m"

    [[sources]]
    name = "Exemple FR"      # the French one
    url = "https://exemple.fr/feed/"
    lang = "fr"
    """
)


def test_appended_sources_parse_and_the_original_text_is_kept_byte_for_byte():
    existing = parse_config(CONFIG_TEXT, env={})
    new = [Source(name="Gadget Daily", url="https://gadgets.example.com/feed.xml", lang="en", interval=1800.0)]
    text, added, skipped = append_sources(CONFIG_TEXT, existing, new)
    assert text.startswith(CONFIG_TEXT)
    assert skipped == []
    config = parse_config(text, env={})
    assert config.sources[:1] == existing.sources
    assert config.sources[1:] == tuple(added)
    assert added == [Source(name="Gadget Daily", url="https://gadgets.example.com/feed.xml", lang="en",
                            interval=1800.0)]
    # The interval equals the file's default, so no line repeats it.
    assert text[len(CONFIG_TEXT):] == (
        '\n[[sources]]\nname = "Gadget Daily"\nurl = "https://gadgets.example.com/feed.xml"\n'
        'kind = "feed"\nlang = "en"\n'
    )


def test_a_source_with_a_known_url_is_skipped():
    existing = parse_config(CONFIG_TEXT, env={})
    same = Source(name="Other name", url="HTTPS://Exemple.fr:443/feed")
    text, added, skipped = append_sources(CONFIG_TEXT, existing, [same])
    assert text == CONFIG_TEXT
    assert added == []
    assert skipped == [(same, 'same URL as source "Exemple FR"')]


def test_a_url_repeated_within_the_import_is_added_once():
    existing = parse_config(CONFIG_TEXT, env={})
    first = Source(name="A", url="https://a.example/feed")
    second = Source(name="B", url="https://a.example/feed/")
    _, added, skipped = append_sources(CONFIG_TEXT, existing, [first, second])
    assert [s.name for s in added] == ["A"]
    assert skipped == [(second, 'same URL as source "A"')]


def test_a_taken_name_is_made_unique():
    existing = parse_config(CONFIG_TEXT, env={})
    new = [Source(name="exemple fr", url="https://other.example/feed"),
           Source(name="Exemple FR", url="https://third.example/feed")]
    text, added, skipped = append_sources(CONFIG_TEXT, existing, new)
    assert [s.name for s in added] == ["exemple fr (2)", "Exemple FR (3)"]
    assert skipped == []
    assert [s.name for s in parse_config(text, env={}).sources] == ["Exemple FR", "exemple fr (2)", "Exemple FR (3)"]


def test_names_and_urls_are_escaped_as_toml_strings():
    existing = parse_config(CONFIG_TEXT, env={})
    tricky = Source(name='Back\\slash "quoted" ☕ [[sources]] # not a comment',
                    url='https://x.example/feed?a=1&b="2"')
    text, added, skipped = append_sources(CONFIG_TEXT, existing, [tricky])
    assert skipped == []
    assert added == [tricky]
    assert parse_config(text, env={}).sources[-1] == tricky


def test_a_name_with_a_control_character_is_skipped_not_written():
    existing = parse_config(CONFIG_TEXT, env={})
    bell = Source(name="Bell\x07 news", url="https://bell.example/feed")
    text, added, skipped = append_sources(CONFIG_TEXT, existing, [bell])
    assert text == CONFIG_TEXT and added == []
    assert skipped == [(bell, 'source "Bell\\u0007 news": key "name": "Bell\\u0007 news" contains a control character')]


def test_a_source_the_config_would_refuse_is_skipped_with_its_reason():
    existing = parse_config(CONFIG_TEXT, env={})
    bad = Source(name="Bad lang", url="https://bad.example/feed", lang="french")
    good = Source(name="Good", url="https://good.example/feed")
    text, added, skipped = append_sources(CONFIG_TEXT, existing, [bad, good])
    assert [s.name for s in added] == ["Good"]
    assert skipped == [(bad, 'source "Bad lang": key "lang": "french" is not a 2-letter language code '
                             '(ISO 639-1, e.g. "en", "fr")')]
    assert "Bad lang" not in text


def test_every_source_key_is_written_when_it_differs_from_its_default():
    existing = parse_config(CONFIG_TEXT, env={})
    listing = Source(name="Press", url="https://corp.example/press", kind="listing", lang="en",
                     interval=600.0, link_selector="h3 > a", backfill=3, enabled=False,
                     content_selector="div.body", drop_selectors=(".share", "aside"))
    text, added, _ = append_sources(CONFIG_TEXT, existing, [listing])
    assert added == [listing]
    assert 'interval = "10m"' in text


def test_a_text_without_a_final_newline_gets_one_before_the_blocks():
    original = CONFIG_TEXT.rstrip("\n")
    existing = parse_config(original, env={})
    text, added, _ = append_sources(original, existing, [Source(name="B", url="https://b.example/")])
    assert text.startswith(original)
    assert len(parse_config(text, env={}).sources) == 2


def test_appending_to_an_empty_file_works():
    text, added, _ = append_sources("", parse_config("", env={}), [Source(name="B", url="https://b.example/")])
    assert parse_config(text, env={}).sources == tuple(added)


def test_appending_to_inline_sources_is_a_config_error():
    original = 'sources = [{ name = "A", url = "https://a.example/" }]\n'
    with pytest.raises(ConfigError, match=r"cannot append \[\[sources\]\] blocks to this file"):
        append_sources(original, parse_config(original, env={}), [Source(name="B", url="https://b.example/")])


def test_an_opml_import_appends_to_feeds_toml_end_to_end():
    existing = parse_config(CONFIG_TEXT, env={})
    imported = parse_opml(READER_EXPORT, "subs.opml", defaults=existing.settings)
    text, added, skipped = append_sources(CONFIG_TEXT, existing, imported)
    assert len(added) == 4 and skipped == []
    config = parse_config(text, env={})
    assert len(config.enabled_sources()) == 5
    assert "interval" not in text[len(CONFIG_TEXT):]

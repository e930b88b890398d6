"""Discover: links from feeds and listing pages, made absolute and canonical."""

from datetime import datetime, timezone
from pathlib import Path

import pytest

from monitor.discover import canonical_url, discover_links, parse_feed, parse_listing
from monitor.errors import DiscoverError
from monitor.types import Fetched, Source, Validators

DATA = Path(__file__).parent / "data" / "feeds"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("HTTPS://WWW.Example.COM/a/b?utm_source=x&id=3#frag", "https://www.example.com/a/b?id=3"),
        ("http://example.com:80/x", "http://example.com/x"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/p?fbclid=1&gclid=2&pk_campaign=3", "https://example.com/p"),
        ("https://example.com/p?b=2&a=1", "https://example.com/p?b=2&a=1"),
    ],
)
def test_canonical_url_drops_what_never_selects_another_page(raw, expected):
    assert canonical_url(raw) == expected


def test_canonical_url_resolves_relative_links_against_the_base():
    assert canonical_url("../c?utm_medium=rss", "https://site.example/a/b/") == "https://site.example/a/c"


def test_atom_feed_links_are_absolute_canonical_and_newest_first():
    links = parse_feed((DATA / "atom.xml").read_bytes(), "https://ledger.example/feed.atom")
    assert [link.url for link in links] == [
        "https://ledger.example/2024/05/rates.html?id=7",
        "https://ledger.example/2024/05/terminal.html",
    ]
    assert links[1].title == "Port operator commits funds to a new container terminal"
    assert links[1].guid == "urn:harbour-ledger:101"
    assert links[1].published == datetime(2024, 5, 13, 8, 0, tzinfo=timezone.utc)
    assert links[1].summary == "The operator said work starts in June."


def test_rss_feed_dates_become_utc():
    links = parse_feed((DATA / "rss.xml").read_bytes(), "https://carnet.example/feed/")
    assert links[0].url == "https://carnet.example/2024/05/test-tablette/"
    assert links[1].published == datetime(2024, 5, 13, 8, 15, tzinfo=timezone.utc)
    assert links[1].title.startswith("Une usine de batteries")


def test_a_page_that_is_not_a_feed_raises_a_discover_error_naming_the_url():
    with pytest.raises(DiscoverError, match="https://x.example/feed"):
        parse_feed(b"<html><body><p>Not a feed</p></body></html>", "https://x.example/feed")


def test_an_empty_but_valid_feed_yields_no_links():
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    assert parse_feed(empty, "https://x.example/feed") == []


def test_listing_links_follow_the_selector_and_the_base_tag_without_fragments_or_duplicates():
    html = (DATA / "listing.html").read_text()
    links = parse_listing(html, "https://blog.example/", "h2.post-title a")
    assert [link.url for link in links] == [
        "https://blog.example/news/2024/05/robotics-round",
        "https://blog.example/news/2024/05/new-sensor",
    ]
    assert links[1].title == "A new sensor, tested"


def test_discover_links_uses_the_source_kind():
    html = (DATA / "listing.html").read_bytes()
    page = Fetched(
        url="https://blog.example/", final_url="https://blog.example/", status=200,
        content_type="text/html", body=html, text=html.decode(), encoding="utf-8", validators=Validators(),
    )
    source = Source(name="blog", url="https://blog.example/", kind="listing", link_selector="h2.post-title a")
    assert len(discover_links(source, page)) == 2

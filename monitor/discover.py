"""Discover: find article links on a feed or a listing page (pure).

Owns URL canonicalisation too, because every link the monitor keeps passes
through here first: absolute, lower-case scheme and host, no default port, no
fragment, no tracking parameters. The dedup stage compares these forms.
"""

from __future__ import annotations

import calendar
import re
import xml.sax
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import feedparser
from selectolax.lexbor import LexborHTMLParser

from .errors import DiscoverError
from .extract import _cut_runaway_nesting
from .types import Fetched, Link, Source

#: Query parameters that only say where a click came from; dropping them merges URLs.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "igshid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "ref_src", "ref_url",
        "cmpid", "xtor", "at_medium", "at_campaign", "ncid", "ocid", "sr_share", "spm",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "at_", "hsa_")

_DEFAULT_PORTS = {"http": 80, "https": 443}

#: Deepest element nesting parse_feed accepts. feedparser's time grows with the
#: square of the depth (a feed 100,000 levels deep took 100 s of CPU, holding
#: the whole service); real feeds nest about ten deep, XHTML content a few dozen.
MAX_FEED_DEPTH = 500
_TAG = re.compile(rb"<(/?)([A-Za-z][\w:.-]*)[^<>]*?(/?)>")
#: HTML in a feed's CDATA is text to the XML parser: its tags do not nest.
_CDATA = re.compile(rb"<!\[CDATA\[.*?\]\]>", re.DOTALL)
#: Elements that never enclose anything, closed or not (<br>, <img> in loose markup).
_VOID = frozenset(b"area base br col embed hr img input link meta param source track wbr".split())


def canonical_url(url: str, base: str | None = None) -> str:
    """Absolute, normalised form of url: the key under which an article is stored.

    Keeps the path as written (sites differ on trailing slashes and case) but
    drops what never selects a different page: fragment, tracking parameters,
    default port, upper-case scheme and host.
    """
    url = _bare(url)
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        # "http://[::1" has no canonical form: kept as written, so that one bad
        # link fails alone when fetched instead of taking its whole feed down.
        return url
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host
    if parts.username:
        netloc = f"{parts.username}@{host}"
    if port and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMS and not key.lower().startswith(TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    # Bared again: dropping a fragment can bare a space ("/a #top"), and the
    # canonical form of a canonical URL must be itself.
    return _bare(urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), "")))


#: What urlsplit strips from both ends of a URL (WHATWG: C0 controls and space).
_C0_OR_SPACE = "".join(chr(code) for code in range(0x21))


def _bare(url: str) -> str:
    """url without the whitespace and control characters around it, however they alternate."""
    while (stripped := url.strip().strip(_C0_OR_SPACE)) != url:
        url = stripped
    return url


#: Host prefixes that serve the same page in another dress (mobile, AMP).
_VARIANT_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
#: Query parameters that only ask for the AMP or mobile rendering of a page.
_VARIANT_PARAMS = frozenset({"amp", "outputtype", "output", "mobile", "m", "view"})
_VARIANT_VALUES = frozenset({"", "1", "true", "amp", "mobile"})


def url_identity_key(url: str) -> str:
    """A key under which the variants of one page meet (dedup layer 1): for matching only.

    canonical_url keeps what may select another page; this folds what does
    not, on the usual conventions: http/https, www./m./amp. hosts, a trailing
    slash, an /amp or .amp ending, an /amp/ first segment, ?amp and
    ?outputType=amp. Never fetch it: it is not a URL any server promised.
    """
    parts = urlsplit(canonical_url(url))
    host = parts.netloc
    for prefix in _VARIANT_HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
            break
    path = parts.path or "/"
    if path.startswith("/amp/"):
        path = path[4:]
    for suffix in ("/amp/", "/amp", ".amp", ".amp.html"):
        if path.endswith(suffix) and len(path) > len(suffix):
            path = path[: -len(suffix)] + (".html" if suffix == ".amp.html" else "")
            break
    path = path.rstrip("/") or "/"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not (key.lower() in _VARIANT_PARAMS and value.lower() in _VARIANT_VALUES)
    ]
    return urlunsplit(("", host, path, urlencode(sorted(query), doseq=True), "")).lstrip("/")


def discover_links(source: Source, fetched: Fetched) -> list[Link]:
    """The article links of one fetched feed or listing page, newest first when dates allow."""
    base = fetched.final_url
    if source.kind == "listing":
        return parse_listing(fetched.text, base, source.link_selector or "a")
    return parse_feed(fetched.body, base)


def parse_feed(body: bytes, base_url: str) -> list[Link]:
    """RSS or Atom entries as links; items without a usable link are skipped.

    A feed that is malformed but still yields entries is accepted (feedparser's
    "bozo" flag is common on real feeds); one that yields nothing raises.
    """
    if _nesting_over(body, MAX_FEED_DEPTH):
        raise DiscoverError(base_url, f"not a feed (elements nested more than {MAX_FEED_DEPTH} deep)")
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        if parsed.get("version") and not _malformed(parsed):
            return []  # a recognised feed that is simply empty
        raise DiscoverError(base_url, f"not a feed ({problem or 'no entries'})")
    links: dict[str, Link] = {}
    for entry in parsed.entries:
        href = _entry_href(entry)
        if not href:
            continue
        url = canonical_url(href, base_url)
        if not url.startswith(("http://", "https://")) or url in links:
            continue
        links[url] = Link(
            url=url,
            title=_clean(entry.get("title")),
            guid=entry.get("id") or None,
            published=_entry_date(entry),
            summary=_clean_html(entry.get("summary")),
        )
    if not links and _malformed(parsed):
        # Broken XML that yields no usable item is a broken feed, not an empty one.
        raise DiscoverError(base_url, f"not a feed ({parsed.get('bozo_exception')})")
    return _newest_first(list(links.values()))


def _malformed(parsed) -> bool:
    """Did feedparser find the XML broken (not merely a missing Content-Type or charset)?"""
    return isinstance(parsed.get("bozo_exception"), xml.sax.SAXException)


def parse_listing(html: str, base_url: str, selector: str) -> list[Link]:
    """Links matched by a CSS selector on a listing page, in page order (top is newest)."""
    # Lexbor's parse is quadratic in the nesting depth (100,000 levels: 30 s of
    # CPU): cut runaway nesting first, as extract does for article pages.
    data, cut = _cut_runaway_nesting(html.encode("utf-8", "replace"))
    tree = LexborHTMLParser(data.decode("utf-8", "replace") if cut else html)
    base = base_url
    base_tag = tree.css_first("base[href]")
    if base_tag is not None:
        base = urljoin(base_url, base_tag.attributes.get("href") or "")
    links: dict[str, Link] = {}
    for node in tree.css(selector):
        anchor = node if node.tag == "a" else node.css_first("a[href]")
        if anchor is None:
            continue
        href = (anchor.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = canonical_url(href, base)
        if not url.startswith(("http://", "https://")) or url in links:
            continue
        links[url] = Link(url=url, title=_clean(anchor.text(separator=" ")) or None)
    return list(links.values())


def _nesting_over(body: bytes, limit: int) -> bool:
    """Does some element of this XML nest more than `limit` deep? A linear scan of the tags."""
    if body.count(b"<") <= limit:
        return False
    depth = 0
    for tag in _TAG.finditer(_CDATA.sub(b"", body) if b"<![CDATA[" in body else body):
        if tag.group(2).lower() in _VOID:
            continue
        if tag.group(1):
            depth = max(0, depth - 1)
        elif not tag.group(3):
            depth += 1
            if depth > limit:
                return True
    return False


def _entry_href(entry) -> str | None:
    if entry.get("link"):
        return entry["link"]
    for link in entry.get("links", []):
        if link.get("href") and link.get("rel", "alternate") == "alternate":
            return link["href"]
    guid = entry.get("id") or ""
    if entry.get("guidislink") or guid.startswith(("http://", "https://")):
        return guid
    return None


def _entry_date(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
            except (OverflowError, ValueError, OSError):
                return None
    return None


def _newest_first(links: list[Link]) -> list[Link]:
    # Feeds are usually newest first already; sort only when every item is dated,
    # so an undated item keeps its place instead of falling to the end.
    if links and all(link.published for link in links):
        return sorted(links, key=lambda link: link.published, reverse=True)
    return links


_SPACES = re.compile(r"\s+")


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    return _SPACES.sub(" ", value).strip() or None


def _clean_html(value: str | None) -> str | None:
    if not value:
        return None
    if "<" in value:
        value = LexborHTMLParser(value).text(separator=" ")
    return _clean(value)

"""Small fixture sites for pipeline and CLI tests: a feed and its article pages, on a TestWeb."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import format_datetime
from datetime import datetime, timezone
from html import escape


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    paragraphs: tuple[str, ...]
    published: datetime
    lang: str = "en"


INVESTMENT_EN = Page(
    "/news/northwind-lyon.html",
    "Northwind Energy to build a battery plant near Lyon",
    (
        "Northwind Energy will invest €2 billion in a battery cell plant near Lyon, France, the Swedish group said on Tuesday.",
        "The site is expected to employ about 1,500 people when it reaches full output in 2027.",
        "Construction should start next spring after the environmental review, according to the company.",
    ),
    datetime(2024, 5, 14, 9, 0, tzinfo=timezone.utc),
)
PRODUCT_EN = Page(
    "/news/kettle.html",
    "A smart kettle that learns your morning routine",
    (
        "The new kettle connects to a phone app and boils water before the alarm clock rings.",
        "Reviewers found the app slow to pair but praised the quiet heating element.",
    ),
    datetime(2024, 5, 13, 9, 0, tzinfo=timezone.utc),
)
OLD_EN = Page(
    "/news/old.html",
    "Quarterly figures from a cable maker",
    (
        "The cable maker reported revenue of $300 million for the quarter, slightly above forecasts.",
        "Its shares rose four percent in early trading.",
    ),
    datetime(2024, 5, 12, 9, 0, tzinfo=timezone.utc),
)


def article_html(page: Page) -> str:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in page.paragraphs)
    return f"""<!doctype html>
<html lang="{page.lang}"><head><meta charset="utf-8"><title>{escape(page.title)} | Test Wire</title>
<meta property="article:published_time" content="{page.published.isoformat()}"></head>
<body>
<header><nav><a href="/">Home</a> <a href="/markets">Markets</a> <a href="/tech">Tech</a></nav></header>
<main><article><h1>{escape(page.title)}</h1>
<time datetime="{page.published.isoformat()}">{page.published:%d %B %Y}</time>
{body}
</article>
<aside class="related"><h3>Related coverage</h3><ul><li><a href="/x">Another story about markets</a></li></ul></aside>
</main>
<footer><p>Copyright Test Wire. All rights reserved.</p></footer>
</body></html>"""


def rss(base: str, pages: list[Page], title: str = "Test Wire") -> str:
    items = "\n".join(
        f"""<item><title>{escape(p.title)}</title><link>{base}{p.path}?utm_source=rss</link>
<guid isPermaLink="false">{escape(p.path)}</guid><pubDate>{format_datetime(p.published)}</pubDate></item>"""
        for p in pages
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{escape(title)}</title><link>{base}/</link><description>d</description>
{items}
</channel></rss>"""


def serve_site(web, pages: list[Page], feed_path: str = "/feed.xml") -> None:
    """Route a feed listing `pages` (in the given order) and each page's HTML."""
    web.route(feed_path, rss(web.base, pages), headers={"Content-Type": "application/rss+xml"})
    for page in pages:
        web.route(page.path, article_html(page), headers={"Content-Type": "text/html; charset=utf-8"})

"""Article extraction: one HTML page -> Article (title, body text, metadata).

Owns :func:`extract` and :func:`explain`. Both are pure (no I/O, no clock) and
never raise: a page that yields nothing comes back as an Article with empty
text and a ``reason``.

The page is parsed once with selectolax's Lexbor backend, then:

1. metadata is read while the page is whole: JSON-LD, <meta>, <title>,
   <link rel=canonical>; what never holds text goes (scripts, styles, hidden
   elements, captions), then the source's ``drop_selectors``;
2. one walk (:func:`_walk`) reads each element's tag and attributes once and
   finds what the next steps need: the metadata nodes, the junk, where the
   <h1>s, <time>s and bylines are, the boilerplate candidates, the headings
   that may introduce boilerplate, the paragraphs and the quoted posts;
3. boilerplate blocks go, found by tag (nav, aside, footer, header, form),
   by class/id words (share, related, comment, newsletter... in English,
   French, German and Spanish) and by the heading that introduces them
   ("Les derniers articles", "Leave a reply", "Leggi anche", "Читайте также"...).
   A block holding the title's <h1>, a declared body or a good share of the
   paragraph text stays whatever its class says: page builders put "widget"
   on the article's own wrappers; so does a post quoted in a <blockquote>;
4. the body is what the page declares, when it can be trusted:
   ``content_selector`` as is; the block holding the paragraphs that JSON-LD
   ``articleBody`` quotes; ``[itemprop=articleBody]``, ``<article>`` and
   ``.entry-content``-like blocks if they hold most of what paragraph scoring
   finds. Otherwise the scoring's choice: the block with the most paragraph
   text (a <p>'s length, less its links, goes to its parent, half to the
   grandparent...), plus the sibling blocks that continue it, plus the
   blocks of the same tag and class elsewhere (an article cut into parts);
5. inside the body, labelled blocks ("Lire aussi", "Tags:") and link lists go;
6. the body is rendered block by block: paragraphs and headings separated by
   blank lines, list items one per line, without the title, byline and date
   lines repeated at either end. If the page shows only a teaser of its
   JSON-LD ``articleBody`` (a paywall, a page built by JavaScript) and the
   JSON-LD headline is the page's title, articleBody is the text;
7. the language is the page's declaration checked against the text
   (stopwords, then py3langid on a bounded slice: :func:`_language`).

No Python code here recurses on the DOM depth. Lexbor's own parse is
quadratic in it, so runaway nesting is cut first, and megabytes of tiny
tags too (:func:`_cut_runaway_nesting`). Each CSS query walks the whole tree
(~0.1 ms on a news page, more per selector in its list, most for attribute
tests), so the first pass over the body is one walk in Python that reads
each element's attributes once (:func:`_walk`, replacing two queries of 53
selectors), and the later queries are few, with plain tags where they can be.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from html import unescape
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .charset import decode_body
from .types import Article

log = logging.getLogger(__name__)

__all__ = ["Dropped", "explain", "extract"]


@dataclass(frozen=True)
class Dropped:
    """One block the extractor removed, as `monitor extract --explain` lists it."""

    #: Where it was: up to four tags from the block upward, e.g. "article > div.share-bar".
    path: str
    #: Why, e.g. "<nav>", "class/id 'share'", "heading 'Lire aussi'", "drop_selectors '.promo'".
    reason: str
    #: The first 80 characters of its text.
    text: str


def extract(
    html: str | bytes,
    url: str | None = None,
    *,
    content_selector: str | None = None,
    drop_selectors: Sequence[str] = (),
) -> Article:
    """Return the article of one page: title, body text and metadata.

    ``url`` resolves relative canonical and image URLs. ``content_selector``
    names the body's container on this site (it overrides the heuristics);
    ``drop_selectors`` are removed before anything else.
    """
    return _run(html, url, content_selector, tuple(drop_selectors), _Drops(record=False))


def explain(
    html: str | bytes,
    url: str | None = None,
    *,
    content_selector: str | None = None,
    drop_selectors: Sequence[str] = (),
) -> tuple[Article, list[Dropped]]:
    """Like :func:`extract`, and also list the blocks dropped and why."""
    drops = _Drops(record=True)
    article = _run(html, url, content_selector, tuple(drop_selectors), drops)
    return article, drops.items


# --------------------------------------------------------------------------
# Vocabulary: what boilerplate looks like.

#: Elements that never hold article text, removed first. Captions are not
#: body text either: an article reads the same without its pictures.
_JUNK_TAGS = frozenset(
    "script style noscript iframe svg template object embed canvas video audio link meta input"
    " select textarea button figcaption".split()
)
# Hidden elements go too: [hidden], aria-hidden="true", a style saying display: none.
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none")
#: Where metadata is: the <head>'s query; in the body, _walk collects _BODY_META_TAGS.
_HEAD_META = 'meta[content], title, base[href], link[rel~=canonical], script[type*="ld+json"]'

#: Boilerplate kinds: a "header" block may hold the title <h1> and still go;
#: a "comments" block may hold much paragraph text and still go.
_BOILERPLATE_TAGS = {"nav": "other", "aside": "other", "footer": "other", "header": "header",
                     "form": "other", "menu": "other", "dialog": "other"}  # fmt: skip
_BOILERPLATE_ROLES = {
    "navigation": "other", "banner": "header", "contentinfo": "other", "complementary": "other",
    "search": "other", "dialog": "other", "alertdialog": "other", "menu": "other",
    "menubar": "other", "toolbar": "other",
}  # fmt: skip

# Class and id words of boilerplate blocks, matched on the lowercased
# "class id" string. Distinctive stems match anywhere ("sharebar",
# "jp-relatedposts"); others must start a word ("nav-links" but not
# "canvas", "search-form" but not "research"); short ones must be a whole
# word ("ad", "tags", "meta").
_ANYWHERE = """
    comment kommentar comentario disqus masthead related relacionad verwandt similar recommend
    recommand empfehl morefrom more-from readmore read-more lireaussi lire-aussi share sharing
    partage compartir social sociaux newsletter subscri signup sign-up abonnement promo bonplan
    bon-plan affiliat sponsor advert adsense adslot adunit outbrain taboola werbung anzeige
    publicidad publicite widget sidebar side-bar breadcrumb cookie consent gdpr rgpd didomi
    onetrust footer navbar menu popular mostread most-read mostviewed most-viewed trending
    meistgelesen masleido mas-leido pluslus plus-lus authorbio author-bio aboutauthor about-author
    authorbox author-box authorinfo author-info about-the-author abouttheauthor pagination pager recherche comparat modal popup
    overlay skiplink skip-link screen-reader sr-only visually-hidden caption gallery slideshow
    carousel
"""
_WORD_START = "respond nav search follow latest derniers teilen inscription a-lire header topbar top-bar"
_WHOLE_WORD = r"""
    ad ads ad\d+ pub dfp cmp deal deals tag tags tagcloud taglist tag-list meta byline rating
    tools toolbar print bio prix reply replies credit credits
"""
_COMMENT_WORDS = ("comment", "kommentar", "comentario", "disqus", "respond", "repl")
_HEADER_WORDS = ("header", "masthead", "topbar", "top-bar")


def _alternation(words: str) -> str:
    """A regex alternation grouped by first letter: several times faster in re than a flat one."""
    groups: dict[str, list[str]] = {}
    for word in words.split():
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(f"{first}(?:{'|'.join(sorted(rests, key=len, reverse=True))})" for first, rests in groups.items())


_BOILERPLATE_CLASS = re.compile(
    f"(?:{_alternation(_ANYWHERE)})"
    f"|(?<![a-z0-9])(?:{_alternation(_WORD_START)})"
    f"|(?<![a-z0-9])(?:{_alternation(_WHOLE_WORD)})(?![a-z0-9])"
)

#: Classes of the article's body container on common themes and CMSs.
_BODY_CLASS = re.compile(
    "entry-content|post-content|article-body|article-content|articlebody|article__body"
    "|article__content|story-body|story-content|post-body|content-body|single-content"
    "|news-content|texte-article"
)

#: Classes of headings that introduce a list of other articles or comments.
_LABEL_CLASS = re.compile("related|recommend|recommand|popular|trending|most-?read|comment|similar|more-from|latest|derniers")

#: Headings and labels that introduce boilerplate, as _phrase() writes them:
#: lowercase, no accents, no digits, punctuation turned to spaces.
_LABELS = frozenset(
    label.strip()
    for label in """
    related|related articles|related stories|related coverage|related posts|related news
    related content|related topics|more from|more stories|more news|more on this story
    most read|most popular|most viewed|popular|popular posts|popular articles|trending
    trending now|recommended|recommended for you|read also|also read|read more|see also
    you may also like|you might also like|latest|latest news|latest articles|latest stories
    latest posts|recent posts|recent articles|leave a reply|leave a comment|comments|comment
    join the conversation|tags|topics|share|share this|share this article|share this story
    share this post|follow us|newsletter|sign up|subscribe|advertisement|sponsored
    sponsored content|les derniers articles|derniers articles|a lire aussi|lire aussi
    a lire egalement|lire egalement|a voir aussi|les plus lus|les plus populaires
    articles les plus lus|sur le meme sujet|dans la meme rubrique|vous aimerez aussi
    vous pourriez aimer|articles similaires|articles lies|articles recommandes
    laisser un commentaire|laissez un commentaire|commentaires|commentaire|reagir
    quelques regles a respecter|partager|partager cet article|partagez|suivez nous
    inscrivez vous|bon plan|bons plans|bonplan|promos|les promos|comparer les prix
    comparateur|recherche|rechercher|mots cles|publicite|das konnte sie auch interessieren
    mehr zum thema|meistgelesen|meistgelesene artikel|kommentare|verwandte artikel|teilen
    werbung|anzeige|noticias relacionadas|te puede interesar|lo mas leido|comentarios|a lire
    compartir|articulos relacionados|publicidad|about the author|a propos de l auteur|uber den autor
    sobre el autor|deals|deals of the day|today s deals|compare prices|price comparison
    advert|adverts|ad|ads|advertising|story continues below advertisement|article continues below
    continue reading below|don t miss|dont miss|must read|editor s picks|editors picks|top stories
    more stories like this|more like this|more like this one|more stories like this one|read next
    recommended stories|recommended articles|related reading|up next|what to read next
    you may be interested in|you may also be interested in|trending stories|popular stories
    this slideshow requires javascript|tell us what you think|have your say|what do you think
    voir aussi|a decouvrir|a decouvrir aussi|sur le meme theme|les plus partages|nos autres articles
    la suite apres la publicite|la suite apres cette publicite|dans l actualite
    lesen sie auch|lesen sie mehr|auch interessant|weitere artikel|weitere nachrichten|mehr dazu
    empfohlene artikel|artikel teilen|zum thema
    lee tambien|leer mas|mas noticias|tambien te puede interesar|te recomendamos|lo mas visto
    mas leidas|mas leidos|relacionados|relacionadas
    leia tambem|leia mais|veja tambem|veja mais|mais lidas|mais lidos|publicidade|compartilhe
    compartilhar|materias relacionadas|posts relacionados|artigos relacionados|noticias relacionadas
    leggi anche|leggi di piu|potrebbe interessarti|ti potrebbe interessare|articoli correlati
    piu letti|i piu letti|ultime notizie|pubblicita|condividi|commenti|notizie correlate
    lees ook|lees meer|meer nieuws|gerelateerde artikelen|meest gelezen|advertentie|reacties
    czytaj takze|zobacz takze|zobacz rowniez|polecane|komentarze|najczesciej czytane
    ilgili haberler|benzer haberler|en cok okunanlar|yorumlar
    читайте также|похожие статьи|похожие новости|новости по теме|материалы по теме|популярное
    самое читаемое|комментарии|поделиться
    相关文章|相关阅读|推荐阅读|热门文章|延伸阅读|相关新闻|関連記事|おすすめ記事|人気記事|関連ニュース
    관련 기사|관련기사|많이 본 뉴스|인기 기사
    اقرأ أيضا|مقالات ذات صلة|الأكثر قراءة
    """.replace("\n", "|").split("|")
) - {""}

#: Labels that may go on with more words ("Les dernières actus Apple sur...").
#: Only phrases that cannot open an ordinary sentence of the body.
_LABEL_PREFIXES = tuple(
    p + " "
    for p in (
        "les derniers articles", "les dernieres actus", "les dernieres actualites",
        "derniers articles", "a lire aussi", "a lire egalement", "lire aussi", "lire egalement",
        "sur le meme sujet", "dans la meme rubrique", "les plus lus", "vous aimerez aussi",
        "vous pourriez aussi", "vous pourriez aimer", "les sujets lies", "quelques regles",
        "laisser un commentaire", "comparer les prix", "recherchez des", "bon plan", "bons plans",
        "bonplan", "les promos", "inscrivez vous", "abonnez vous", "suivez nous", "leave a",
        "related", "read also", "also read", "read more", "see also", "more from", "most read",
        "most popular", "you may also", "you might also", "share this", "share on", "follow us",
        "sign up for", "subscribe to", "latest news", "latest articles", "mehr zum thema",
        "das konnte sie", "te puede", "lo mas leido", "noticias relacionadas",
        "articulos relacionados", "more stories like", "more like this", "don t miss",
        "you may be interested", "recommended for", "read next", "story continues below",
        "article continues below", "continue reading below", "a decouvrir aussi", "la suite apres",
        "lesen sie auch", "lee tambien", "tambien te puede", "leia tambem", "leia mais",
        "veja tambem", "leggi anche", "ti potrebbe", "lees ook", "czytaj takze", "zobacz takze",
        "читайте также", "похожие", "相关文章", "関連記事", "관련 기사",
    )
)  # fmt: skip

#: The words a label can start with (see the end of the module).
_LABEL_FIRST_WORDS: frozenset[str] = frozenset()
_FIRST_LETTERS = re.compile(r"[^\W\d_]+")

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}

#: Tags that start a new block of text when rendering.
_BLOCKS = frozenset(
    "p div section article main header footer aside nav ul ol li dl dt dd blockquote pre"
    " figure figcaption table thead tbody tfoot tr caption hr address details summary center"
    " form fieldset h1 h2 h3 h4 h5 h6".split()
)
#: Blocks rendered one per line rather than as paragraphs.
_LINES = frozenset({"li", "dt", "dd", "tr"})

# Shorter paragraphs are bylines, buttons or credits, not body text.
_MIN_PARAGRAPH = 25
# Longer texts are never a label ("Lire aussi", "Tags: a, b").
_MAX_LABEL = 400
# A quoted post worth keeping says at least this much.
_MIN_QUOTE = 40

# Lexbor's tree builder walks its stack of open elements on each block start
# tag, so parsing N nested <div>s costs N²: 100,000 levels take 20 s. Real
# pages stay under ~100 levels.
_DEPTH_LIMIT = 1000
# Tags (counted as '<', comments and closing tags included) read at most: ten times a big page's.
_MAX_TAGS = 200_000
_SCAN_STEP = 16_384
_NOT_TAG_MARKS = bytes(b for b in range(256) if b not in b"</")


# --------------------------------------------------------------------------
# The run.


class _Drops:
    """Removes nodes from the tree, remembering them for explain()."""

    def __init__(self, record: bool):
        self.record = record
        self.items: list[Dropped] = []

    def remove(self, plan: _Plan) -> None:
        """Decompose the planned nodes that are not inside another planned one.

        Which those are is settled before the first decompose: a node inside
        a decomposed one is freed memory and must never be touched.
        """
        # (Walks up shared ancestors once: the plan remembers what it walked.)
        outermost = [(node, reason) for node, reason in plan.items if (parent := node.parent) is None or not plan.covers(parent)]
        for node, reason in outermost:
            if self.record:
                self.items.append(Dropped(_path(node), reason, _snippet(node)))
            node.decompose()


class _Plan:
    """Nodes chosen for removal in one pass; decided first, removed together."""

    def __init__(self, preorder: bool = False) -> None:
        self.items: list[tuple[LexborNode, str]] = []
        self.ids: set[int] = set()
        # Whether a planned node is above each ancestor already walked:
        # candidates nest, and share most of their ancestors.
        self._walked: dict[int, bool] = {}
        # Nodes added in document order never lie above a node walked before
        # (an ancestor comes before its descendants), so the walks stay true.
        self._preorder = preorder

    def covers(self, node: LexborNode) -> bool:
        """True if node or one of its ancestors is already planned."""
        walked = []
        current = node
        found = False
        while current is not None:
            mem_id = current.mem_id
            if mem_id in self.ids:
                found = True
                break
            if mem_id in self._walked:
                found = self._walked[mem_id]
                break
            walked.append(mem_id)
            current = current.parent
        for mem_id in walked:
            self._walked[mem_id] = found
        return found

    def add(self, node: LexborNode, reason: str) -> None:
        self.items.append((node, reason))
        self.ids.add(node.mem_id)
        if not self._preorder:
            self._walked.clear()  # nodes below the new one may have been walked as uncovered


def _run(html, url, content_selector, drop_selectors, drops: _Drops) -> Article:
    try:
        return _extract(html, url, content_selector, drop_selectors, drops)
    except Exception as e:  # one hostile page must never stop a batch: say why instead
        log.exception("extraction failed for %s", url)
        return Article(title="", text="", reason=f"extraction failed: {type(e).__name__}: {e}")


def _extract(html, url, content_selector, drop_selectors, drops: _Drops) -> Article:
    text, reason = _as_text(html)
    if reason:
        return Article(title="", text="", reason=reason)
    # Lexbor parses UTF-8 bytes faster than str, which pays for the encoding.
    data, cut_because = _cut_runaway_nesting(text.encode("utf-8", "replace"))
    tree = LexborHTMLParser(data)
    head, body = tree.head, tree.body
    # Metadata is read from the <head>, and from the <meta>, <link> and JSON-LD
    # <script>s of the body that the junk query finds anyway: one query fewer.
    head_nodes = head.css(_HEAD_META) if head is not None else []
    if body is None:  # a <frameset> page
        return _article(_read_metadata(tree, head_nodes, url), _Marks(), None, "", "no text found (no <body>)")
    metas, junk, survey = _walk(body)
    meta = _read_metadata(tree, head_nodes + metas, url)
    for node in junk:  # the outermost ones: none inside another
        node.decompose()
    if drop_selectors:
        _drop_by_selectors(body, drop_selectors, drops)
        _, _, survey = _walk(body)  # the first one's nodes may be gone
    declared = _select(body, content_selector) if content_selector else []
    marks = _read_marks(survey.landmarks, meta, declared)
    if meta.author is None and marks.byline:
        meta = replace(meta, author=marks.byline)

    share = _Share(body, survey.paragraphs)
    # The headings that survive the boilerplate's removal are known before it:
    # a node inside a decomposed block is freed memory.
    plan = _boilerplate_plan(survey.candidates, marks, share, survey.quoted)
    headings = [node for node in survey.headings if not plan.covers(node)]
    drops.remove(plan)
    _drop_labelled(body, marks.protected | marks.keep, share, drops, headings_only=True, nodes=headings)

    long: set[int] = set()
    containers = declared or _choose_containers(body, meta, share, long)
    for container in containers:
        _drop_labelled(container, set(), _Share(container), drops, headings_only=False, long=long)
        _drop_link_lists(container, drops)
    titles = (meta.og_title, meta.headline, meta.html_title, marks.main_h1.text if marks.main_h1 else "")
    body_text = _render(containers, skip_h1=True, titles=titles)

    if meta.article_body and len(body_text) < 0.6 * len(meta.article_body) and _describes_page(meta, marks):
        body_text = meta.article_body  # the page shows a teaser, or builds its body with JavaScript
    if cut_because is not None:
        reason = cut_because
    elif not body_text:
        reason = "no text found"
    return _article(meta, marks, containers[0] if containers else None, body_text, reason)


def _article(meta: _Meta, marks: _Marks, main: LexborNode | None, text: str, reason: str | None) -> Article:
    """Fill in the Article; main is the body's block, for the title and dates near it."""
    near_h1 = _nearest(marks.h1s, main)
    published = meta.published
    # A <time> in the body's block or the one around it (the article's header),
    # not one of a comment or a teaser further away.
    if published is None and (near_time := _nearest(marks.times, main, levels=2)) is not None:
        published = near_time.value
    if published is None:
        # A date written next to the title, the one nearest the body first.
        h1s = sorted(marks.h1s, key=lambda h1: h1 is not (near_h1 or marks.main_h1))
        published = next((h1.value for h1 in h1s if h1.value is not None), None)
    h1_title = near_h1.text if near_h1 else ""
    return Article(
        title=meta.og_title or meta.headline or h1_title or meta.html_title or (marks.main_h1.text if marks.main_h1 else ""),
        text=text,
        published=published,
        lang=_language(meta.lang, text),
        canonical_url=meta.canonical_url,
        author=meta.author,
        description=meta.description,
        image=meta.image,
        reason=reason,
    )


# --------------------------------------------------------------------------
# Input: bytes or text, and pages that are not HTML or would hang the parser.

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not (b <= 0x08 or b == 0x0B or 0x0E <= b <= 0x1F))
_BOM_STARTS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_TAG_START = re.compile(r"<[a-zA-Z!?/]")


def _as_text(html) -> tuple[str, str | None]:
    """The page as text, or a reason why there is nothing to read."""
    if isinstance(html, (bytes, bytearray, memoryview)):
        raw = bytes(html)
        if not raw or raw.isspace():  # (strip() would copy the page)
            return "", "empty document"
        # Binary data shows in its first bytes: no need to decode megabytes of it. (Text
        # with a byte-order mark may be UTF-16, whose ASCII has a NUL byte per character.)
        head = raw[:4096]
        if not head.startswith(_BOM_STARTS) and len(head.translate(None, _NOT_CONTROL_BYTES)) > len(head) // 50:
            return "", "not html"
        text, _ = decode_body(raw)
    elif isinstance(html, str):
        text = html
    else:
        return "", "not html"
    if not text or text.isspace():
        return "", "empty document"
    head = text[:4096]
    # Binary data decodes to control characters and U+FFFD; HTML has few of either.
    if len(_CONTROL.findall(head)) > len(head) // 50 or not _TAG_START.search(text, 0, 65536):
        return "", "not html"
    return text, None


def _cut_runaway_nesting(data: bytes) -> tuple[bytes, str | None]:
    """Cut the page where its elements nest deeper than _DEPTH_LIMIT, or pass _MAX_TAGS tags.

    Returns the page, and why it was cut (None if whole).

    Counts '<' and '</' step by step: their running difference bounds the
    depth from above, inflated by void elements (<br>, <img>) and comments.
    When it passes the limit, the depth is read by parsing: first only the
    text since the last check (its open elements add to the depth known
    there), then, if that still looks too deep, the whole prefix. A real
    runaway cuts the page there; a false alarm moves the baseline. On
    bytes this costs about a third of the parse; a page of a hundred
    thousand <br>s costs a hundred small parses.

    Real pages hold a few thousand elements; the work after the parse is
    linear in them, so megabytes of tiny tags are cut at _MAX_TAGS.
    """
    if len(data) <= 3 * _DEPTH_LIMIT:  # "<b>" is the shortest tag: too few to nest that deep
        return data, None
    estimate = baseline = tags = 0
    checked_at = depth = 0
    for start in range(0, len(data), _SCAN_STEP):
        end = start + _SCAN_STEP
        # Counting in the chunk's '<' and '/' alone (a twentieth of it) costs half as
        # much as counting two needles in the whole chunk.
        marks = data[start:end].translate(None, _NOT_TAG_MARKS)
        opened = marks.count(b"<")
        tags += opened
        if tags > _MAX_TAGS:
            return data[:start], f"too many elements: read the first {start} bytes only"
        estimate += opened - 2 * marks.count(b"</")
        if estimate - baseline <= _DEPTH_LIMIT:
            continue
        depth += _depth_at_end(data[checked_at:end])
        if depth > _DEPTH_LIMIT:
            depth = _depth_at_end(data[:end])
            if depth > _DEPTH_LIMIT:
                return data[:start], f"markup nested too deeply: read the first {start} bytes only"
        checked_at, baseline = end, estimate - depth
    return data, None


def _depth_at_end(prefix: bytes) -> int:
    """How many elements are still open at the end of prefix."""
    node = LexborHTMLParser(prefix).root
    depth = 0
    while node is not None:
        depth += 1
        node = node.last_child
    return depth


# --------------------------------------------------------------------------
# Metadata: read first, from the whole page.


@dataclass(frozen=True)
class _Meta:
    og_title: str
    headline: str
    html_title: str
    published: datetime | None
    lang: str | None
    canonical_url: str | None
    author: str | None
    description: str | None
    image: str | None
    #: JSON-LD articleBody, as paragraphs separated by blank lines ("" if none).
    article_body: str


_ARTICLE_TYPES = frozenset(
    "article newsarticle blogposting reportagenewsarticle analysisnewsarticle opinionnewsarticle"
    " reviewnewsarticle backgroundnewsarticle techarticle scholarlyarticle liveblogposting report"
    " advertisercontentarticle satiricalarticle".split()
)

_PUBLISHED_META = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "article.published", "datepublished", "pubdate", "publishdate", "publish-date",
    "publication_date", "dc.date.issued", "dc.date", "dcterms.created", "dcterms.date",
    "sailthru.date", "parsely-pub-date", "date",
)  # fmt: skip


def _read_metadata(tree: LexborHTMLParser, nodes: list[LexborNode], url: str | None) -> _Meta:
    """The page's metadata from its <meta>, <title>, <base>, <link> and JSON-LD nodes, in document order.

    The author comes from JSON-LD or <meta> here; from a byline later (see _Marks.bylines).
    """
    metas: dict[str, str] = {}
    scripts, title_node, base_href, canonical_href = [], None, None, None
    for node in nodes:
        tag, attrs = node.tag, node.attributes
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or attrs.get("http-equiv")
            content = (attrs.get("content") or "").strip()
            if key and content:
                metas.setdefault(key.strip().lower(), content)
        elif tag == "script":
            if "ld+json" in (attrs.get("type") or "").lower():
                scripts.append(node)
        elif tag == "title":
            title_node = title_node or node
        elif tag == "base":
            base_href = base_href or attrs.get("href")
        elif tag == "link":
            if canonical_href is None and "canonical" in (attrs.get("rel") or "").lower().split():
                canonical_href = attrs.get("href")
    ld = _jsonld_article(scripts)
    base = (_resolve(base_href, url) or url) if base_href else url

    site = _clean(metas.get("og:site_name", ""))
    html_title = _strip_site(_clean(title_node.text()) if title_node else "", site, guess=True)
    og_title = _strip_site(_clean(metas.get("og:title") or metas.get("twitter:title") or ""), site)

    published = _parse_datetime(_ld_text(ld.get("datePublished")))
    for key in _PUBLISHED_META:
        if published is None and key in metas:
            published = _parse_datetime(metas[key])

    root = tree.root
    lang_attr = (root.attributes.get("lang") or root.attributes.get("xml:lang")) if root else None
    lang = (
        _lang_code(lang_attr)
        or _lang_code(metas.get("og:locale"))
        or _lang_code(metas.get("content-language"))
        or _lang_code(_ld_text(ld.get("inLanguage")))
    )

    author = _ld_names(ld.get("author"))
    if not author:
        meta_author = metas.get("author") or metas.get("article:author") or metas.get("parsely-author")
        if meta_author and "://" not in meta_author:
            author = _clean(meta_author)

    description = metas.get("description") or metas.get("og:description") or metas.get("twitter:description")
    image = metas.get("og:image") or metas.get("og:image:url") or metas.get("twitter:image")
    return _Meta(
        og_title=og_title,
        headline=_clean(_ld_text(ld.get("headline"))),
        html_title=html_title,
        published=published,
        lang=lang,
        canonical_url=_resolve(canonical_href, base) or _resolve(metas.get("og:url"), base),
        author=author or None,
        description=_clean(description or _ld_text(ld.get("description"))) or None,
        image=_resolve(image or _ld_image(ld.get("image")), base),
        article_body=_ld_body(ld.get("articleBody")),
    )


_BY = re.compile(r"^(?:by|par|von|por)\s+", re.IGNORECASE)


def _byline_name(nodes: list[LexborNode]) -> str | None:
    """The author's name in a byline: short, without "By", not "View all posts by..."."""
    for node in nodes:
        name = _BY.sub("", _clean(node.text()))
        if 0 < len(name) <= 60 and len(name.split()) <= 6 and " by " not in name.lower():
            return name
    return None


def _jsonld_article(scripts: list[LexborNode]) -> dict:
    """The page's JSON-LD Article object (the one with a body if several), or {}."""
    found: list[dict] = []
    for script in scripts:
        raw = script.text().strip()
        # Some CMSs wrap the JSON in an HTML comment or a CDATA section.
        if "-->" in raw or "]]>" in raw or "<!" in raw:  # each wrapper holds one of these
            for wrapper in ("<!--", "-->", "//<![CDATA[", "//]]>", "<![CDATA[", "]]>"):
                raw = raw.replace(wrapper, "")
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        stack, seen = [data], 0
        while stack and seen < 1000:  # iterative and bounded: the page wrote this JSON
            item = stack.pop()
            seen += 1
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                types = item.get("@type")
                types = types if isinstance(types, list) else [types]
                if any(isinstance(t, str) and re.split(r"[/:]", t)[-1].lower() in _ARTICLE_TYPES for t in types):
                    found.append(item)
                for key in ("@graph", "mainEntity"):
                    if isinstance(item.get(key), (list, dict)):
                        stack.append(item[key])
    with_body = [item for item in found if isinstance(item.get("articleBody"), str)]
    return (with_body or found or [{}])[0]


def _ld_text(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    return value.strip() if isinstance(value, str) else None


def _ld_names(value) -> str | None:
    items = value if isinstance(value, list) else [value]
    names = [_clean(name) for item in items if (name := _ld_text(item))]
    return ", ".join(dict.fromkeys(name for name in names if name and "://" not in name)) or None


def _ld_image(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value if isinstance(value, str) else None


def _ld_body(value) -> str:
    """JSON-LD articleBody as paragraphs; some sites put HTML in it."""
    if not isinstance(value, str) or len(value) < 200:
        return ""
    value = unescape(value)
    if _TAG_START.search(value):
        fragment = LexborHTMLParser(value).body
        return _render([fragment], skip_h1=False) if fragment is not None else ""
    lines = (" ".join(line.split()) for line in value.splitlines())
    return "\n\n".join(line for line in lines if line)


def _strip_site(title: str, site: str, guess: bool = False) -> str:
    """Drop a " - Site name" / " | Site" suffix (or a "Site | " prefix) from a title.

    With guess, a short last part goes even when the site's name is unknown.
    """
    for sep in (" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " / ", " : "):
        if sep not in title:
            continue
        head, tail = title.rsplit(sep, 1)
        first, rest = title.split(sep, 1)
        if site and _squash(tail) == _squash(site):
            return head.strip()
        if site and _squash(first) == _squash(site):
            return rest.strip()
        if guess and sep != " : " and len(tail.split()) <= 4 and len(head.split()) >= 3:
            return head.strip()
    return title


def _lang_code(value: str | None) -> str | None:
    """ISO 639-1 code of "fr-FR", "en_US", "FR", "fra"...; None if unreadable."""
    if not value:
        return None
    code = re.split(r"[-_,;\s]", value.strip().lower(), maxsplit=1)[0]
    code = {"fra": "fr", "fre": "fr", "eng": "en", "deu": "de", "ger": "de", "spa": "es",
            "ita": "it", "por": "pt", "nld": "nl", "dut": "nl"}.get(code, code)  # fmt: skip
    return code if len(code) == 2 and code.isalpha() and code.isascii() else None


def _resolve(href: str | None, base: str | None) -> str | None:
    """href made absolute against base; None unless it ends up http(s)."""
    if not href or not (href := href.strip()):
        return None
    try:
        # Most are absolute already: urljoin costs more than the rest of the metadata.
        if href[:8].lower().startswith(("http://", "https://")):
            if href.isascii() and "[" not in href and "]" not in href:
                return href  # what urlsplit could object to is non-ASCII hosts and IPv6 brackets
            absolute = href
        else:
            absolute = urljoin(base or "", href)
        scheme = urlsplit(absolute).scheme
    except ValueError:  # e.g. an unclosed "[" in the host
        return None
    return absolute if scheme in ("http", "https") else None


# --------------------------------------------------------------------------
# Dates.

_MONTHS = {
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
    # French, accents removed
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9,
    "octobre": 10, "novembre": 11, "decembre": 12,
    # German and Spanish
    "januar": 1, "februar": 2, "marz": 3, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    # Italian, Portuguese, Dutch
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7, "settembre": 9,
    "ottobre": 10, "dicembre": 12, "janeiro": 1, "fevereiro": 2, "marco": 3, "maio": 5, "junho": 6,
    "julho": 7, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12, "januari": 1,
    "februari": 2, "maart": 3, "mei": 5, "augustus": 8,
    # Russian, in the genitive a date uses ("13 мая 2024")
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}  # fmt: skip

# An optional time after a date: "• 12:55", "à 9h05", ", 4:05 p.m.", "um 10:30".
_TIME = r"(?:\s*(?:[,•|·–—-]|a|at|um)?\s*(\d{1,2})\s*[:h]\s*(\d{2})(?:\s*([ap])\.?m\b\.?)?)?"
# "13 mai 2024", "13 Mai. 2024", "1er mai 2024", "13 de mayo de 2024", "13 May 2024"
_DMY = re.compile(r"\b(\d{1,2})(?:er|st|nd|rd|th)?\.?\s+(?:de\s+)?([^\W\d_]{3,9})\.?,?\s+(?:de\s+)?(\d{4})" + _TIME)
# "May 13, 2024", "Sept. 3 2024"
_MDY = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME)
# "2024-05-13 12:55", "2024.05.13", "2024/5/13", "2024年5月13日"
_YMD = re.compile(r"\b(\d{4})(?:-(\d{2})-(\d{2})|[./](\d{1,2})[./](\d{1,2})\b|年(\d{1,2})月(\d{1,2})日)" + _TIME)
# "13/05/2024 à 14h02", "13.05.2024"
_NUMERIC_DMY = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b" + _TIME)


def _parse_datetime(value: str | None) -> datetime | None:
    """A timezone-aware datetime from ISO 8601, RFC 2822 or a written date; naive means UTC."""
    if not value:
        return None
    value = value.strip()[:100]
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return _date_in_text(value)
    return _aware(parsed)


def _aware(value: datetime) -> datetime | None:
    if not 1990 <= value.year <= 2100:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def _date_in_text(text: str) -> datetime | None:
    """The first date written out in text (English, French, German, Spanish)."""
    text = _fold(text).lower()
    found = []
    for match in _DMY.finditer(text):
        day, month, year, hour, minute, ampm = match.groups()
        found.append((match.start(), year, _MONTHS.get(month), day, hour, minute, ampm))
    for match in _MDY.finditer(text):
        month, day, year, hour, minute, ampm = match.groups()
        found.append((match.start(), year, _MONTHS.get(month), day, hour, minute, ampm))
    for match in _YMD.finditer(text):
        year, m1, d1, m2, d2, m3, d3, hour, minute, ampm = match.groups()
        found.append((match.start(), year, int(m1 or m2 or m3), d1 or d2 or d3, hour, minute, ampm))
    for match in _NUMERIC_DMY.finditer(text):
        first, second, year, hour, minute, ampm = match.groups()
        day, month = int(first), int(second)
        # Day first, as in French (13/05/2024), unless only month first can be a date (05/13/2024).
        if month > 12 >= day:
            day, month = month, day
        found.append((match.start(), year, month, day, hour, minute, ampm))
    for _, year, month, day, hour, minute, ampm in sorted(found, key=lambda f: f[0]):
        if not month:
            continue
        hour_n = int(hour) if hour else 0
        if ampm == "p" and hour_n < 12:
            hour_n += 12
        elif ampm == "a" and hour_n == 12:
            hour_n = 0
        try:
            parsed = datetime(int(year), month, int(day), hour_n, int(minute) if minute else 0)
        except ValueError:
            continue
        if (aware := _aware(parsed)) is not None:
            return aware
    return None


# --------------------------------------------------------------------------
# Landmarks: where the title and dates were, read before blocks are dropped.


@dataclass(frozen=True)
class _Mark:
    """An <h1> (with the date written near it) or a <time>, and where it stood."""

    #: mem_ids of the element and all its ancestors (the element itself may be dropped later).
    lineage: frozenset[int]
    text: str = ""
    value: datetime | None = None


@dataclass(frozen=True)
class _Marks:
    h1s: tuple[_Mark, ...] = ()
    #: The <h1> that is the article's title (not a logo's).
    main_h1: _Mark | None = None
    times: tuple[_Mark, ...] = ()
    #: Declared bodies and their ancestors: never dropped.
    protected: frozenset[int] = frozenset()
    #: The title's ancestors: dropped only if they look like a header.
    keep: frozenset[int] = frozenset()
    #: The author's name as a byline writes it (read only when the metadata has none).
    byline: str | None = None


@dataclass(frozen=True)
class _Survey:
    """What one walk over the body finds, sorted by what each stage needs (nodes in document order)."""

    #: Titles, dates, declared bodies and bylines, with their attributes and _landmark()'s kind.
    landmarks: list[tuple[LexborNode, dict, str]]
    #: Blocks whose tag, role, class or id mark them as boilerplate (see _classify),
    #: with _kind_of()'s (kind, reason).
    candidates: list[tuple[LexborNode, str, dict, tuple[str, str]]]
    #: Headings that may introduce boilerplate (those _LABELLED selects).
    headings: list[LexborNode]
    paragraphs: list[LexborNode]
    #: Characters of <blockquote> text held by each element that holds one, by mem_id.
    quoted: dict[int, int]


_LABELLED = "h2, h3, h4, h5, h6, [class*=title], [class*=heading], [class*=titre]"
_CLASSED = frozenset({"div", "section", "ul", "ol", "article"})
_SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
#: Characters of a class or id attribute that are read: real ones are far shorter.
_MAX_NAMES = 500
#: (<a rel=author> is one too: _walk reads its rel.)
_LANDMARK_TAGS = frozenset({"h1", "time"})


def _walk(body: LexborNode) -> tuple[list[LexborNode], list[LexborNode], _Survey]:
    """One walk over the body, in Python: (its metadata nodes, the junk to remove, the survey).

    The metadata nodes are the <meta>, <link>, <title> and <script>s the
    metadata may be in (hidden ones too); the junk is the outermost elements
    that never hold article text (_JUNK_TAGS, hidden ones): the survey, of
    what remains, is what the next stages need. A walk that reads each
    element's tag and attributes once costs less than the CSS queries it
    replaces (a list of selectors costs Lexbor per selector and per node, and
    returns an element once per selector it matches: the walk notes it once).
    """
    metas, junk = [], []
    landmarks, candidates, headings, paragraphs, quotes = [], [], [], [], []
    plain, skip, junk_tags, meta_tags, rare = _PLAIN_CLASSES, _PLAIN_SKIP, _JUNK_TAGS, _BODY_META_TAGS, _RARE_ATTRIBUTES
    skip_to = 0  # while inside a junk element: the mem_id of the node after it (-1: none)
    for node in body.traverse():
        tag = node.tag
        if skip_to:
            if node.mem_id != skip_to:
                if tag in meta_tags:
                    metas.append(node)
                continue
            skip_to = 0
        if tag in junk_tags:
            if tag in meta_tags:
                metas.append(node)
            junk.append(node)
            if tag not in _VOID_JUNK and ((child := node.first_child) is not None and (child.next is not None or not child.is_text_node)):
                skip_to = _after(node, body)  # (a <script>'s one text node needs no skipping)
            continue
        attrs = node.attributes
        if not attrs:
            if tag in skip:  # most elements: nothing to note
                continue
            if tag == "title":
                metas.append(node)
            found, heading, landmark = plain[tag]
            cls, author_link = None, False
        else:
            cls = attrs.get("class")
            role, itemprop, author_link = None, False, False
            # Attributes besides class (id, href, src...) seldom matter: a look at their names says.
            if len(attrs) != (cls is not None) and not rare.isdisjoint(attrs):
                if tag != "title" and (
                    ("hidden" in attrs or attrs.get("aria-hidden") == "true")
                    or ((style := attrs.get("style")) and "none" in (style := style.lower()) and _HIDDEN_STYLE.search(style))
                ):
                    junk.append(node)
                    skip_to = _after(node, body)
                    continue
                role, itemprop = attrs.get("role"), "itemprop" in attrs
                author_link = tag == "a" and attrs.get("rel") == "author"
            if tag in skip and role is None and not itemprop and not author_link and (
                cls is None
                or ("title" not in cls and "heading" not in cls and "titre" not in cls and "vcard" not in cls and "byline" not in cls)
            ):
                continue  # what _classify would say: nothing to note (and it costs more)
            if tag == "title":
                metas.append(node)
            ident = attrs.get("id")
            if cls is None and ident is None and role is None and not itemprop and not author_link:
                if tag in skip:
                    continue
                found, heading, landmark = plain[tag]
            else:
                if cls and len(cls) > _MAX_NAMES or ident and len(ident) > _MAX_NAMES:  # a hostile page's
                    cls, ident = cls and cls[:_MAX_NAMES], ident and ident[:_MAX_NAMES]
                found, heading, landmark = _classify(tag, cls, ident, role, itemprop)
        if tag == "p":
            paragraphs.append(node)
        elif tag == "blockquote":
            quotes.append(node)
        if found is not None:
            candidates.append((node, tag, attrs, found))
        if heading:
            headings.append(node)
        if (landmark or author_link) and (kind := _landmark(tag, attrs, cls)) is not None:
            landmarks.append((node, attrs, kind))
    quoted: dict[int, int] = {}
    for quote in quotes[:50]:
        size = len(quote.text().strip())
        current = quote.parent
        while current is not None and size:
            quoted[current.mem_id] = quoted.get(current.mem_id, 0) + size
            current = current.parent
    return metas, junk, _Survey(landmarks, candidates, headings, paragraphs, quoted)


def _after(node: LexborNode, root: LexborNode) -> int:
    """The mem_id of the first element or comment after node's subtree, inside root; -1 if none."""
    root_id = root.mem_id
    while node is not None and node.mem_id != root_id:
        sibling = node.next
        while sibling is not None:
            if not sibling.is_text_node:
                return sibling.mem_id
            sibling = sibling.next
        node = node.parent
    return -1


@lru_cache(maxsize=16384)  # a site repeats its tags and classes on every page
def _classify(
    tag: str, cls: str | None, ident: str | None, role: str | None, itemprop: bool
) -> tuple[tuple[str, str] | None, bool, bool]:
    """What _walk notes about an element, from its tag and attributes: (_kind_of's answer if it
    is a boilerplate candidate: a nav, aside, footer, header, form, menu or dialog; a div,
    section, ul, ol or article with a class or id; a table with a class; any element with a
    boilerplate role; whether it may be a label heading as _LABELLED selects; whether it may be
    a landmark)."""
    candidate = (
        tag in _BOILERPLATE_TAGS
        or (tag in _CLASSED and (cls is not None or ident is not None))
        or (tag == "table" and cls is not None)
        or role in _BOILERPLATE_ROLES
    )
    found = _kind_of(tag, role, cls, ident) if candidate else None
    heading = tag in _SUBHEADINGS or bool(cls and ("title" in cls or "heading" in cls or "titre" in cls))
    landmark = tag in _LANDMARK_TAGS or itemprop or bool(cls and ("vcard" in cls or "byline" in cls))
    return found, heading, landmark


class _PlainClasses(dict):
    """_classify's answer for an element without class, id, role or itemprop, by tag."""

    def __missing__(self, tag: str) -> tuple[tuple[str, str] | None, bool, bool]:
        value = self[tag] = _classify(tag, None, None, None, False)
        return value


_PLAIN_CLASSES = _PlainClasses()
#: Tags that _walk has nothing to note about without a class, id, role or itemprop.
_PLAIN_SKIP = frozenset(
    tag for tag in "a span li img i b strong em br td tr tbody option label input path use small sup sub"
    " u s picture source figure dd dt dl hr center font cite abbr code pre body main html g -comment".split()
    if _classify(tag, None, None, None, False) == (None, False, False) and tag != "p" and tag != "title"
)
#: Junk elements that never have children: nothing to skip.
_VOID_JUNK = frozenset({"link", "meta", "input", "embed"})
#: Attributes besides class that _walk reads (only when one of them is there).
_RARE_ATTRIBUTES = frozenset({"hidden", "aria-hidden", "style", "role", "itemprop", "rel", "id"})
#: The tags of the body's elements that metadata may be read from.
_BODY_META_TAGS = frozenset({"meta", "link", "script", "title"})


def _landmark(tag: str, attrs: dict, cls: str | None) -> str | None:
    """What a node marks: "body" (itemprop=articleBody), "h1", "time", or a byline's kind."""
    itemprop = attrs.get("itemprop")
    if itemprop == "articleBody":
        return "body"
    if tag == "h1":
        return "h1"
    if (tag == "time" and "datetime" in attrs) or itemprop == "datePublished":
        return "time"
    if itemprop == "author" or (tag == "a" and attrs.get("rel") == "author"):
        return "author"
    if cls and ("vcard" in cls or "byline" in cls):
        words = cls.split()
        return "vcard" if "vcard" in words else "byline" if "byline" in words else None
    return None


def _read_marks(landmarks: list[tuple[LexborNode, dict, str]], meta: _Meta, declared: list[LexborNode]) -> _Marks:
    h1s, times, protected, bylines = [], [], set(), []
    in_comments: dict[int, bool] = {}
    for node in declared:
        protected |= _lineage(node)
    for node, attrs, kind in landmarks:
        if kind == "body":
            protected |= _lineage(node)
        elif kind in ("author", "vcard", "byline"):
            if meta.author is None and len(bylines) < 10:
                if kind == "author":
                    bylines.append(node.css_first("[itemprop=name]") or node)
                else:
                    bylines.extend(node.css(".fn" if kind == "vcard" else "a")[:3])
        elif kind == "h1":
            if len(h1s) < 5:
                # The date near each title is read now: the byline holding it may be dropped.
                date = None if meta.published else _date_near(node)
                h1s.append(_Mark(frozenset(_lineage(node)), text=_clean(node.text()), value=date))
        elif len(times) < 30 and meta.published is None:
            value = _parse_datetime(attrs.get("datetime") or attrs.get("content") or node.text())
            if value is not None and not _in_comments(node, in_comments):
                times.append(_Mark(frozenset(_lineage(node)), value=value))
    main_h1 = _main_h1(h1s, meta)
    keep = frozenset(main_h1.lineage) if main_h1 else frozenset()
    byline = _byline_name(bylines[:10]) if bylines and meta.author is None else None
    return _Marks(tuple(h1s), main_h1, tuple(times), frozenset(protected), keep, byline)


def _in_comments(node: LexborNode, seen: dict[int, bool]) -> bool:
    """True inside a comment thread: its dates are the readers', not the article's.

    seen remembers the answer for each ancestor walked: teaser lists put a
    <time> in each item, and the items share their ancestors.
    """
    walked = []
    current = node.parent
    answer = False
    while current is not None and current.tag not in ("body", "html"):
        mem_id = current.mem_id
        if mem_id in seen:
            answer = seen[mem_id]
            break
        walked.append(mem_id)
        found = _boilerplate_kind(current)
        if found is not None and found[0] == "comments":
            answer = True
            break
        current = current.parent
    for mem_id in walked:
        seen[mem_id] = answer
    return answer


def _main_h1(h1s: list[_Mark], meta: _Meta) -> _Mark | None:
    """The <h1> matching the page's title, else the first with text."""
    titles = [_squash(t) for t in (meta.og_title, meta.headline, meta.html_title) if t]
    for h1 in h1s:
        text = _squash(h1.text)
        if text and any(text in t or t in text for t in titles):
            return h1
    return next((h1 for h1 in h1s if h1.text), None)


def _nearest(marks: Iterable[_Mark], main: LexborNode | None, levels: int = 4) -> _Mark | None:
    """The mark closest to the body's block: inside it, or inside one of its `levels - 1` ancestors."""
    chain, node = [], main
    while node is not None and len(chain) < levels:
        chain.append(node.mem_id)
        node = node.parent
    best, best_level = None, len(chain)
    for mark in marks:
        level = next((level for level, mem_id in enumerate(chain) if mem_id in mark.lineage), best_level)
        if level < best_level:
            best, best_level = mark, level
    return best


def _date_near(h1: LexborNode) -> datetime | None:
    """A date written near the title: in its siblings, then its parent's."""
    node = h1
    for _ in range(3):
        texts = []
        sibling, seen = node.next, 0
        while sibling is not None and seen < 6:
            texts.append(sibling.text()[:200])
            sibling, seen = sibling.next, seen + 1
        sibling, seen = node.prev, 0
        while sibling is not None and seen < 4:
            texts.append(sibling.text()[:200])
            sibling, seen = sibling.prev, seen + 1
        if (found := _date_in_text(" | ".join(texts))) is not None:
            return found
        node = node.parent
        if node is None or node.tag in ("body", "html"):
            break
    return None


def _describes_page(meta: _Meta, marks: _Marks) -> bool:
    """True if the JSON-LD headline is this page's title, not another article's."""
    headline = _squash(meta.headline)
    titles = [_squash(t) for t in (meta.og_title, meta.html_title, *(h1.text for h1 in marks.h1s)) if t]
    return bool(headline) and any(headline in t or t in headline for t in titles)


# --------------------------------------------------------------------------
# Dropping boilerplate.


def _drop_by_selectors(body: LexborNode, selectors: Sequence[str], drops: _Drops) -> None:
    plan = _Plan()
    for selector in selectors:
        for node in _select(body, selector):
            if not plan.covers(node):
                plan.add(node, f"drop_selectors {selector!r}")
    drops.remove(plan)


def _select(root: LexborNode, selector: str) -> list[LexborNode]:
    """The outermost nodes matching a site's selector; none if the selector is invalid."""
    try:
        nodes = root.css(selector)
    except Exception as e:  # selectolax raises its own error type for a bad selector
        log.warning("ignoring CSS selector %r: %s", selector, e)
        return []
    plan = _Plan()
    for node in nodes:
        if node.tag not in ("html", "body") and not plan.covers(node):
            plan.add(node, "")
    return [node for node, _ in plan.items]


def _boilerplate_kind(node: LexborNode, tag: str | None = None, attrs: dict | None = None) -> tuple[str, str] | None:
    """(kind, reason) if the node's tag, role, class or id marks it as boilerplate."""
    if attrs is None:
        tag, attrs = node.tag, node.attributes
    cls, ident = attrs.get("class"), attrs.get("id")
    return _kind_of(tag, attrs.get("role"), cls and cls[:_MAX_NAMES], ident and ident[:_MAX_NAMES])


@lru_cache(maxsize=16384)  # a site repeats its class names on every page
def _kind_of(tag: str, role: str | None, cls: str | None, ident: str | None) -> tuple[str, str] | None:
    if tag in _BOILERPLATE_TAGS:
        return _BOILERPLATE_TAGS[tag], f"<{tag}>"
    if role and (role := role.strip().lower()) in _BOILERPLATE_ROLES:
        return _BOILERPLATE_ROLES[role], f"role={role}"
    if not cls and not ident:
        return None
    match = _BOILERPLATE_CLASS.search(f"{cls or ''} {ident or ''}".lower())
    if match is None:
        return None
    word = match.group(0)
    kind = "comments" if word.startswith(_COMMENT_WORDS) else "header" if word in _HEADER_WORDS else "other"
    return kind, f"class/id {word!r}"


def _boilerplate_plan(
    candidates: list[tuple[LexborNode, str, dict, tuple[str, str]]], marks: _Marks, share: _Share, quoted: dict[int, int]
) -> _Plan:
    """Drop blocks marked as boilerplate by tag, role, class or id.

    A block stays if it holds a declared body; or the title's <h1>, unless
    it is a header; or a quarter of the page's text, unless it is a comment
    section (comment threads can be longer than the article). A block that a
    class word alone marks ("social", "widget", "embed") stays if it is mostly
    a <blockquote>: a post quoted in the article, as tweet embeds are.
    """
    plan = _Plan(preorder=True)  # candidates come in document order
    for node, tag, attrs, (kind, reason) in candidates:
        if tag in ("html", "body", "main"):
            continue
        mem_id = node.mem_id
        if mem_id in marks.protected or (kind != "header" and mem_id in marks.keep) or plan.covers(node):
            continue
        if kind != "comments" and share.at_least(node, 0.25):
            continue
        if (
            kind == "other"
            and (quote := quoted.get(mem_id, 0)) >= _MIN_QUOTE
            and reason.startswith("class")
            and quote >= 0.6 * len(node.text().strip())
        ):
            continue
        plan.add(node, reason)
    return plan


def _drop_labelled(
    root: LexborNode,
    keep: set[int],
    share: _Share,
    drops: _Drops,
    headings_only: bool,
    nodes: list[LexborNode] | None = None,
    long: set[int] = frozenset(),
) -> None:
    """Drop the blocks that a boilerplate heading or label introduces.

    The block is the largest ancestor (below root) that the label starts,
    unless it holds the title or half the text. A heading that starts
    nothing goes with its following siblings up to the next heading of its
    rank or a plain paragraph; a label alone ("<p><b>Lire aussi</b></p>")
    with the link list after it.
    """
    if nodes is None:
        selector = _LABELLED if headings_only else _LABELLED + ", p, div, span, strong, b, li, dt, header"
        nodes = root.css(selector)
    plan = _Plan()
    root_id = root.mem_id
    for node in nodes:
        # The title's <h1> is never a label, even if it starts "Latest news:".
        if node.mem_id == root_id or node.tag in ("html", "body", "h1"):
            continue
        if node.mem_id in long:
            continue
        text = node.text()
        if len(text) > _MAX_LABEL:  # labels are short: skip the text work
            continue
        label = _label(text)
        if label is None and node.tag in _HEADINGS:
            # A heading classed as a list's: <h3 class="related-title">You may like</h3>
            found = _LABEL_CLASS.search(f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}".lower())
            label = ("label", text.strip()[:60]) if found else None
        if label is None or plan.covers(node):
            continue
        kind, phrase = label
        reason = f"heading {phrase!r}"
        block, start = node, _squash(text)
        while (parent := block.parent) is not None and parent.mem_id != root_id and parent.tag not in ("body", "html"):
            if parent.mem_id in keep or not _squash(parent.text()[:600]).startswith(start):
                break
            if share.at_least(parent, 0.5):
                break
            block = parent
        plan.add(block, reason)
        if block.mem_id != node.mem_id or kind == "prefixed":
            continue
        rank = _HEADINGS.get(node.tag)
        for sibling in _next_elements(node):
            if rank is None:
                if _link_density(sibling) > 0.5:
                    plan.add(sibling, f"after {reason}")
                break
            sibling_rank = _HEADINGS.get(sibling.tag)
            if sibling_rank is not None and sibling_rank <= rank:
                break
            if sibling.mem_id in keep or share.at_least(sibling, 0.3):
                break
            # A plain paragraph after the list: the article goes on ("Read also" set in the body).
            if sibling.tag == "p" and len(sibling.text().strip()) >= 80 and _link_density(sibling) < 0.3:
                break
            plan.add(sibling, f"after {reason}")
    drops.remove(plan)


def _next_elements(node: LexborNode) -> Iterator[LexborNode]:
    sibling = node.next
    while sibling is not None:
        if sibling.is_element_node:
            yield sibling
        sibling = sibling.next


def _label(text: str) -> tuple[str, str] | None:
    """("label", text) for a boilerplate heading, ("prefixed", text) for a line like "Tags: a, b"."""
    # Most texts are not labels, and their first word says so at a tenth of the cost.
    first = _FIRST_LETTERS.search(text, 0, 80)
    if first is None or _fold(first.group(0)).lower() not in _LABEL_FIRST_WORDS:
        return None
    text = " ".join(text.split())
    if not text or len(text) > 120:
        return None
    phrase = _phrase(text)
    if phrase in _LABELS or (phrase + " ").startswith(_LABEL_PREFIXES):
        return "label", text[:60]
    text = text.replace("：", ":")  # the full-width colon of Chinese and Japanese
    if ":" in text[:50] and _phrase(text.split(":", 1)[0]) in _LABELS:
        return "prefixed", text[:60]
    return None


def _drop_link_lists(container: LexborNode, drops: _Drops) -> None:
    """Drop lists and blocks that are mostly links (related links, tag lists)."""
    link_chars: dict[int, int] = {}
    root_id = container.mem_id
    for anchor in container.css("a"):
        size = len(anchor.text().strip())
        node = anchor.parent
        while node is not None and size:
            link_chars[node.mem_id] = link_chars.get(node.mem_id, 0) + size
            if node.mem_id == root_id:
                break
            node = node.parent
    if not link_chars:
        return
    plan = _Plan()
    for node in container.css("ul, ol, div, section, table, dl, p"):
        links = link_chars.get(node.mem_id, 0)
        if not links or node.mem_id == root_id or plan.covers(node):
            continue
        size = len(" ".join(node.text().split()))
        # A paragraph that is one long link is still a paragraph.
        if size and links / size > 0.6 and (node.tag != "p" or size < 200):
            plan.add(node, f"link list ({100 * links // size}% link text)")
    drops.remove(plan)


# --------------------------------------------------------------------------
# Choosing the body.


def _choose_containers(body: LexborNode, meta: _Meta, share: _Share, long: set[int]) -> list[LexborNode]:
    """The block(s) holding the article body, in document order.

    Adds to long the mem_ids of nodes whose text is known to be longer than a label.
    """
    # The paragraphs JSON-LD articleBody quotes: what the page declares, verified.
    if (located := _locate_ld_body(body, meta.article_body)) is not None:
        return [located]
    paragraphs, declared = _scan_body(body, long)
    scores, nodes = _scores(paragraphs)
    if not scores:
        return []
    # A block's text holds its paragraphs' scored text at least.
    long.update(mem_id for mem_id, score in scores.items() if score > _MAX_LABEL)
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)[:5]
    # The best of the five after discounting link text. Discounting only lowers a score,
    # so the blocks scoring less than the best discounted one so far need no measuring.
    final: dict[int, float] = {}
    for mem_id in ranked:
        if final and max(final.values()) >= scores[mem_id]:
            break
        final[mem_id] = scores[mem_id] * (1 - _link_density(nodes[mem_id]))
    top = nodes[max(final, key=final.__getitem__)]
    if declared:
        # What the page declares wins if it holds most of what the scoring found;
        # of nested declared blocks, the tightest that holds nearly all of it.
        weighed = sorted(((share.of(node), node) for node in declared), key=lambda pair: -pair[0])
        best_weight, best = weighed[0]
        for weight, node in weighed[1:]:
            if weight >= 0.9 * best_weight and best.mem_id in _lineage(node):
                best = node
        if best_weight >= 0.6 * share.of(top):
            before, after = _same_kind_parts(best, [best], scores, nodes, scores.get(best.mem_id, 0.0))
            return before + [best] + after
    chosen = _with_siblings(top, scores, final[top.mem_id])
    before, after = _same_kind_parts(top, chosen, scores, nodes, final[top.mem_id])
    return before + chosen + after


def _scan_body(body: LexborNode, long: set[int]) -> tuple[list[tuple[LexborNode, int]], list[LexborNode]]:
    """One pass over the body: its paragraphs as (block holding the text, size),
    and the blocks that declare themselves the article's body. The mem_ids of
    paragraphs longer than a label go to long."""
    paragraphs, declared, owners = [], [], set()
    body_id = body.mem_id
    # [class*=ontent] and [class*=ody] stand for content/Content and body/Body: one
    # substring selector less each; _BODY_CLASS decides.
    selector = "p, pre, br, article, [itemprop=articleBody], [class*=ontent], [class*=ody]"
    links = _paragraph_links(body)
    for node in body.css(selector):
        tag = node.tag
        if tag in ("p", "pre"):
            size = len(node.text().strip())
            if size > _MAX_LABEL:
                long.add(node.mem_id)
            if size >= _MIN_PARAGRAPH:
                size -= links.get(node.mem_id, 0)
            if size >= _MIN_PARAGRAPH and node.parent is not None:
                paragraphs.append((node.parent, size))
        elif tag == "br":
            # Text written between <br>s: the block holding it is the container.
            owner = _block_owner(node, body_id)
            if owner.tag not in ("p", "pre") and owner.mem_id not in owners:
                owners.add(owner.mem_id)
                size = len(" ".join(owner.text(deep=False).split()))
                if size >= _MIN_PARAGRAPH:
                    paragraphs.append((owner, size))
        elif tag == "article" or node.attributes.get("itemprop") == "articleBody":
            declared.append(node)
        elif _BODY_CLASS.search((node.attributes.get("class") or "").lower()):
            declared.append(node)
    if sum(size for _, size in paragraphs) < 200:
        # No paragraphs to speak of: any block holding text directly.
        for node in body.traverse(include_text=True, skip_empty=True):
            if node.is_text_node and len(node.text_content.strip()) >= _MIN_PARAGRAPH:
                owner = _block_owner(node, body_id)
                if owner.mem_id not in owners:
                    owners.add(owner.mem_id)
                    paragraphs.append((owner, len(" ".join(owner.text(deep=False).split()))))
    return paragraphs, declared


def _paragraph_links(body: LexborNode) -> dict[int, int]:
    """Characters of link text in each <p> and <pre>, by mem_id.

    Two queries for the whole body cost less than one per paragraph. A link
    counts in the nearest <p> or <pre> holding it (the parser seldom nests them).
    """
    links: dict[int, int] = {}
    for selector, tag in (("p a", "p"), ("pre a", "pre")):
        for anchor in body.css(selector):
            node = anchor.parent
            while node is not None and node.tag != tag:
                node = node.parent
            if node is not None:
                mem_id = node.mem_id
                links[mem_id] = links.get(mem_id, 0) + len(anchor.text().strip())
    return links


def _scores(paragraphs: list[tuple[LexborNode, int]]) -> tuple[dict[int, float], dict[int, LexborNode]]:
    """Each paragraph's size goes to its block, half to the block's parent, then a
    sixth, a ninth, a twelfth further up (Readability's decay)."""
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    # Most paragraphs share their block: its line of ancestors is read once.
    chains: dict[int, list[tuple[int, int]]] = {}
    for container, size in paragraphs:
        chain = chains.get(container.mem_id)
        if chain is None:
            chain = chains[container.mem_id] = []
            node = container
            for divisor in (1, 2, 6, 9, 12):
                if node is None or node.tag == "html":
                    break
                mem_id = node.mem_id
                nodes.setdefault(mem_id, node)
                chain.append((mem_id, divisor))
                node = node.parent
        for mem_id, divisor in chain:
            scores[mem_id] = scores.get(mem_id, 0.0) + size / divisor
    return scores, nodes


def _locate_ld_body(body: LexborNode, article_body: str) -> LexborNode | None:
    """The smallest block holding the paragraphs that JSON-LD articleBody quotes."""
    if not article_body:
        return None
    reference = _squash(article_body)
    matched, size = [], 0
    for p in body.css("p"):
        text = _squash(p.text())
        if len(text) >= 40 and text in reference:
            matched.append(p)
            size += len(text)
    if not matched or size < 0.3 * len(reference):
        return None
    common = _lineage_list(matched[0].parent)
    for p in matched[1:]:
        ids = _lineage(p)
        while common and common[0].mem_id not in ids:
            common.pop(0)
    return common[0] if common and common[0].tag not in ("body", "html") else None


def _same_kind_parts(
    top: LexborNode, chosen: list[LexborNode], scores: dict[int, float], nodes: dict[int, LexborNode], top_score: float
) -> tuple[list[LexborNode], list[LexborNode]]:
    """Other parts of an article split into blocks that are not siblings: (before top, after top).

    Some templates cut a long article into sections, each in its own copy of the
    body's block (same tag and class) between full-width pictures or quotes. A
    block of the same tag and non-empty class as the chosen one, outside it,
    with paragraph text of its own and few links, is such a part.
    """
    cls = top.attributes.get("class")
    # Lists of teasers repeat their <article> or <li>: a body's parts are blocks.
    if not cls or top.tag in ("article", "li"):
        return [], []
    threshold = max(200.0, 0.1 * top_score)
    chosen_ids = {node.mem_id for node in chosen}
    taken = set().union(*(_lineage(node) for node in chosen))  # the chosen blocks and their ancestors
    before, after, seen_top = [], [], False
    # scores is in document order of each block's first paragraph.
    for mem_id, score in scores.items():
        if mem_id == top.mem_id:
            seen_top = True
            continue
        node = nodes[mem_id]
        if score < threshold or mem_id in taken or node.tag != top.tag or node.attributes.get("class") != cls:
            continue
        lineage = _lineage(node)
        if lineage & chosen_ids:  # inside a chosen block
            continue
        if _link_density(node) < 0.25:
            (after if seen_top else before).append(node)
            taken |= lineage
    return before, after


def _with_siblings(top: LexborNode, scores: dict[int, float], top_score: float) -> list[LexborNode]:
    """The top block plus the siblings that continue the article (bodies split by ads)."""
    parent = top.parent
    if parent is None or top.tag in ("body", "html"):
        return [top]
    threshold = max(200.0, 0.25 * top_score)
    chosen = []
    for sibling in parent.iter():
        if sibling.mem_id == top.mem_id:
            chosen.append(sibling)
        elif scores.get(sibling.mem_id, 0.0) >= threshold and _link_density(sibling) < 0.25:
            chosen.append(sibling)
        elif sibling.tag == "p" and len(sibling.text().strip()) >= 80 and _link_density(sibling) < 0.25:
            chosen.append(sibling)
    return chosen


class _Share:
    """How much of a root's text a node holds.

    Counted in paragraph text when the root has paragraphs, so that a menu's
    many short words weigh nothing; in all its text otherwise.
    """

    def __init__(self, root: LexborNode, paragraphs: list[LexborNode] | None = None):
        size = _paragraph_text(root) if paragraphs is None else sum(len(p.text()) for p in paragraphs)
        self.by_paragraphs = size >= 200
        self.total = size if self.by_paragraphs else len(root.text())

    def of(self, node: LexborNode) -> int:
        return _paragraph_text(node) if self.by_paragraphs else len(node.text())

    def at_least(self, node: LexborNode, fraction: float) -> bool:
        needed = fraction * self.total
        # All its text bounds its paragraph text, and costs less to measure.
        return self.total > 0 and len(node.text()) >= needed and self.of(node) >= needed


def _paragraph_text(node: LexborNode) -> int:
    return sum(len(p.text()) for p in node.css("p"))


# --------------------------------------------------------------------------
# Rendering.


# What a <br> becomes in a block's raw text: never in a text node (the parser turns NUL into U+FFFD).
_BR = "\x00"


def _render(roots: list[LexborNode], skip_h1: bool, titles: Sequence[str] = ()) -> str:
    """The text of roots: blank lines between paragraphs and headings, list items one per line.

    With skip_h1, the first <h1> is left out: it is the title, kept apart.
    With titles, the title repeated and the byline and date lines at either
    end of the text go too (see _trim_edges).
    """
    pieces: list[tuple[str, str]] = []
    for tag, raw in _raw_blocks(roots):
        if tag == "h1" and skip_h1:
            skip_h1 = False
            continue
        kind = "line" if tag in _LINES else "para"
        if _BR not in raw:  # most blocks: one paragraph
            if text := " ".join(raw.split()):
                pieces.append((kind, text))
            continue
        # Each <br> ends a line; an empty line (two <br>s) separates paragraphs inside one block.
        lines: list[str] = []
        for line in raw.split(_BR):
            if line := " ".join(line.split()):
                lines.append(line)
            elif lines:
                pieces.append((kind, "\n".join(lines)))
                lines = []
        if lines:
            pieces.append((kind, "\n".join(lines)))
    if titles:
        pieces = _trim_edges(pieces, titles)
    out: list[str] = []
    previous = None
    for kind, text in pieces:
        if out:
            out.append("\n" if kind == previous == "line" else "\n\n")
        out.append(text)
        previous = kind
    return "".join(out)


# A byline: "By Jane Doe", "Par Camille Martin", "Publicado por: ...".
_BYLINE = re.compile(
    r"(?:[Bb]y|BY|[Pp]ar|PAR|[Pp]or|[Vv]on|[Dd]oor|[Dd]i|[Pp]osted by|[Ww]ritten by|[Pp]ubli[ée] par"
    r"|[Pp]ublicado por|[Pp]ubblicato da|[Vv]er[öo]ffentlicht von)\s*:?\s+[A-ZÀ-Þ]"
)
# A date in digits: 05/10/2018, 2019-11-20. (Not a time alone: a live blog's entries start "14:02".)
_DIGIT_DATE = re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b")
_SENTENCE_END = (".", "!", "?", "…", "»", '"', "”", ":", ";")


def _trim_edges(pieces: list[tuple[str, str]], titles: Sequence[str]) -> list[tuple[str, str]]:
    """Drop the title repeated, and short byline or date lines, at the start (3 pieces) and end (2).

    Only a run from either end goes: the first piece that is body text stops it.
    A line that ends like a sentence is body text, however short.
    """
    squashed = {_squash(title) for title in titles if title}
    squashed.discard("")

    def edge(text: str) -> bool:
        if len(text) > 100:
            return False
        if _squash(text) in squashed:
            return True
        if text.endswith(_SENTENCE_END):
            return False
        return bool(_BYLINE.match(text) or _DIGIT_DATE.search(text) or _date_in_text(text))

    start = 0
    while start < min(3, len(pieces)) and edge(pieces[start][1]):
        start += 1
    end = len(pieces)
    while end > max(start, len(pieces) - 2) and edge(pieces[end - 1][1]):
        end -= 1
    return pieces[start:end]


def _raw_blocks(roots: list[LexborNode]) -> Iterator[tuple[str, str]]:
    """(tag of the block, its raw text) for each run of text held by one block element.

    <br> becomes _BR; newlines in the source are only spacing.
    """
    for root in roots:
        root_id = root.mem_id
        owner: tuple[int, str] | None = None  # (mem_id, tag) of the block being read
        fragments: list[str] = []
        # Block of each parent seen: a paragraph's many inline pieces share one walk up.
        owners: dict[int, tuple[int, str]] = {}
        for node in root.traverse(include_text=True):
            tag = node.tag  # one property read tells text from elements
            if tag == "-text":
                content = node.text_content
            elif tag == "br":
                content = _BR
            elif tag == "td" or tag == "th":
                content = " "
            else:
                continue
            parent = node.parent
            block = owners.get(parent.mem_id) if parent is not None else None
            if block is None:
                found = _block_owner(node, root_id)
                block = (found.mem_id, found.tag)
                if parent is not None:
                    owners[parent.mem_id] = block
            if block != owner:
                if owner is not None:
                    yield owner[1], "".join(fragments)
                owner, fragments = block, []
            fragments.append(content)
        if owner is not None:
            yield owner[1], "".join(fragments)


def _block_owner(node: LexborNode, root_id: int) -> LexborNode:
    """The nearest block element holding node (or the root)."""
    current = node.parent
    while current is not None:
        if current.mem_id == root_id or current.tag in _BLOCKS:
            return current
        current = current.parent
    return node


# --------------------------------------------------------------------------
# Language.

_STOPWORDS = {
    "en": frozenset("the and of to is that for it with was on as are by this be at from has have will its which an said were".split()),
    "fr": frozenset("le les et est une du dans qui pour sur pas au aux par avec ce cette sont plus ont été sa ses leur il elle".split()),
    "de": frozenset("der die und das ist nicht mit den von zu ein eine auf für dem sich auch im wird werden hat sind".split()),
    "es": frozenset("el los las y del se por con para una su al lo como más pero sus es fue han está ha".split()),
}  # fmt: skip
_WORD = re.compile(r"\w+")
#: The languages whose list holds each stopword: one pass over the words counts all four.
_STOPWORD_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _words in _STOPWORDS.items():
    for _word in _words:
        _STOPWORD_LANGS[_word] = (*_STOPWORD_LANGS.get(_word, ()), _lang)
del _lang, _words, _word


#: How much body text is read to check the language: plenty to tell languages apart.
#: py3langid walks it byte by byte in Python (~0.1 ms per 300 characters).
_LANG_SAMPLE = 300
_STOPWORD_SAMPLE = 600
#: Below this, the detector's guess does not overrule a declaration.
_LANG_OVERRULE_SAMPLE = 150
_LANG_OVERRULE_CONFIDENCE = 0.95
_LANG_GUESS_CONFIDENCE = 0.5
#: Languages a detector confuses and sites label either way: a declaration of one stands.
_KIN = [frozenset(group) for group in (("ms", "id"), ("hr", "bs", "sr"), ("da", "no", "nb", "nn"),
                                       ("cs", "sk"), ("pt", "gl"), ("es", "gl", "ca"))]  # fmt: skip


def _language(declared: str | None, text: str) -> str | None:
    """The page's language: its declaration, unless the text plainly says otherwise.

    Templates often declare the CMS's default ("en-US" on a French blog), so
    a detector reads the start of the body text; a confident detection over
    enough text wins. Without a declaration, the detection if it is at all
    confident. When stopwords leave no doubt that the text is English,
    French, German or Spanish (the monitor's usual pages) and the page
    declares that or nothing, that is enough: it costs a fifth of the detector.
    """
    sure = _stopword_language(text[:_STOPWORD_SAMPLE])
    if sure is not None and declared in (None, sure):
        return sure
    sample = " ".join(text[:_LANG_SAMPLE].split())
    detected, confidence = _detect_language(sample) if len(sample) >= 40 else (None, 0.0)
    if declared is None:
        return detected if confidence >= _LANG_GUESS_CONFIDENCE else _guess_lang(text)
    if detected is None or detected == declared or any({declared, detected} <= kin for kin in _KIN):
        return declared
    if len(sample) >= _LANG_OVERRULE_SAMPLE and confidence >= _LANG_OVERRULE_CONFIDENCE:
        return detected
    return declared


_identifier = None
_identifier_lock = threading.Lock()


def _detect_language(sample: str) -> tuple[str | None, float]:
    """(ISO 639-1 code, probability) from py3langid; (None, 0.0) if it cannot say.

    Its model ships inside the wheel and loads once, on first use (about a second).
    """
    global _identifier
    if _identifier is None:
        with _identifier_lock:
            if _identifier is None:
                try:
                    from py3langid.langid import MODEL_FILE, LanguageIdentifier

                    _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                except Exception as e:  # a missing detector must not stop extraction: stopwords then
                    log.warning("language detection unavailable, guessing from stopwords: %s", e)
                    _identifier = False
    if _identifier is False:
        return None, 0.0
    try:
        code, probability = _identifier.classify(sample)
    except Exception:  # never seen; one odd text must not stop a batch
        log.exception("language detection failed")
        return None, 0.0
    code = _lang_code(code)
    return (code, float(probability)) if code else (None, 0.0)


def _stopword_language(text: str) -> str | None:
    """en, fr, de or es when their stopwords leave no doubt: a tenth of the words, thrice the next best.

    Text in a neighbour language (Italian, Portuguese, Catalan) shares a few
    Spanish or French stopwords, never that many.
    """
    words = _WORD.findall(text.lower())
    if len(words) < 30:
        return None
    counts = dict.fromkeys(_STOPWORDS, 0)
    for word in words:
        for lang in _STOPWORD_LANGS.get(word, ()):
            counts[lang] += 1
    (best, lang), (second, _) = sorted(((n, lang) for lang, n in counts.items()), reverse=True)[:2]
    return lang if best >= len(words) / 10 and best >= 3 * second else None


def _guess_lang(text: str) -> str | None:
    """en, fr, de or es from stopword counts in the first 3,000 characters; None if unsure."""
    words = _WORD.findall(text[:3000].lower())
    if len(words) < 20:
        return None
    counts = {lang: sum(1 for word in words if word in stop) for lang, stop in _STOPWORDS.items()}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] >= 5 else None


# --------------------------------------------------------------------------
# Small helpers.


def _clean(text: str | None) -> str:
    return " ".join(unescape(text).split()) if text else ""


class _CombiningMarks(dict):
    """A str.translate table deleting combining marks, filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_COMBINING = _CombiningMarks()


def _fold(text: str) -> str:
    """Text without accents (é -> e), to match words written either way."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed
    # Dropping the combining marks in C: a generator over each character costs ten times more.
    return decomposed.translate(_COMBINING)


_NOT_LETTERS = re.compile(r"[\W\d_]+")
_NOT_WORD = re.compile(r"\W+")


def _phrase(text: str) -> str:
    """Lowercase, no accents, letters only: "À lire aussi :" -> "a lire aussi"."""
    return _NOT_LETTERS.sub(" ", _fold(text).lower()).strip()


def _squash(text: str) -> str:
    """Letters and digits only, lowercased: to compare texts whatever their spacing."""
    return _NOT_WORD.sub("", text.casefold())


def _link_density(node: LexborNode) -> float:
    size = len(node.text().strip())
    if not size:
        return 0.0
    return min(1.0, sum(len(a.text().strip()) for a in node.css("a")) / size)


def _lineage(node: LexborNode) -> set[int]:
    """mem_ids of node and its ancestors."""
    ids = set()
    current = node
    while current is not None:
        ids.add(current.mem_id)
        current = current.parent
    return ids


def _lineage_list(node: LexborNode | None) -> list[LexborNode]:
    chain = []
    while node is not None and node.tag != "-document":
        chain.append(node)
        node = node.parent
    return chain


def _path(node: LexborNode) -> str:
    parts = []
    current = node
    while current is not None and len(parts) < 4 and current.tag not in ("body", "html", "-document"):
        attrs = current.attributes
        part = current.tag or "?"
        ids, classes = (attrs.get("id") or "").split(), (attrs.get("class") or "").split()
        if ids:
            part += "#" + ids[0]
        elif classes:
            part += "." + classes[0]
        parts.append(part)
        current = current.parent
    return " > ".join(reversed(parts))


def _snippet(node: LexborNode) -> str:
    return " ".join(node.text()[:400].split())[:80]


# The labels as _phrase() writes text: its folding also changes letters outside Latin
# ("й" loses its breve, Hangul splits into jamo), so the lists go through it too.
_LABELS = frozenset(_phrase(label) for label in _LABELS) - {""}
_LABEL_PREFIXES = tuple(dict.fromkeys(_phrase(prefix) + " " for prefix in _LABEL_PREFIXES))
_LABEL_FIRST_WORDS = frozenset(phrase.split()[0] for phrase in (*_LABELS, *_LABEL_PREFIXES))

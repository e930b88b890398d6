"""Store: the SQLite database, through sqlite-utils (the one place that writes it).

Owns the schema and its forward migrations, source health, conditional-GET
state, the links seen on each source, articles, stories, announcements,
subscriptions and the alerts outbox. Every write that must happen together
(an article, its story, its announcements and the alerts it makes owed) goes
in one transaction, so a crash leaves either all of it or none.

The outbox is how alerts are never lost and never sent twice: a row per
(chat, story), UNIQUE, written in the same transaction as the article that
makes the story qualify; the notifier marks it sent only after delivery. The
only duplicate window is between delivery and that mark.
"""

from __future__ import annotations

import heapq
import json
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import sqlite_utils

from .crashpoints import checkpoint
from .dedup import Candidate, Fingerprint, StoryFeatures, pack_signature, unpack_signature
from .errors import StoreError
from .types import AlertSource, Announcement, Article, Link, Source, Validators

# --- schema ----------------------------------------------------------------

SCHEMA_V1 = """
CREATE TABLE sources (
    name TEXT PRIMARY KEY,           -- as in feeds.toml
    url TEXT NOT NULL,
    kind TEXT NOT NULL,              -- feed | listing
    lang TEXT,
    enabled INTEGER NOT NULL DEFAULT 1,
    baseline_done INTEGER NOT NULL DEFAULT 0,  -- first poll over: later links are new
    polls INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_poll TEXT,                  -- ISO 8601 UTC
    last_success TEXT,
    last_error TEXT,
    last_error_at TEXT
);
CREATE TABLE fetch_state (
    url TEXT PRIMARY KEY,            -- the URL asked for
    etag TEXT,
    last_modified TEXT,
    last_status INTEGER,
    fetched_at TEXT
);
CREATE TABLE links (
    source TEXT NOT NULL,
    url TEXT NOT NULL,               -- canonical article URL
    guid TEXT,
    title TEXT,
    published TEXT,
    first_seen TEXT NOT NULL,
    state TEXT NOT NULL,             -- baseline | pending | done | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    article_id INTEGER,
    PRIMARY KEY (source, url)        -- each source keeps its own list: another's link still counts here
);
CREATE INDEX links_source_state ON links (source, state);
CREATE INDEX links_guid ON links (source, guid);
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,             -- representative title: the first article's
    first_seen TEXT NOT NULL,
    is_investment INTEGER NOT NULL DEFAULT 0,
    qualified_at TEXT                -- when it first owed alerts
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,         -- the caller's id (monitor replay), else NULL
    url TEXT UNIQUE,                 -- canonical URL; NULL for text without a page
    source TEXT,
    guid TEXT,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    lang TEXT,
    published TEXT,
    fetched_at TEXT NOT NULL,
    content_hash TEXT NOT NULL,      -- hash of the normalised text (dedup layer 2)
    story_id INTEGER NOT NULL REFERENCES stories (id),
    duplicate_of INTEGER REFERENCES articles (id),
    is_investment INTEGER NOT NULL DEFAULT 0,
    author TEXT,
    description TEXT,
    image TEXT
);
CREATE INDEX articles_content_hash ON articles (content_hash);
CREATE INDEX articles_story ON articles (story_id);
CREATE TABLE announcements (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id),
    story_id INTEGER NOT NULL REFERENCES stories (id),
    investor TEXT,
    amount TEXT,                     -- Decimal as text: exact
    currency TEXT,
    amount_text TEXT,
    upper_bound INTEGER NOT NULL DEFAULT 0,
    recipient TEXT,
    location TEXT,
    purpose TEXT,
    kind TEXT NOT NULL,
    evidence TEXT,
    confidence REAL
);
CREATE INDEX announcements_story ON announcements (story_id);
CREATE TABLE subscriptions (
    chat_id TEXT PRIMARY KEY,
    filters TEXT NOT NULL DEFAULT '{}',   -- JSON
    active INTEGER NOT NULL DEFAULT 1,
    created TEXT NOT NULL
);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    chat_id TEXT NOT NULL,
    story_id INTEGER NOT NULL REFERENCES stories (id),
    state TEXT NOT NULL DEFAULT 'pending',   -- pending | sent | failed
    edit_pending INTEGER NOT NULL DEFAULT 0, -- sources joined after sending
    created TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT,
    last_error TEXT,
    sent_at TEXT,
    message_id TEXT,
    UNIQUE (chat_id, story_id)
);
CREATE INDEX outbox_due ON outbox (state, next_attempt);
"""

#: Telegram (issue 6): chat details and per-chat state on subscriptions, admin
#: notices on sources, and full-text search over articles (kept in sync by triggers).
#: outbox.state gains 'held' (waits for the chat's daily digest), 'digested' (went
#: out in one) and 'cancelled' (the chat unsubscribed or blocked the bot first).
SCHEMA_V2_TELEGRAM = """
ALTER TABLE subscriptions ADD COLUMN chat_type TEXT;           -- private | group | supergroup | channel
ALTER TABLE subscriptions ADD COLUMN title TEXT;               -- chat title or user name, for /stats
ALTER TABLE subscriptions ADD COLUMN lang TEXT;                -- language of the alerts: en | fr
ALTER TABLE subscriptions ADD COLUMN mute_until TEXT;          -- ISO 8601 UTC: no alerts owed before then
ALTER TABLE subscriptions ADD COLUMN digest_time TEXT;         -- HH:MM UTC of the daily digest, NULL: one message per story
ALTER TABLE subscriptions ADD COLUMN last_digest TEXT;         -- when the last digest was due
ALTER TABLE subscriptions ADD COLUMN inactive_reason TEXT;     -- why active = 0: unsubscribed, blocked (403)
ALTER TABLE subscriptions ADD COLUMN updated TEXT;
ALTER TABLE sources ADD COLUMN admin_notified INTEGER NOT NULL DEFAULT 0;  -- admins told it fails: a recovery notice is owed
CREATE INDEX outbox_chat_state ON outbox (chat_id, state);
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');       -- backfill the articles stored before
"""

#: Dedup (issue 5): the fingerprints that find a new article's copies and story
#: through indexes, without reading every stored article.
SCHEMA_V3_DEDUP = """
ALTER TABLE articles ADD COLUMN url_key TEXT;      -- discover.url_identity_key: www./m./AMP variants meet (layer 1)
CREATE INDEX articles_url_key ON articles (url_key);
CREATE INDEX articles_published ON articles (published);
CREATE TABLE article_bands (
    band_key INTEGER NOT NULL,       -- one LSH band of the MinHash signature (dedup.band_keys; band number mixed in)
    article_id INTEGER NOT NULL REFERENCES articles (id),
    PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;
CREATE TABLE article_features (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id),
    seen TEXT NOT NULL,              -- ISO 8601 UTC: published, else first seen; places it in the story window
    signature BLOB,                  -- MinHash signature (dedup.pack_signature); NULL when the text is too short
    shingles INTEGER NOT NULL,       -- distinct 4-word shingles, to estimate containment
    features TEXT NOT NULL           -- dedup.StoryFeatures as JSON (names, amounts, numbers, investment fields)
);
CREATE TABLE article_keys (
    key TEXT NOT NULL,               -- a name, amount or number of the story fingerprint: "e:microsoft", "m:EUR:4e+09"
    seen TEXT NOT NULL,              -- = article_features.seen: the window is a range scan inside one key
    article_id INTEGER NOT NULL REFERENCES articles (id),
    PRIMARY KEY (key, seen, article_id)
) WITHOUT ROWID;
"""

#: Candidates sharing a single name with a new article that dedup still compares (the closest in time).
WEAK_CANDIDATES = 5
#: Parsed story fingerprints kept in memory (they never change once written): the latest
#: saved and looked up. ~14 KB each; in a 20,000-article burst (benchmarks/pipeline.py
#: --per-site 400) 5,000 cost 45 MB more RSS than 1,500 and saved no dedup time.
FEATURES_CACHE_SIZE = 1500
#: Postings of one story key read per lookup, the latest in the window first. A key that
#: hundreds of articles in the window share ("e:capital" in a burst of funding news) says
#: little about any one of them, and reading all of its postings for every new article
#: made a burst quadratic; with this cap a lookup reads at most MAX_INDEXED_KEYS x this.
KEY_POSTINGS = 200

#: One key's latest postings in the story window (a range scan of article_keys' primary key).
_KEY_POSTINGS_SQL = (
    "SELECT * FROM (SELECT article_id FROM article_keys"
    " WHERE key = ? AND seen BETWEEN ? AND ? ORDER BY seen DESC LIMIT ?)"
)
#: Story-window moments of stored articles kept in memory (candidates are ranked by distance in time).
SEEN_CACHE_SIZE = 50_000
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)

#: Room the database must have left (in the file's page limit and on its disk)
#: to be ready: a few articles with their indexes need a few hundred KB.
MIN_ROOM_BYTES = 4 * 1024 * 1024

#: Forward migrations, in order: MIGRATIONS[n] takes the schema from version n to n+1.
MIGRATIONS: list[str] = [SCHEMA_V1, SCHEMA_V2_TELEGRAM, SCHEMA_V3_DEDUP]
SCHEMA_VERSION = len(MIGRATIONS)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds") if moment else None


def parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# --- values read back ------------------------------------------------------


@dataclass(frozen=True)
class SourceHealth:
    name: str
    url: str
    polls: int
    failures: int
    consecutive_failures: int
    baseline_done: bool
    last_success: datetime | None
    last_error: str | None
    last_error_at: datetime | None


@dataclass(frozen=True)
class StoredMatch:
    """A stored article a new one resembles: what dedup needs to decide."""

    article_id: int
    story_id: int
    external_id: str | None


@dataclass(frozen=True)
class OutboxRow:
    id: int
    chat_id: str
    story_id: int
    attempts: int
    message_id: str | None
    #: Sources that joined the story since the message was built: a count, so
    #: that one joining while the message is in flight is not forgotten.
    edit_pending: int
    #: The message went out already: what is due is an edit.
    sent: bool = False


@dataclass(frozen=True)
class Subscription:
    """One chat's subscription, as the Telegram notifier and the bot read it."""

    chat_id: str
    #: JSON of monitor.filters.Filters.
    filters: str
    active: bool
    chat_type: str | None
    title: str | None
    lang: str | None
    mute_until: datetime | None
    #: "HH:MM" (UTC) of the daily digest, or None for one message per story.
    digest_time: str | None
    last_digest: datetime | None
    inactive_reason: str | None


@dataclass(frozen=True)
class StoredArticle:
    """What the store decided about one saved article."""

    article_id: int
    story_id: int
    new_story: bool
    #: Outbox rows this save made owed (story qualified) or marked for edit.
    alerts_owed: int


class Store:
    """The monitor's database. Open with Store.open(path); close() when done."""

    def __init__(self, db: sqlite_utils.Database, clock=utcnow):
        self.db = db
        self.clock = clock
        self._features_cache: dict[int, Candidate] = {}
        #: article id -> its story-window moment in microseconds since the epoch (never changes once written).
        self._seen_cache: dict[int, int] = {}

    @classmethod
    def open(cls, path: str | Path, clock=utcnow) -> "Store":
        path = Path(path)
        try:
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
            db = sqlite_utils.Database(conn)
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA foreign_keys = ON")
            if str(path) != ":memory:":
                db.enable_wal()
            # NORMAL with WAL is durable across process crashes (only a power
            # cut can lose the last transactions), and much faster than FULL.
            conn.execute("PRAGMA synchronous = NORMAL")
            # An article's commit dirties ~50 pages (FTS, LSH bands, story keys),
            # so the default checkpoint (1000 pages) ran every ~20 articles, each
            # with two fsyncs that stall the event loop; 10000 pages (40 MB of WAL)
            # halves the store's wall time (benchmarks/pipeline.py). The limit
            # truncates the WAL file back after a checkpoint.
            conn.execute("PRAGMA wal_autocheckpoint = 10000")
            conn.execute("PRAGMA journal_size_limit = 67108864")
            store = cls(db, clock)
            store.migrate()
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot open database {path}: {e}") from e
        return store

    def close(self) -> None:
        self.db.close()

    # --- schema -------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"database schema version {version} is newer than this monitor ({SCHEMA_VERSION}): upgrade the monitor"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.db.atomic():
                for statement in _statements(MIGRATIONS[target - 1]):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {target}")

    def check_writable(self) -> None:
        """Raise StoreError unless a write transaction can be committed and there is room to grow.

        A small commit can succeed on a full disk or a full database (pages are
        reused), so the room left is checked too: the file's page limit and
        the free space of its disk (issue 8: full disk, never silent loss).
        """
        try:
            with self.db.atomic():
                self.db.execute("CREATE TABLE IF NOT EXISTS _probe (x)")
                self.db.execute("DELETE FROM _probe")
            problem = self._room_problem()
        except sqlite3.Error as e:
            raise StoreError(f"database not writable: {e}") from e
        if problem:
            raise StoreError(problem)

    def _room_problem(self) -> str | None:
        """Why the database could not take a few more articles, or None."""
        page_size = self.db.execute("PRAGMA page_size").fetchone()[0]
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        most = self.db.execute("PRAGMA max_page_count").fetchone()[0]
        free = self.db.execute("PRAGMA freelist_count").fetchone()[0]
        if (most - pages + free) * page_size < MIN_ROOM_BYTES:
            return f"database full: {pages} pages of {page_size} bytes used, at most {most} allowed"
        path = next((row[2] for row in self.db.execute("PRAGMA database_list") if row[1] == "main"), "")
        if path:
            left = shutil.disk_usage(Path(path).parent).free
            if left < MIN_ROOM_BYTES:
                return f"disk full: {left} bytes free where the database is ({Path(path).parent})"
        return None

    # --- sources and fetch state ----------------------------------------------

    def sync_sources(self, sources: Iterable[Source]) -> None:
        """Record the configured sources, keeping the health of the known ones.

        A source removed from feeds.toml keeps its row (its articles name it)
        but is marked disabled, so its health no longer counts anywhere.
        """
        sources = list(sources)
        with self.db.atomic():
            names = [source.name for source in sources]
            self.db.execute(
                f"UPDATE sources SET enabled = 0 WHERE name NOT IN ({', '.join('?' * len(names))})", names
            )
            for source in sources:
                self.db.execute(
                    """INSERT INTO sources (name, url, kind, lang, enabled) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET url = excluded.url, kind = excluded.kind,
                    lang = excluded.lang, enabled = excluded.enabled""",
                    (source.name, source.url, source.kind, source.lang, int(source.enabled)),
                )

    def source_health(self, name: str) -> SourceHealth | None:
        rows = list(self.db.query("SELECT * FROM sources WHERE name = ?", [name]))
        return _health(rows[0]) if rows else None

    def all_source_health(self) -> list[SourceHealth]:
        return [_health(row) for row in self.db.query("SELECT * FROM sources WHERE enabled = 1 ORDER BY name")]

    def record_poll(self, name: str, error: str | None) -> SourceHealth:
        """Count a poll of a source; error None means it worked."""
        now = iso(self.clock())
        if error is None:
            self.db.execute(
                """UPDATE sources SET polls = polls + 1, consecutive_failures = 0,
                last_poll = ?, last_success = ? WHERE name = ?""",
                (now, now, name),
            )
        else:
            self.db.execute(
                """UPDATE sources SET polls = polls + 1, failures = failures + 1,
                consecutive_failures = consecutive_failures + 1, last_poll = ?,
                last_error = ?, last_error_at = ? WHERE name = ?""",
                (now, error[:500], now, name),
            )
        return self.source_health(name)

    def last_success(self) -> datetime | None:
        value = self.db.execute("SELECT max(last_success) FROM sources WHERE enabled = 1").fetchone()[0]
        return parse_iso(value)

    def validators(self, url: str) -> Validators | None:
        row = self.db.execute("SELECT etag, last_modified FROM fetch_state WHERE url = ?", [url]).fetchone()
        return Validators(etag=row[0], last_modified=row[1]) if row else None

    def save_validators(self, url: str, validators: Validators, status: int) -> None:
        self.db.execute(
            """INSERT INTO fetch_state (url, etag, last_modified, last_status, fetched_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
            last_status = excluded.last_status, fetched_at = excluded.fetched_at""",
            (url, validators.etag, validators.last_modified, status, iso(self.clock())),
        )

    # --- links ------------------------------------------------------------------

    def record_links(self, source: Source, links: list[Link], max_attempts: int) -> list[Link]:
        """Remember the links found on a poll; return those still to process, in order.

        On a source's first poll every link is marked seen ("baseline") except
        the `backfill` newest, so a new source does not alert on its backlog.
        A link whose article failed is retried on later polls until max_attempts.
        """
        now = iso(self.clock())
        with self.db.atomic():
            row = self.db.execute("SELECT baseline_done FROM sources WHERE name = ?", [source.name]).fetchone()
            first_poll = not (row and row[0])
            on_page = {link.url for link in links}
            guid_uses = Counter(link.guid for link in links if link.guid)
            for position, link in enumerate(links):
                state = "baseline" if first_poll and position >= source.backfill else "pending"
                if link.guid and guid_uses[link.guid] == 1:
                    known = self.db.execute(
                        "SELECT url FROM links WHERE source = ? AND guid = ?", (source.name, link.guid)
                    ).fetchone()
                    # The same item under a changed URL, unless the feed gives one
                    # guid to several items (it happens) or the old URL is still listed.
                    if known and known[0] not in on_page:
                        continue
                self.db.execute(
                    """INSERT INTO links (url, source, guid, title, published, first_seen, state)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, url) DO NOTHING""",
                    (link.url, source.name, link.guid, link.title, iso(link.published), now, state),
                )
            self.db.execute("UPDATE sources SET baseline_done = 1 WHERE name = ?", [source.name])
            wanted = {link.url: link for link in links}
            due = {
                row[0]: Link(url=row[0], guid=row[1], title=row[2], published=parse_iso(row[3]))
                for row in self.db.execute(
                    """SELECT url, guid, title, published FROM links
                    WHERE source = ? AND state IN ('pending', 'failed') AND attempts < ?""",
                    (source.name, max_attempts),
                )
            }
        # Keep the page's order (newest first) for links still on it; retries of
        # links that fell off the page come after, as the first poll saw them.
        ordered = [link for url, link in wanted.items() if url in due]
        ordered += [link for url, link in due.items() if url not in wanted]
        return ordered

    def link_failed(self, source: str, url: str, error: str) -> None:
        self.db.execute(
            "UPDATE links SET state = 'failed', attempts = attempts + 1, last_error = ? WHERE source = ? AND url = ?",
            (error[:500], source, url),
        )

    def link_done(self, source: str, url: str, article_id: int | None) -> None:
        self.db.execute(
            "UPDATE links SET state = 'done', attempts = attempts + 1, article_id = ? WHERE source = ? AND url = ?",
            (article_id, source, url),
        )

    def link_state(self, source: str, url: str) -> str | None:
        row = self.db.execute("SELECT state FROM links WHERE source = ? AND url = ?", [source, url]).fetchone()
        return row[0] if row else None

    # --- articles, stories, announcements -------------------------------------------

    def article_by_url(self, url: str) -> StoredMatch | None:
        return self._match("url = ?", url)

    def article_by_hash(self, content_hash: str) -> StoredMatch | None:
        return self._match("content_hash = ?", content_hash)

    def _match(self, where: str, value) -> StoredMatch | None:
        row = self.db.execute(
            f"SELECT id, story_id, external_id FROM articles WHERE {where} ORDER BY id LIMIT 1", [value]
        ).fetchone()
        return StoredMatch(row[0], row[1], row[2]) if row else None

    def has_external_id(self, external_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE external_id = ?", [external_id]).fetchone() is not None

    def external_id(self, article_id: int) -> str | int:
        """The caller's id of a stored article, or its database id when it has none."""
        row = self.db.execute("SELECT external_id FROM articles WHERE id = ?", [article_id]).fetchone()
        return row[0] if row and row[0] is not None else article_id

    def save_article(
        self,
        article: Article,
        *,
        url: str | None,
        source: str | None,
        content_hash: str,
        story_id: int | None,
        duplicate_of: int | None,
        announcements: list[Announcement],
        audience: Iterable[str] = (),
        guid: str | None = None,
        external_id: str | None = None,
        link_url: str | None = None,
        fingerprint: Fingerprint | None = None,
        url_key: str | None = None,
    ) -> StoredArticle:
        """Save an article with its story and announcements, and owe its alerts, in one transaction.

        With a dedup `fingerprint`, its LSH bands and story keys are indexed in the
        same transaction, so the next article can find this one.

        story_id None starts a new story. When the story becomes an investment
        story for the first time, one outbox row per chat in `audience` is
        written; when it was already alerted, the sent rows are marked for an
        edit ("also reported by").
        """
        now = iso(self.clock())
        is_investment = bool(announcements)
        seen = None
        with self.db.atomic():
            new_story = story_id is None
            if new_story:
                story_id = self.db.execute(
                    "INSERT INTO stories (title, first_seen) VALUES (?, ?)", (article.title or "(untitled)", now)
                ).lastrowid
            article_id = self.db.execute(
                """INSERT INTO articles (external_id, url, source, guid, title, text, lang, published, fetched_at,
                content_hash, story_id, duplicate_of, is_investment, author, description, image)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    external_id, url, source, guid, article.title or "", article.text, article.lang,
                    iso(article.published), now, content_hash, story_id, duplicate_of, int(is_investment),
                    article.author, article.description, article.image,
                ),
            ).lastrowid
            if fingerprint is not None or url_key is not None:
                seen = self._save_fingerprint(article_id, article, fingerprint, url_key)
            for found in announcements:
                self.db.execute(
                    """INSERT INTO announcements (article_id, story_id, investor, amount, currency, amount_text,
                    upper_bound, recipient, location, purpose, kind, evidence, confidence)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        article_id, story_id, found.investor, _decimal_text(found.amount), found.currency,
                        found.amount_text, int(found.upper_bound), found.recipient, found.location,
                        found.purpose, found.kind, found.evidence, found.confidence,
                    ),
                )
            alerts_owed = 0
            qualified = self.db.execute("SELECT qualified_at FROM stories WHERE id = ?", [story_id]).fetchone()[0]
            if is_investment and not qualified:
                self.db.execute(
                    "UPDATE stories SET is_investment = 1, qualified_at = ? WHERE id = ?", (now, story_id)
                )
                for chat_id in audience:
                    # A chat on a daily digest gets its row 'held' until the digest goes out.
                    alerts_owed += self.db.execute(
                        """INSERT INTO outbox (chat_id, story_id, created, state) VALUES (?, ?, ?,
                        CASE WHEN EXISTS (SELECT 1 FROM subscriptions WHERE chat_id = ? AND digest_time IS NOT NULL)
                        THEN 'held' ELSE 'pending' END)
                        ON CONFLICT (chat_id, story_id) DO NOTHING""",
                        (chat_id, story_id, now, chat_id),
                    ).rowcount
            elif qualified and (duplicate_of is None or self._first_from_source(story_id, article_id, source)):
                # A copy from another site is another source reporting the story: name it too.
                # Pending and held rows count too: a message being built or sent
                # right now may already be missing this source.
                alerts_owed = self.db.execute(
                    """UPDATE outbox SET edit_pending = edit_pending + 1
                    WHERE story_id = ? AND state IN ('pending', 'held', 'sent')""",
                    [story_id],
                ).rowcount
            if link_url and source:
                self.link_done(source, link_url, article_id)
            checkpoint("store.before_commit")  # a kill here must roll all of it back
        checkpoint("store.committed")
        if seen is not None and not self.db.conn.in_transaction:  # committed, not inside a caller's transaction
            self._remember(article_id, story_id, seen, fingerprint)
        return StoredArticle(article_id, story_id, new_story, alerts_owed)

    # --- dedup fingerprints (issue 5) ---------------------------------------------

    def _save_fingerprint(self, article_id: int, article: Article, fingerprint: Fingerprint | None,
                          url_key: str | None) -> str | None:
        """Index the article's fingerprint; its story-window moment (ISO) when it has one."""
        if url_key is not None:
            self.db.execute("UPDATE articles SET url_key = ? WHERE id = ?", (url_key, article_id))
        if fingerprint is None:
            return None
        moment = article.published or self.clock()
        seen = iso(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))
        self.db.execute(
            "INSERT INTO article_features (article_id, seen, signature, shingles, features) VALUES (?, ?, ?, ?, ?)",
            (
                article_id, seen, pack_signature(fingerprint.signature) or None, fingerprint.shingles,
                json.dumps(fingerprint.features.to_json(), ensure_ascii=False, separators=(",", ":")),
            ),
        )
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO article_bands (band_key, article_id) VALUES (?, ?)",
            [(key, article_id) for key in fingerprint.band_keys],
        )
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO article_keys (key, seen, article_id) VALUES (?, ?, ?)",
            [(key, seen, article_id) for key in fingerprint.features.index_keys()],
        )
        return seen

    def _remember(self, article_id: int, story_id: int, seen: str, fingerprint: Fingerprint) -> None:
        """Keep a just-committed article as a story candidate, as _candidates would read it back:
        the next articles compare with it, and parsing its JSON again would cost more than the rest
        of the lookup. Only when the JSON round trip gives the same features back (head keys within
        the lead's, the lead's within all: what dedup.story_features makes)."""
        features = fingerprint.features
        if not (features.head_keys <= features.core_keys <= features.keys):
            return
        moment = parse_iso(seen)
        self._features_cache[article_id] = Candidate(
            article_id=article_id, story_id=story_id, seen=moment, signature=(), shingles=fingerprint.shingles,
            features=features,
        )
        while len(self._features_cache) > FEATURES_CACHE_SIZE:
            self._features_cache.pop(next(iter(self._features_cache)))
        self._seen_cache[article_id] = (moment - _EPOCH) // _MICROSECOND

    def article_by_url_key(self, url_key: str) -> StoredMatch | None:
        """The first stored article under a variant of this page's URL (www./m./AMP)."""
        return self._match("url_key = ?", url_key)

    def near_candidates(self, band_keys: Iterable[int], limit: int = 20) -> list[Candidate]:
        """Stored articles sharing at least one LSH band with these keys, most bands first (index only)."""
        keys = list(band_keys)
        if not keys:
            return []
        rows = self.db.execute(
            f"""SELECT article_id, count(*) AS shared FROM article_bands
            WHERE band_key IN ({",".join("?" * len(keys))}) GROUP BY article_id ORDER BY shared DESC, article_id
            LIMIT ?""",
            [*keys, limit],
        ).fetchall()
        return self._candidates([row[0] for row in rows], signatures=True)

    def story_candidates(
        self,
        keys: Iterable[str],
        seen: datetime,
        window: timedelta,
        late_keys: Iterable[str] = (),
        late_window: timedelta | None = None,
        limit: int = 20,
    ) -> list[Candidate]:
        """Stored articles within `window` of `seen` sharing story keys, most keys first.

        Each key is a range scan of the (key, seen) index that stops after KEY_POSTINGS
        rows (the latest), so the cost grows with neither the size of the database
        nor the number of articles in the window.
        `late_keys` (investment keys) are looked up over the wider `late_window`.
        """
        counts: dict[int, int] = {}
        late_only: set[int] = set()
        for wanted, span in ((list(keys), window), (list(late_keys), late_window)):
            if not wanted or span is None:
                continue
            low, high = iso(seen - span), iso(seen + span)
            wanted = list(dict.fromkeys(wanted))
            # A shared amount or number weighs two, a shared name one. Each key reads
            # at most KEY_POSTINGS of its postings (a range scan of the primary key).
            # The postings come back as one string per weight and are counted here:
            # grouping them in SQL (a sort) and reading a row per article cost 3x more.
            posted: Counter = Counter()
            for weight in (2, 1):
                group = [key for key in wanted if (1 if key[:2].lower() == "e:" else 2) == weight]
                if not group:
                    continue
                params = []
                for key in group:
                    params += [key, low, high, KEY_POSTINGS]
                ids = self.db.execute(
                    f"SELECT group_concat(article_id) FROM ({' UNION ALL '.join([_KEY_POSTINGS_SQL] * len(group))})",
                    params,
                ).fetchone()[0]
                if ids:
                    ids = ids.split(",")
                    for _ in range(weight):
                        posted.update(ids)
            if not counts:
                counts = {int(article_id): shared for article_id, shared in posted.items()}
                continue
            for article_id, shared in posted.items():
                article_id = int(article_id)
                if article_id not in counts:
                    late_only.add(article_id)
                counts[article_id] = counts.get(article_id, 0) + shared
        if not counts:
            return []
        # Most shared first; among equals, the closest in time (then those found in the
        # window before those found only late, each by id: the order SQL grouped them in).
        # One shared name alone ("e:apple") is common: only the few closest such articles
        # are compared. Distances in whole microseconds order exactly as timedeltas do.
        # Only articles sharing at least as much as the limit-th strongest can make the cut.
        shares = sorted((shared for shared in counts.values() if shared >= 2), reverse=True)
        cutoff = shares[limit - 1] if 0 < limit < len(shares) else 2
        strong_ids = [article_id for article_id, shared in counts.items() if shared >= cutoff]
        weak_ids = [article_id for article_id, shared in counts.items() if shared < 2]
        moments = self._seen_micros(strong_ids + weak_ids)
        target = (seen - _EPOCH) // _MICROSECOND
        strong = [(-counts[article_id], abs(moments[article_id] - target), article_id in late_only, article_id)
                  for article_id in strong_ids]
        weak = [(abs(moments[article_id] - target), article_id in late_only, article_id) for article_id in weak_ids]
        chosen = [ranked[-1] for ranked in heapq.nsmallest(limit, strong)]
        chosen += [ranked[-1] for ranked in heapq.nsmallest(WEAK_CANDIDATES, weak)]
        self._trim_seen_cache()
        return self._candidates(chosen)

    def _seen_micros(self, article_ids: Iterable[int]) -> dict[int, int]:
        """The story-window moments (article_features.seen), in microseconds since the epoch, of
        these articles and others (the cache: trimmed by _trim_seen_cache once read)."""
        cache = self._seen_cache
        missing = [article_id for article_id in article_ids if article_id not in cache]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            for article_id, seen in self.db.execute(
                f"SELECT article_id, seen FROM article_features WHERE article_id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                cache[article_id] = (parse_iso(seen) - _EPOCH) // _MICROSECOND
        for article_id in missing:
            if article_id not in cache:  # keys without features: not written by _save_fingerprint
                seen = self.db.execute("SELECT max(seen) FROM article_keys WHERE article_id = ?", [article_id])
                cache[article_id] = (parse_iso(seen.fetchone()[0]) - _EPOCH) // _MICROSECOND
        return cache

    def _trim_seen_cache(self) -> None:
        cache = self._seen_cache
        while len(cache) > SEEN_CACHE_SIZE:
            cache.pop(next(iter(cache)))

    def _candidates(self, article_ids: list[int], signatures: bool = False) -> list[Candidate]:
        if not article_ids:
            return []
        known: dict[int, Candidate] = {}
        if not signatures:
            cached = [self._features_cache.get(article_id) for article_id in article_ids]
            if all(cached):
                return cached
            # Read only the ones not parsed yet: most of a burst's candidates are.
            known = {c.article_id: c for c in cached if c is not None}
        missing = [article_id for article_id in article_ids if article_id not in known]
        rows = self.db.execute(
            f"""SELECT f.article_id, a.story_id, f.seen, {"f.signature" if signatures else "NULL"}, f.shingles, f.features
            FROM article_features AS f JOIN articles AS a ON a.id = f.article_id
            WHERE f.article_id IN ({",".join("?" * len(missing))})""",
            missing,
        ).fetchall()
        by_id = known | {
            row[0]: Candidate(
                article_id=row[0], story_id=row[1], seen=parse_iso(row[2]),
                signature=unpack_signature(row[3]), shingles=row[4],
                features=StoryFeatures.from_json(json.loads(row[5])),
            )
            for row in rows
        }
        if not signatures:
            # Features never change once written and the same recent articles come
            # back as candidates again and again: keep the parsed ones.
            for candidate in by_id.values():
                self._features_cache[candidate.article_id] = candidate
            while len(self._features_cache) > FEATURES_CACHE_SIZE:
                self._features_cache.pop(next(iter(self._features_cache)))
        return [by_id[article_id] for article_id in article_ids if article_id in by_id]

    def _first_from_source(self, story_id: int, article_id: int, source: str | None) -> bool:
        """Is this the story's first article from this source (a copy from a new site)?"""
        if source is None:
            return False
        return not self.db.execute(
            "SELECT 1 FROM articles WHERE story_id = ? AND id < ? AND source = ? LIMIT 1", (story_id, article_id, source)
        ).fetchone()

    def announcements_for_story(self, story_id: int) -> list[Announcement]:
        """The story's distinct announcements, first reported first.

        Each article of a story stores what it announces, so the French and the
        English report of one investment give two rows: an alert shows it once.
        """
        kept: list[Announcement] = []
        reported_by: dict[tuple, int] = {}  # (investor, amount, currency) -> first article saying it
        for row in self.db.query("SELECT * FROM announcements WHERE story_id = ? ORDER BY id", [story_id]):
            found = _announcement(row)
            key = ((found.investor or "").casefold(), found.amount, found.currency)
            first = reported_by.setdefault(key, row["article_id"])
            # Within one article two equal keys are two announcements (two places,
            # two recipients); across articles they are one told twice.
            if first == row["article_id"]:
                kept.append(found)
        return kept

    def story_sources(self, story_id: int) -> list[AlertSource]:
        """The story's articles that are not copies of another, first seen first.

        A copy published by another source counts as that source reporting the
        story, so it is listed too (once per source).
        """
        return [
            AlertSource(title=row["title"], url=row["url"] or "", source=row["source"] or "", lang=row["lang"])
            for row in self.db.query(
                """SELECT title, url, source, lang FROM articles AS a WHERE story_id = ? AND (duplicate_of IS NULL
                OR (source IS NOT NULL AND NOT EXISTS (SELECT 1 FROM articles AS b
                    WHERE b.story_id = a.story_id AND b.id < a.id AND b.source = a.source)))
                ORDER BY id""",
                [story_id],
            )
        ]

    def story(self, story_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM stories WHERE id = ?", [story_id]))
        return rows[0] if rows else None

    def counts(self) -> dict[str, int]:
        tables = ("sources", "links", "articles", "stories", "announcements", "outbox")
        counts = {table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}
        counts["outbox_pending"] = self.db.execute(
            "SELECT count(*) FROM outbox WHERE state = 'pending' OR (state = 'sent' AND edit_pending > 0)"
        ).fetchone()[0]
        return counts

    # --- outbox -------------------------------------------------------------------

    def due_alerts(self, limit: int = 100) -> list[OutboxRow]:
        """Rows owed a first message, or an edit naming sources that joined since."""
        now = iso(self.clock())
        return [
            OutboxRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6] == "sent")
            for row in self.db.execute(
                """SELECT id, chat_id, story_id, attempts, message_id, edit_pending, state FROM outbox
                WHERE (state = 'pending' OR (state = 'sent' AND edit_pending > 0))
                AND (next_attempt IS NULL OR next_attempt <= ?) ORDER BY id LIMIT ?""",
                (now, limit),
            )
        ]

    def mark_sent(self, outbox_id: int, message_id: str | None, edits_seen: int = 0) -> None:
        """The message (or edit) was accepted; it covered the `edits_seen` sources due when it was built.

        Sources that joined while it was in flight stay owed. attempts restarts
        at 0: it counts the failures of the next delivery, not the past ones.
        """
        self.db.execute(
            """UPDATE outbox SET state = 'sent', edit_pending = max(edit_pending - ?, 0),
            sent_at = coalesce(sent_at, ?), message_id = coalesce(?, message_id), attempts = 0,
            last_error = NULL, next_attempt = NULL WHERE id = ?""",
            (edits_seen, iso(self.clock()), message_id, outbox_id),
        )

    def mark_retry(self, outbox_id: int, error: str, next_attempt: datetime) -> None:
        self.db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt = ? WHERE id = ?",
            (error[:500], iso(next_attempt), outbox_id),
        )

    def mark_failed(self, outbox_id: int, error: str) -> None:
        self.db.execute(
            "UPDATE outbox SET state = 'failed', edit_pending = 0, attempts = attempts + 1, last_error = ? WHERE id = ?",
            (error[:500], outbox_id),
        )

    def give_up_edit(self, outbox_id: int, edits_seen: int, error: str) -> None:
        """An edit could not be made: the alert itself was delivered and stays 'sent'."""
        self.db.execute(
            """UPDATE outbox SET edit_pending = max(edit_pending - ?, 0), attempts = 0,
            last_error = ?, next_attempt = NULL WHERE id = ?""",
            (edits_seen, error[:500], outbox_id),
        )

    def outbox_rows(self) -> Iterator[dict]:
        return self.db.query("SELECT * FROM outbox ORDER BY id")

    # --- subscriptions (Telegram) -------------------------------------------------

    def subscribe(self, chat_id: str, *, chat_type: str | None, title: str | None, lang: str | None,
                  filters_json: str | None = None) -> bool:
        """Start (or restart) a chat's subscription; filters_json None keeps the current filters.

        Returns True when the chat was not subscribed before.
        """
        now = iso(self.clock())
        with self.db.atomic():
            row = self.db.execute("SELECT active FROM subscriptions WHERE chat_id = ?", [chat_id]).fetchone()
            self.db.execute(
                """INSERT INTO subscriptions (chat_id, filters, active, created, chat_type, title, lang, updated)
                VALUES (?, coalesce(?, '{}'), 1, ?, ?, ?, ?, ?)
                ON CONFLICT (chat_id) DO UPDATE SET active = 1, inactive_reason = NULL,
                filters = coalesce(?, filters), chat_type = coalesce(excluded.chat_type, chat_type),
                title = coalesce(excluded.title, title), lang = coalesce(lang, excluded.lang), updated = excluded.updated""",
                (chat_id, filters_json, now, chat_type, title, lang, now, filters_json),
            )
        return not (row and row[0])

    def subscription(self, chat_id: str) -> Subscription | None:
        rows = list(self.db.query("SELECT * FROM subscriptions WHERE chat_id = ?", [chat_id]))
        return _subscription(rows[0]) if rows else None

    def subscriptions(self, active_only: bool = True) -> list[Subscription]:
        where = "WHERE active = 1" if active_only else ""
        return [_subscription(row) for row in self.db.query(f"SELECT * FROM subscriptions {where} ORDER BY created")]

    def update_subscription(self, chat_id: str, **values) -> None:
        """Set some of: filters (JSON text), mute_until (datetime|None), digest_time ("HH:MM"|None),
        last_digest (datetime|None), lang."""
        allowed = {"filters", "mute_until", "digest_time", "last_digest", "lang"}
        assert set(values) <= allowed, set(values) - allowed
        columns = [f"{name} = ?" for name in values] + ["updated = ?"]
        params = [iso(v) if isinstance(v, datetime) else v for v in values.values()]
        self.db.execute(
            f"UPDATE subscriptions SET {', '.join(columns)} WHERE chat_id = ?",
            [*params, iso(self.clock()), chat_id],
        )

    def deactivate_subscription(self, chat_id: str, reason: str) -> int:
        """Stop a chat's alerts (unsubscribed, or the bot was blocked); returns the alerts cancelled."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE subscriptions SET active = 0, inactive_reason = ?, updated = ? WHERE chat_id = ?",
                (reason[:200], iso(self.clock()), chat_id),
            )
            return self.db.execute(
                """UPDATE outbox SET state = 'cancelled', last_error = ? WHERE chat_id = ?
                AND state IN ('pending', 'held')""",
                (reason[:200], chat_id),
            ).rowcount

    def migrate_chat(self, old_id: str, new_id: str) -> None:
        """A group became a supergroup: move its subscription and its alerts to the new id."""
        with self.db.atomic():
            if self.db.execute("SELECT 1 FROM subscriptions WHERE chat_id = ?", [new_id]).fetchone():
                self.db.execute("DELETE FROM subscriptions WHERE chat_id = ?", [old_id])
            else:
                self.db.execute("UPDATE subscriptions SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
            # Alerts the new id already has win; the old id's twins go.
            self.db.execute(
                """DELETE FROM outbox WHERE chat_id = ? AND story_id IN
                (SELECT story_id FROM outbox WHERE chat_id = ?)""",
                (old_id, new_id),
            )
            self.db.execute("UPDATE outbox SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))

    def held_alerts(self, chat_id: str) -> list[OutboxRow]:
        """The alerts waiting for a chat's digest, oldest first."""
        return [
            OutboxRow(row[0], row[1], row[2], row[3], row[4], bool(row[5]))
            for row in self.db.execute(
                """SELECT id, chat_id, story_id, attempts, message_id, edit_pending FROM outbox
                WHERE chat_id = ? AND state = 'held' ORDER BY id""",
                [chat_id],
            )
        ]

    def mark_digested(self, outbox_ids: Iterable[int], message_id: str | None) -> None:
        now = iso(self.clock())
        with self.db.atomic():
            for outbox_id in outbox_ids:
                self.db.execute(
                    """UPDATE outbox SET state = 'digested', sent_at = ?, message_id = ?, attempts = attempts + 1
                    WHERE id = ? AND state = 'held'""",
                    (now, message_id, outbox_id),
                )

    def release_held(self, chat_id: str) -> int:
        """The chat left its digest: its held alerts go out one by one."""
        return self.db.execute(
            "UPDATE outbox SET state = 'pending' WHERE chat_id = ? AND state = 'held'", [chat_id]
        ).rowcount

    def outbox_row_exists(self, outbox_id: int) -> bool:
        """Is this outbox row still there? migrate_chat drops a row the new chat id already owes."""
        return self.db.execute("SELECT 1 FROM outbox WHERE id = ?", [outbox_id]).fetchone() is not None

    # --- reading stories for the bot ---------------------------------------------------

    def latest_stories(self, limit: int = 5) -> list[dict]:
        """The most recent investment stories, newest first (id, title, first_seen, qualified_at)."""
        return list(
            self.db.query(
                "SELECT * FROM stories WHERE qualified_at IS NOT NULL ORDER BY qualified_at DESC, id DESC LIMIT ?",
                [limit],
            )
        )

    def search_articles(self, words: list[str], limit: int = 10) -> list[dict]:
        """Articles whose title or text has every word (FTS5, accents ignored), best first.

        Each word is quoted for FTS5, so nothing the user types is read as query syntax.
        `snippet` marks the matches with U+E000 and U+E001 (private-use: never in articles).
        """
        if not words:
            return []
        query = " ".join('"' + word.replace('"', '""') + '"' for word in words)
        try:
            return list(
                self.db.query(
                    """SELECT a.id, a.title, a.url, a.source, a.lang, a.published, a.story_id,
                    snippet(articles_fts, 1, char(57344), char(57345), '…', 12) AS snippet
                    FROM articles_fts JOIN articles AS a ON a.id = articles_fts.rowid
                    WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?""",
                    (query, limit),
                )
            )
        except sqlite3.OperationalError as e:
            raise StoreError(f"search failed: {e}") from e

    def outbox_counts(self) -> dict[str, int]:
        return {row[0]: row[1] for row in self.db.execute("SELECT state, count(*) FROM outbox GROUP BY state")}

    def set_source_notified(self, name: str, notified: bool) -> None:
        self.db.execute("UPDATE sources SET admin_notified = ? WHERE name = ?", (int(notified), name))

    def source_notified(self, name: str) -> bool:
        row = self.db.execute("SELECT admin_notified FROM sources WHERE name = ?", [name]).fetchone()
        return bool(row and row[0])


def _statements(script: str) -> list[str]:
    """Split a schema script on semicolons that end a statement.

    None occur inside our statements except in a trigger's BEGIN ... END body,
    which is kept whole.
    """
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    statements: list[str] = []
    trigger: list[str] = []
    for part in (part.strip() for part in "\n".join(lines).split(";")):
        if trigger:
            trigger.append(part)
            if part.upper() == "END":
                statements.append(";\n".join(trigger))
                trigger = []
        elif part.upper().startswith("CREATE TRIGGER"):
            trigger = [part]
        elif part:
            statements.append(part)
    return statements


def _health(row: dict) -> SourceHealth:
    return SourceHealth(
        name=row["name"],
        url=row["url"],
        polls=row["polls"],
        failures=row["failures"],
        consecutive_failures=row["consecutive_failures"],
        baseline_done=bool(row["baseline_done"]),
        last_success=parse_iso(row["last_success"]),
        last_error=row["last_error"],
        last_error_at=parse_iso(row["last_error_at"]),
    )


def _subscription(row: dict) -> Subscription:
    return Subscription(
        chat_id=row["chat_id"],
        filters=row["filters"],
        active=bool(row["active"]),
        chat_type=row["chat_type"],
        title=row["title"],
        lang=row["lang"],
        mute_until=parse_iso(row["mute_until"]),
        digest_time=row["digest_time"],
        last_digest=parse_iso(row["last_digest"]),
        inactive_reason=row["inactive_reason"],
    )


def _decimal_text(amount: Decimal | None) -> str | None:
    if amount is None:
        return None
    # "4E+9" would be exact too, but people read the database: write it out.
    return format(amount, "f")


def _announcement(row: dict) -> Announcement:
    return Announcement(
        investor=row["investor"],
        amount=Decimal(row["amount"]) if row["amount"] is not None else None,
        currency=row["currency"],
        amount_text=row["amount_text"],
        upper_bound=bool(row["upper_bound"]),
        recipient=row["recipient"],
        location=row["location"],
        purpose=row["purpose"],
        kind=row["kind"],
        evidence=row["evidence"] or "",
        confidence=row["confidence"] or 0.0,
    )


"""Store: schema and migrations, source health, first-poll baseline, and the alerts outbox."""

import sqlite3
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from monitor.errors import StoreError
from monitor.store import SCHEMA_VERSION, Store
from monitor.types import Announcement, Article, Link, Source, Validators

SOURCE = Source(name="Site", url="https://site.example/feed", backfill=1)
INVESTMENT = Announcement(
    investor="Microsoft", amount=Decimal("4000000000"), currency="EUR", amount_text="4 milliards d'euros",
    location="France", kind="capex", evidence="Microsoft va investir 4 milliards d'euros en France.",
)


def save(store, title, text, url, announcements=(), story_id=None, audience=("console",), duplicate_of=None):
    return store.save_article(
        Article(title=title, text=text, lang="fr"), url=url, source="Site", content_hash=title,
        story_id=story_id, duplicate_of=duplicate_of, announcements=list(announcements), audience=audience,
    )


def test_a_new_database_is_at_the_current_schema_version_and_wal(store):
    assert store.schema_version == SCHEMA_VERSION
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_keeps_data_and_does_not_migrate_again(db_path):
    first = Store.open(db_path)
    first.sync_sources([SOURCE])
    first.close()
    again = Store.open(db_path)
    assert again.source_health("Site").url == SOURCE.url
    again.close()


def test_a_database_from_a_newer_monitor_is_refused_with_a_clear_error(db_path):
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this monitor"):
        Store.open(db_path)


def test_a_database_path_that_cannot_be_created_gives_a_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open database"):
        Store.open(blocker / "sub" / "monitor.db")


def test_poll_health_counts_consecutive_failures_and_resets_on_success(store):
    store.sync_sources([SOURCE])
    store.record_poll("Site", "HTTP 503")
    health = store.record_poll("Site", "HTTP 503")
    assert (health.consecutive_failures, health.failures, health.last_error) == (2, 2, "HTTP 503")
    health = store.record_poll("Site", None)
    assert (health.consecutive_failures, health.polls, health.last_success is not None) == (0, 3, True)


def test_first_poll_keeps_only_the_backfill_newest_and_later_polls_return_new_links(store):
    store.sync_sources([SOURCE])
    first = [Link(url=f"https://site.example/{n}") for n in (3, 2, 1)]
    assert [link.url for link in store.record_links(SOURCE, first, 3)] == ["https://site.example/3"]
    assert store.link_state("Site", "https://site.example/2") == "baseline"
    store.link_done("Site", "https://site.example/3", None)
    second = [Link(url="https://site.example/4"), *first]
    assert [link.url for link in store.record_links(SOURCE, second, 3)] == ["https://site.example/4"]


def test_a_failed_link_is_retried_until_max_attempts(store):
    store.sync_sources([SOURCE])
    links = [Link(url="https://site.example/a")]
    store.record_links(SOURCE, links, 2)
    store.link_failed("Site", "https://site.example/a", "HTTP 500")
    assert [link.url for link in store.record_links(SOURCE, links, 2)] == ["https://site.example/a"]
    store.link_failed("Site", "https://site.example/a", "HTTP 500")
    assert store.record_links(SOURCE, links, 2) == []


def test_a_known_guid_under_a_new_url_is_not_new(store):
    store.sync_sources([SOURCE])
    store.record_links(SOURCE, [Link(url="https://site.example/a", guid="g1")], 3)
    store.record_links(SOURCE, [Link(url="https://site.example/a-renamed", guid="g1")], 3)
    assert store.link_state("Site", "https://site.example/a-renamed") is None


def test_validators_round_trip(store):
    store.save_validators("https://site.example/feed", Validators(etag='"v1"', last_modified="Mon"), 200)
    assert store.validators("https://site.example/feed") == Validators(etag='"v1"', last_modified="Mon")
    assert store.validators("https://other.example/") is None


def test_an_investment_story_owes_one_alert_per_chat_once(store):
    first = save(store, "A", "text a", "https://a.example/1", [INVESTMENT], audience=("console", "42"))
    assert first.new_story and first.alerts_owed == 2
    # A second investment article in the same story owes nothing more.
    second = save(store, "B", "text b", "https://b.example/1", [INVESTMENT], story_id=first.story_id)
    assert second.story_id == first.story_id and not second.new_story
    assert [row.chat_id for row in store.due_alerts()] == ["console", "42"]


def test_amounts_are_stored_exactly(store):
    odd = Announcement(investor="X", amount=Decimal("1200000000.5"), currency="EUR", amount_text="", kind="capex")
    stored = save(store, "A", "t", "https://a.example/1", [odd])
    assert store.announcements_for_story(stored.story_id)[0].amount == Decimal("1200000000.5")


def test_a_non_investment_story_owes_no_alert(store):
    assert save(store, "A", "t", "https://a.example/1").alerts_owed == 0
    assert store.due_alerts() == []


def test_a_source_joining_a_sent_story_marks_the_alert_for_an_edit(store):
    first = save(store, "A", "text a", "https://a.example/1", [INVESTMENT])
    row = store.due_alerts()[0]
    store.mark_sent(row.id, "m1")
    assert store.due_alerts() == []
    joined = save(store, "B", "text b", "https://b.example/1", story_id=first.story_id)
    assert joined.alerts_owed == 1
    due = store.due_alerts()
    assert len(due) == 1 and due[0].edit_pending and due[0].message_id == "m1"
    assert [s.url for s in store.story_sources(first.story_id)] == ["https://a.example/1", "https://b.example/1"]


def test_a_retry_waits_until_its_time(store):
    clock = [datetime(2024, 5, 13, tzinfo=timezone.utc)]
    store.clock = lambda: clock[0]
    save(store, "A", "t", "https://a.example/1", [INVESTMENT])
    row = store.due_alerts()[0]
    store.mark_retry(row.id, "timeout", clock[0] + timedelta(seconds=30))
    assert store.due_alerts() == []
    clock[0] += timedelta(seconds=31)
    assert [r.id for r in store.due_alerts()] == [row.id]


def test_a_same_url_article_cannot_be_stored_twice(store):
    save(store, "A", "t", "https://a.example/1")
    with pytest.raises(sqlite3.IntegrityError):
        save(store, "A2", "t2", "https://a.example/1")
    # The failed transaction left nothing behind: no orphan story.
    assert store.counts()["stories"] == 1


def test_the_same_announcement_reported_by_two_articles_of_a_story_is_listed_once(store):
    first = save(store, "A", "text a", "https://a.example/1", [INVESTMENT])
    other = Announcement(investor="Amazon", amount=Decimal("1200000000"), currency="EUR", amount_text="", kind="capex")
    save(store, "B", "text b", "https://b.example/1", [INVESTMENT, other], story_id=first.story_id)
    assert [(a.investor, a.amount) for a in store.announcements_for_story(first.story_id)] == [
        ("Microsoft", Decimal("4000000000")), ("Amazon", Decimal("1200000000"))
    ]


def test_a_feed_that_gives_every_item_the_same_guid_still_yields_new_items(store):
    source = Source(name="Site", url="https://site.example/feed", backfill=5)
    store.sync_sources([source])
    first = [Link(url="https://site.example/1", guid="https://site.example/")]
    assert len(store.record_links(source, first, 3)) == 1
    second = [Link(url="https://site.example/2", guid="https://site.example/"), *first]
    assert "https://site.example/2" in [link.url for link in store.record_links(source, second, 3)]


def test_a_retried_link_keeps_its_title_guid_and_date(store):
    from datetime import datetime, timezone

    store.sync_sources([SOURCE])
    when = datetime(2024, 5, 13, 8, 0, tzinfo=timezone.utc)
    link = Link(url="https://site.example/a", guid="g", title="Title", published=when)
    store.record_links(SOURCE, [link], 3)
    store.link_failed("Site", link.url, "HTTP 500")
    assert store.record_links(SOURCE, [], 3) == [link]  # fell off the page, still retried whole


def test_a_source_removed_from_the_config_leaves_the_health_report(store):
    other = Source(name="Other", url="https://other.example/feed")
    store.sync_sources([SOURCE, other])
    store.record_poll("Other", "HTTP 500")
    store.sync_sources([SOURCE])
    assert [h.name for h in store.all_source_health()] == ["Site"]

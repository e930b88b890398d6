"""The Telegram notifier against the fake Bot API: formatting, pacing, every error path, restarts (issue 6).

The real python-telegram-bot Application talks over HTTP to tests/fakebotapi.py
on 127.0.0.1; time is a FakeClock, so pacing and backoff are asserted as the
sleeps they ask for, never waited.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from fakebotapi import FakeClock
from monitor.bot import make_telegram
from monitor.errors import ConfigError, NotifyError
from monitor.filters import describe, parse_filters
from monitor.notify import deliver_due, format_alert
from monitor.schedule import source_notice
from monitor.store import SourceHealth, Store
from monitor.telegram import (
    MESSAGE_LIMIT, Pacer, TokenFilter, alert_text, digest_due, format_money, split_message, utf16_len,
)
from monitor.types import Alert, AlertSource, Announcement, Article

# PTB's RetryAfter warns about its own future type as it is built: not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

PLANT = Announcement(
    investor="Northwind Energy", amount=Decimal("2000000000"), currency="EUR", amount_text="€2 billion",
    location="France", kind="capex", evidence="Northwind Energy will invest €2 billion in a plant near Lyon.",
)
ARTICLE = Article(title="Northwind Energy to build a battery plant near Lyon", text="Northwind Energy will invest.", lang="en")


def owe(store: Store, notifier, url: str, *, source: str = "Wire", story_id=None, duplicate_of=None,
        article: Article = ARTICLE, announcements=(PLANT,)):
    """Save an article the way the pipeline does, the notifier choosing the audience."""
    audience = notifier.audience(article, list(announcements)) if announcements else []
    return store.save_article(
        article, url=url, source=source, content_hash=url, story_id=story_id, duplicate_of=duplicate_of,
        announcements=list(announcements), audience=audience,
    )


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
async def telegram(store, api, clock):
    notifier = make_telegram(
        store, api.token, api.url, admin_ids=(900,), polling=False,
        pacer=Pacer(clock=clock, sleep=clock.sleep), sleep=clock.sleep,
    )
    await notifier.start()
    yield notifier
    await notifier.aclose()


def subscribe(store, chat_id, filters="{}", lang="en", chat_type="private"):
    store.subscribe(str(chat_id), chat_type=chat_type, title="t", lang=lang, filters_json=filters)


def rows(store):
    return list(store.outbox_rows())


# --- formatting -----------------------------------------------------------------------


def test_amounts_are_written_for_the_chats_language():
    assert format_money(Decimal("4000000000"), "EUR", "en") == "€4 bn"
    assert format_money(Decimal("4000000000"), "EUR", "fr") == "4 Md€"
    assert format_money(Decimal("1500000000"), "USD", "fr") == "1,5 Md$"
    assert format_money(Decimal("15000000"), "USD", "en") == "$15 m"
    assert format_money(Decimal("300000000"), "CHF", "en") == "300 m CHF"
    assert format_money(Decimal("500000000"), "EUR", "en", upper_bound=True) == "up to €500 m"
    assert format_money(None, None, "fr") == "montant non précisé"


def test_the_console_and_the_filters_write_amounts_as_an_english_chat_does():
    assert "€2 bn" in format_alert(_alert())
    assert "min: €50 m" in describe(parse_filters("min: 50m EUR"))


def _alert(title="T", sources=1, announcements=(PLANT,)):
    return Alert(
        outbox_id=1, chat_id="1", story_id=7, title=title,
        sources=tuple(AlertSource(f"Title {i}", f"https://site{i}.example/a?x=1&y=2", f"Site {i}", "fr") for i in range(sources)),
        announcements=announcements, summary="A <script>alert(1)</script> summary & more",
    )


def test_an_alert_is_html_built_from_escaped_text_only():
    text = alert_text(_alert(title='<b onclick="x">Bold</b> & "quoted"'))
    assert "&lt;b onclick=&quot;x&quot;&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot;" in text
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert 'href="https://site0.example/a?x=1&amp;y=2"' in text
    assert "€2 bn" in text and "Northwind Energy" in text and "France" in text


def test_an_alert_with_many_sources_stays_one_message_under_the_limit():
    text = alert_text(_alert(title="x" * 5000, sources=300))
    assert utf16_len(text) <= MESSAGE_LIMIT
    assert "and 289 more" in text


def test_long_texts_split_between_lines_under_the_limit_counting_utf16():
    lines = [f"line {i} 😀 " + "é" * 50 for i in range(400)]
    parts = split_message("\n".join(lines))
    assert len(parts) > 1 and all(utf16_len(p) <= MESSAGE_LIMIT for p in parts)
    assert "\n".join(parts) == "\n".join(lines)
    giant = split_message("😀" * 5000)  # one line longer than the limit
    assert all(utf16_len(p) <= MESSAGE_LIMIT for p in giant) and "".join(giant) == "😀" * 5000


# --- pacing ---------------------------------------------------------------------------


async def test_pacing_keeps_one_message_a_second_per_chat(clock):
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    for _ in range(3):
        await pacer.wait("42")
    assert clock.sleeps == [1.0, 1.0]
    await pacer.wait("43")  # another chat need not wait
    assert clock.sleeps == [1.0, 1.0]


async def test_pacing_keeps_twenty_messages_a_minute_per_group(clock):
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    start = clock.now
    for _ in range(21):
        await pacer.wait("-100123")
    # 20 go a second apart; the 21st waits until a minute after the first.
    assert clock.now == pytest.approx(start + 60.0)


async def test_pacing_keeps_thirty_messages_a_second_overall(clock):
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    for chat in range(31):
        await pacer.wait(str(chat + 1))
    assert clock.sleeps == [pytest.approx(1.0)]


# --- delivery -------------------------------------------------------------------------


async def test_one_alert_per_chat_then_an_edit_when_another_source_joins(store, api, telegram):
    subscribe(store, 42)
    first = owe(store, telegram, "https://wire.example/a")
    assert await deliver_due(store, telegram) == 1
    [sent] = api.messages(42)
    assert sent.params["parse_mode"] == "HTML" and "Northwind Energy" in sent.text
    buttons = [b["callback_data"] for row in sent.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == [f"mute:{first.story_id}", "unsub"]
    assert rows(store)[0]["message_id"] == str(sent.message_id)

    assert await deliver_due(store, telegram) == 0  # nothing twice
    other = Article(title="Northwind plans Lyon plant", text="Another telling.", lang="fr")
    owe(store, telegram, "https://other.example/b", source="Other", story_id=first.story_id, article=other,
        announcements=())
    assert await deliver_due(store, telegram) == 1
    [edit] = api.edits(42)
    assert edit.params["message_id"] == str(sent.message_id) or int(edit.params["message_id"]) == sent.message_id
    assert "Also reported by" in edit.text and "Other (FR)" in edit.text
    assert len(api.messages(42)) == 1


async def test_a_429_waits_retry_after_then_sends_the_same_message_once(store, api, telegram, clock):
    subscribe(store, 42)
    owe(store, telegram, "https://wire.example/a")
    api.fail("sendMessage", "retry_after", seconds=7)
    assert await deliver_due(store, telegram) == 1
    assert 7 in [round(s) for s in clock.sleeps]
    calls = api.calls("sendMessage")
    assert [c.status for c in calls] == [429, 200] and calls[0].text == calls[1].text
    assert rows(store)[0]["state"] == "sent"


async def test_a_very_long_retry_after_hands_the_alert_back_to_the_outbox(store, api, telegram):
    subscribe(store, 42)
    owe(store, telegram, "https://wire.example/a")
    api.fail("sendMessage", "retry_after", seconds=600)
    assert await deliver_due(store, telegram) == 0
    row = rows(store)[0]
    assert row["state"] == "pending" and "retry after 600" in row["last_error"]
    assert datetime.fromisoformat(row["next_attempt"]) >= datetime.now(timezone.utc) + timedelta(seconds=590)


async def test_server_errors_are_retried_with_backoff(store, api, telegram, clock):
    subscribe(store, 42)
    owe(store, telegram, "https://wire.example/a")
    api.fail("sendMessage", "server_error", times=2, status=502)
    assert await deliver_due(store, telegram) == 1
    assert [s for s in clock.sleeps if s >= 1] == [1.0, 2.0]
    assert len(api.messages(42)) == 1


async def test_persistent_server_errors_leave_the_alert_pending_for_a_later_pass(store, api, telegram):
    subscribe(store, 42)
    owe(store, telegram, "https://wire.example/a")
    api.fail("sendMessage", "server_error", times=10, status=500)
    assert await deliver_due(store, telegram) == 0
    row = rows(store)[0]
    assert row["state"] == "pending" and row["attempts"] == 1 and "network" in row["last_error"]


async def test_a_403_deactivates_the_subscription_and_cancels_its_alerts(store, api, telegram):
    subscribe(store, 42)
    subscribe(store, 43)
    owe(store, telegram, "https://wire.example/a")
    owe(store, telegram, "https://wire.example/b", article=Article(title="Second", text="x", lang="en"))
    api.fail("sendMessage", "forbidden", chat_id=42)
    await deliver_due(store, telegram)
    assert store.subscription("42").active is False
    assert "blocked" in store.subscription("42").inactive_reason
    states = {(r["chat_id"], r["story_id"]): r["state"] for r in rows(store)}
    assert [v for (chat, _), v in states.items() if chat == "42"] == ["failed", "failed"]
    assert "inactive" in rows(store)[2]["last_error"]  # read before the 403, never sent
    assert len(api.messages(43)) == 2  # the other chat is not affected
    assert telegram.audience(ARTICLE, [PLANT]) == ["43"]


async def test_a_migrated_group_gets_its_chat_id_rewritten_and_the_message_resent(store, api, telegram):
    subscribe(store, -555, chat_type="group")
    owe(store, telegram, "https://wire.example/a")
    api.fail("sendMessage", "migrate", chat_id=-555, new_chat_id=-1001555)
    assert await deliver_due(store, telegram) == 1
    assert len(api.messages(-1001555)) == 1 and not api.messages(-555)
    assert store.subscription("-555") is None and store.subscription("-1001555").active
    assert rows(store)[0]["chat_id"] == "-1001555"


async def test_a_migrated_group_whose_new_id_already_owes_the_alert_gets_it_once(store, api, telegram):
    subscribe(store, -556, chat_type="group")
    subscribe(store, -1001556, chat_type="supergroup")  # the supergroup subscribed on its own too
    owe(store, telegram, "https://wire.example/a")
    api.fail("sendMessage", "migrate", chat_id=-556, new_chat_id=-1001556)
    await deliver_due(store, telegram)
    await deliver_due(store, telegram)
    assert len(api.messages(-1001556)) == 1 and not api.messages(-556)
    assert [(r["chat_id"], r["state"]) for r in rows(store)] == [("-1001556", "sent")]


async def test_html_telegram_cannot_parse_is_resent_as_plain_text(store, api, telegram):
    subscribe(store, 42)
    owe(store, telegram, "https://wire.example/a")
    api.fail("sendMessage", "cant_parse")
    assert await deliver_due(store, telegram) == 1
    [sent] = api.messages(42)
    assert "parse_mode" not in sent.params and "<b>" not in sent.text and "Northwind Energy" in sent.text


async def test_an_edit_of_a_deleted_message_is_not_retried_forever(store, api, telegram):
    subscribe(store, 42)
    first = owe(store, telegram, "https://wire.example/a")
    await deliver_due(store, telegram)
    store.db.execute("UPDATE outbox SET message_id = '999999'")  # as if the user deleted it
    owe(store, telegram, "https://other.example/b", source="Other", story_id=first.story_id,
        article=Article(title="Other", text="y", lang="en"), announcements=())
    assert await deliver_due(store, telegram) == 1
    assert rows(store)[0]["edit_pending"] == 0


async def test_a_restart_during_delivery_loses_no_alert(db_path, api, clock):
    """The process dies while Telegram holds the request: the alert is still owed, and sent after restart."""
    store = Store.open(db_path)
    first = make_telegram(store, api.token, api.url, polling=False, pacer=Pacer(clock=clock, sleep=clock.sleep))
    await first.start()
    subscribe(store, 42)
    owe(store, first, "https://wire.example/a")
    api.fail("sendMessage", "hang", seconds=30)
    delivery = asyncio.create_task(deliver_due(store, first))
    await api.until(lambda: api.calls("sendMessage"))
    delivery.cancel()  # the crash: nothing after this point runs
    with pytest.raises(asyncio.CancelledError):
        await delivery
    await first.aclose()
    store.close()
    assert not api.messages(42)

    store = Store.open(db_path)
    second = make_telegram(store, api.token, api.url, polling=False, pacer=Pacer(clock=clock, sleep=clock.sleep))
    await second.start()
    try:
        assert [r["state"] for r in rows(store)] == ["pending"]
        assert await deliver_due(store, second) == 1
        assert await deliver_due(store, second) == 0
        assert len(api.messages(42)) == 1
    finally:
        await second.aclose()
        store.close()


# --- audience, digest, admins -----------------------------------------------------------


async def test_the_audience_is_active_unmuted_chats_whose_filters_match(store, telegram):
    subscribe(store, 1)
    subscribe(store, 2, filters=json.dumps({"countries": ["Asia"]}))
    subscribe(store, 3)
    store.update_subscription("3", mute_until=datetime.now(timezone.utc) + timedelta(hours=1))
    subscribe(store, 4)
    store.deactivate_subscription("4", "unsubscribed")
    subscribe(store, 5, filters=json.dumps({"countries": ["Europe"], "min_amount": "1000000000", "min_currency": "EUR"}))
    assert telegram.audience(ARTICLE, [PLANT]) == ["1", "5"]


async def test_a_digest_chat_gets_one_message_a_day_with_its_held_stories(store, api, telegram):
    subscribe(store, 42)
    store.update_subscription("42", digest_time="08:00", last_digest=datetime(2024, 5, 13, 8, 0, tzinfo=timezone.utc))
    owe(store, telegram, "https://wire.example/a")
    owe(store, telegram, "https://wire.example/b", article=Article(title="Second plant", text="x", lang="en"))
    assert await deliver_due(store, telegram) == 0  # held, not sent one by one
    assert [r["state"] for r in rows(store)] == ["held", "held"]
    telegram.now = lambda: datetime(2024, 5, 14, 7, 59, tzinfo=timezone.utc)
    assert await telegram.deliver_digests() == 0
    telegram.now = lambda: datetime(2024, 5, 14, 8, 1, tzinfo=timezone.utc)
    assert await telegram.deliver_digests() == 1
    [digest] = api.messages(42)
    assert "2 investment stories" in digest.text and "Second plant" in digest.text
    assert [r["state"] for r in rows(store)] == ["digested", "digested"]
    assert await telegram.deliver_digests() == 0 and await deliver_due(store, telegram) == 0


def _hold_stories(store, telegram, count=30):
    """`count` stories held for chat 42's digest, long enough to need several messages."""
    subscribe(store, 42)
    store.update_subscription("42", digest_time="08:00", last_digest=datetime(2024, 5, 13, 8, 0, tzinfo=timezone.utc))
    telegram.now = lambda: datetime(2024, 5, 14, 8, 1, tzinfo=timezone.utc)
    titles = [f"Story {n:02d} " + "plant " * 30 for n in range(count)]
    for n, title in enumerate(titles):
        owe(store, telegram, f"https://wire.example/{n}", article=Article(title=title.strip(), text="x", lang="en"))
    return [title[:9] for title in titles]


def _times_sent(api, names):
    texts = [m.text for m in api.messages(42)]
    return {name: sum(text.count(name) for text in texts) for name in names}


async def test_a_digest_that_fails_partway_sends_only_the_rest_at_the_next_pass(store, api, telegram):
    names = _hold_stories(store, telegram)
    api.fail("sendMessage", "server_error", chat_id=42, times=4, after=1)  # the 2nd part fails, retries included
    assert await telegram.deliver_digests() == 0
    [first] = api.messages(42)
    states = [r["state"] for r in rows(store)]
    assert 0 < states.count("digested") < len(names) and set(states) == {"digested", "held"}
    assert await telegram.deliver_digests() == 1
    assert len(api.messages(42)) >= 3 and all(utf16_len(m.text) <= MESSAGE_LIMIT for m in api.messages(42))
    assert set(_times_sent(api, names).values()) == {1}  # every story once, the first part never again
    assert {r["state"] for r in rows(store)} == {"digested"}
    assert await telegram.deliver_digests() == 0


async def test_the_digest_job_and_digest_off_never_send_the_same_stories_twice(store, api, telegram):
    names = _hold_stories(store, telegram)
    await asyncio.gather(telegram.deliver_digests(), telegram.flush_digest("42"))
    assert set(_times_sent(api, names).values()) == {1}
    assert {r["state"] for r in rows(store)} == {"digested"}


async def test_a_chat_whose_digest_fails_unexpectedly_does_not_stop_the_others(store, api, telegram):
    for chat in (40, 41, 42):
        subscribe(store, chat)
        store.update_subscription(str(chat), digest_time="08:00", last_digest=datetime(2024, 5, 13, 8, 0, tzinfo=timezone.utc))
    store.update_subscription("40", digest_time="8h")  # a damaged row: digest_due cannot read it
    telegram.now = lambda: datetime(2024, 5, 14, 8, 1, tzinfo=timezone.utc)
    owe(store, telegram, "https://wire.example/a")
    api.fail("sendMessage", "server_error", chat_id=41, status=409, description="Conflict: not a NotifyError")
    assert await telegram.deliver_digests() == 1
    assert not api.messages(40) and not api.messages(41)
    [digest] = api.messages(42)
    assert "Northwind" in digest.text


def test_the_digest_slot_is_the_last_hh_mm_not_yet_served():
    now = datetime(2024, 5, 14, 9, 0, tzinfo=timezone.utc)
    assert digest_due("08:30", None, now) == datetime(2024, 5, 14, 8, 30, tzinfo=timezone.utc)
    assert digest_due("08:30", datetime(2024, 5, 14, 8, 31, tzinfo=timezone.utc), now) is None
    assert digest_due("23:00", datetime(2024, 5, 12, 23, 0, tzinfo=timezone.utc), now) == datetime(2024, 5, 13, 23, 0, tzinfo=timezone.utc)


def _health(failures, error="HTTP 503"):
    return SourceHealth("Wire", "u", 10, failures, failures, True, None, error, None)


def test_admins_hear_once_when_a_source_keeps_failing_and_once_when_it_recovers():
    assert source_notice(_health(2), False) == (None, False)
    notice, notified = source_notice(_health(3), False)
    assert "failed 3 polls in a row" in notice and "HTTP 503" in notice and notified
    assert source_notice(_health(4), True) == (None, True)
    notice, notified = source_notice(_health(0), True)
    assert "works again" in notice and not notified


async def test_admin_notices_go_to_every_admin_as_escaped_text(api, telegram):
    await telegram.notify_admins("Source <Wire> failed")
    [sent] = api.messages(900)
    assert sent.text == "Source &lt;Wire&gt; failed"


async def test_healthz_reports_the_bot_without_its_token(api, telegram):
    assert telegram.health() == "ok"
    assert api.token not in telegram.health()


# --- the token stays out of logs -----------------------------------------------------------


def test_the_token_is_redacted_from_log_messages_arguments_and_tracebacks(api):
    records = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(handler.format(record))
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(TokenFilter(api.token))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    try:
        logger.warning("POST %s/sendMessage", f"{api.base_url}{api.token}")
        try:
            raise RuntimeError(f"failed: {api.url}/bot{api.token}/getMe")
        except RuntimeError:
            logger.exception("request failed")
    finally:
        logger.removeHandler(handler)
    assert records and all(api.token not in record for record in records)
    assert "<token>" in records[0] and "<token>" in records[1]


async def test_a_refused_token_is_reported_without_the_token(store, api, clock):
    from monitor.bot import make_telegram as build

    notifier = build(store, "999:WRONG-token-0000000000", api.url, polling=False,
                     pacer=Pacer(clock=clock, sleep=clock.sleep))
    with pytest.raises(ConfigError, match=r"refused TELEGRAM_BOT_TOKEN \(revoked or mistyped\?\)") as caught:
        await notifier.start()
    assert "WRONG-token" not in str(caught.value)
    with pytest.raises(NotifyError) as caught:
        await notifier.deliver("42", "x")
    assert "WRONG-token" not in str(caught.value) and "refused" in notifier.health()


async def test_the_crawler_tells_the_admins_when_a_source_keeps_failing_and_when_it_recovers(web, store):
    import io

    from monitor.config import Config
    from monitor.fetch import Fetcher
    from monitor.notify import ConsoleNotifier
    from monitor.pipeline import Pipeline
    from monitor.schedule import Courier, Crawler
    from monitor.types import Settings, Source
    from sites import INVESTMENT_EN, serve_site

    class Noticed(ConsoleNotifier):
        def __init__(self):
            super().__init__(None, io.StringIO())
            self.notices = []

        async def notify_admins(self, text):
            self.notices.append(text)

    settings = Settings(allow_private_addresses=True, host_delay=0, backoff=0, retries=0)
    source = Source(name="Wire", url=web.url("/feed.xml"), interval=3600)
    config = Config(settings, (source,))
    store.sync_sources(config.sources)
    web.route("/feed.xml", "down", status=503)
    notifier = Noticed()
    async with Fetcher(settings) as fetcher:
        crawler = Crawler(Pipeline(config, store, fetcher, notifier), Courier(store, notifier), config.sources)
        for _ in range(4):
            await crawler._poll_job(source)
        assert len(notifier.notices) == 1 and "failed 3 polls in a row" in notifier.notices[0]
        assert "503" in notifier.notices[0]
        serve_site(web, [INVESTMENT_EN])
        await crawler._poll_job(source)
        await crawler._poll_job(source)
    assert len(notifier.notices) == 2 and "works again" in notifier.notices[1]


def test_a_copy_from_another_site_is_named_as_a_source_but_a_copy_from_the_same_site_is_not(store):
    first = store.save_article(ARTICLE, url="https://a.example/1", source="A", content_hash="h", story_id=None,
                               duplicate_of=None, announcements=[PLANT], audience=["42"])
    store.mark_sent(1, "m1")
    same_site = store.save_article(ARTICLE, url="https://a.example/1?print", source="A", content_hash="h",
                                   story_id=first.story_id, duplicate_of=first.article_id, announcements=[])
    assert same_site.alerts_owed == 0
    other_site = store.save_article(ARTICLE, url="https://b.example/copy", source="B", content_hash="h",
                                    story_id=first.story_id, duplicate_of=first.article_id, announcements=[])
    assert other_site.alerts_owed == 1
    assert [s.source for s in store.story_sources(first.story_id)] == ["A", "B"]
    again = store.save_article(ARTICLE, url="https://b.example/copy2", source="B", content_hash="h",
                               story_id=first.story_id, duplicate_of=first.article_id, announcements=[])
    assert again.alerts_owed == 0 and len(store.story_sources(first.story_id)) == 2

"""The bot's commands, buttons and groups, with the real PTB Application polling the fake Bot API (issue 6).

Ends with `monitor run` as a subprocess pointed at the fake: a chat subscribes,
an investment story appears on two sites, exactly one message arrives, and it
is edited to name the second source.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from decimal import Decimal

import pytest

from monitor.bot import make_telegram, parse_admin_ids
from monitor.filters import Filters
from monitor.notify import deliver_due
from monitor.store import SCHEMA_V1, Store, _statements
from monitor.telegram import COMMANDS
from monitor.types import Announcement, Article
from sites import INVESTMENT_EN, OLD_EN, PRODUCT_EN, Page, article_html, rss

from conftest import ADMIN
PLANT = Announcement(
    investor="Northwind Energy", amount=Decimal("2000000000"), currency="EUR", amount_text="€2 billion",
    location="France", kind="capex", evidence="Northwind Energy will invest €2 billion in a plant near Lyon.",
)


async def ask(api, chat_id, text, **options) -> str:
    """Send a command as chat_id and return the bot's (first new) reply."""
    before = len(api.messages(chat_id))
    api.command(chat_id, text, **options)
    await api.until(lambda: len(api.messages(chat_id)) > before, timeout=5)
    return api.messages(chat_id)[before].text


def story(store, title="Northwind Energy to build a battery plant near Lyon", url="https://wire.example/a",
          text="Northwind Energy will invest in a gigafactory near Lyon.", announcements=(PLANT,), audience=()):
    return store.save_article(
        Article(title=title, text=text, lang="en"), url=url, source="Wire", content_hash=url, story_id=None,
        duplicate_of=None, announcements=list(announcements), audience=list(audience),
    )


# --- basics ------------------------------------------------------------------------------


async def test_start_and_help_answer_and_the_commands_are_announced(api, bot):
    assert "/subscribe" in await ask(api, 42, "/start")
    help_text = await ask(api, 42, "/help")
    assert all(f"/{name}" in help_text for name, _ in COMMANDS)
    [announced] = api.calls("setMyCommands")
    assert [c["command"] for c in announced.params["commands"]] == [name for name, _ in COMMANDS]


async def test_subscribe_then_unsubscribe(api, bot, store):
    assert "Subscribed" in await ask(api, 42, "/subscribe", language_code="fr")
    sub = store.subscription("42")
    assert sub.active and sub.lang == "fr" and sub.chat_type == "private"
    assert "already subscribed" in await ask(api, 42, "/subscribe")
    assert "Unsubscribed" in await ask(api, 42, "/unsubscribe")
    assert not store.subscription("42").active
    assert "not subscribed" in await ask(api, 42, "/unsubscribe")


async def test_subscribe_with_filters_and_a_wrong_filter_says_how_to_write_it(api, bot, store):
    reply = await ask(api, 42, "/subscribe min: lots")
    assert "not an amount" in reply and "10m EUR" in reply
    assert store.subscription("42") is None
    reply = await ask(api, 42, "/subscribe country: France min: 50m EUR")
    assert "country: France" in reply and "min: €50 m" in reply  # written as the alerts write it
    assert Filters.from_json(store.subscription("42").filters).countries == ("France",)


async def test_filters_show_change_clear_one_and_clear_all(api, bot, store):
    assert "not subscribed" in await ask(api, 42, "/filters")
    await ask(api, 42, "/subscribe include: cloud")
    assert "include: cloud" in await ask(api, 42, "/filters")
    reply = await ask(api, 42, "/filters kind: capex, acquisition")
    assert "include: cloud" in reply and "kind: capex, acquisition" in reply
    assert "include" not in await ask(api, 42, "/filters include:")
    assert "kind: gift" in (await ask(api, 42, "/filters kind: gift")).replace('"', "").replace("&quot;", "")
    await ask(api, 42, "/filters clear")
    assert Filters.from_json(store.subscription("42").filters).empty


async def test_latest_lists_recent_investment_stories_with_sources_and_validates_n(api, bot, store):
    assert "No investment story yet" in await ask(api, 42, "/latest")
    for index in range(3):
        story(store, title=f"Plant number {index}", url=f"https://wire.example/{index}")
    reply = await ask(api, 42, "/latest 2")
    assert "Plant number 2" in reply and "Plant number 1" in reply and "Plant number 0" not in reply
    assert "€2 bn" in reply and "Wire (EN)" in reply
    for wrong in ("0", "21", "two", "-1", "1e3"):
        assert "not a number of stories" in await ask(api, 42, f"/latest {wrong}")


async def test_search_finds_stored_articles_ignoring_case_and_accents(api, bot, store):
    story(store, title="Usine de batteries à Évry", url="https://wire.example/evry", text="Une gigafactory électrique.")
    reply = await ask(api, 42, "/search EVRY electrique")
    assert "Usine de batteries" in reply and "<b>" in reply
    assert "Nothing stored mentions" in await ask(api, 42, "/search hydrogène")
    assert "Write the words" in await ask(api, 42, "/search")
    # FTS5 syntax typed by a user is just words.
    assert "Nothing stored" in await ask(api, 42, '/search "NEAR( usine* AND OR -x')


def test_the_search_index_is_backfilled_for_articles_stored_before_it_existed(db_path):
    import sqlite3

    conn = sqlite3.connect(db_path)
    for statement in _statements(SCHEMA_V1):
        conn.execute(statement)
    conn.execute("INSERT INTO stories (id, title, first_seen) VALUES (1, 't', '2024-05-14T00:00:00+00:00')")
    conn.execute(
        """INSERT INTO articles (url, source, title, text, fetched_at, content_hash, story_id)
        VALUES ('https://old.example/a', 'Old', 'Quantum plant', 'Stored before search existed.', 'x', 'h', 1)"""
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    store = Store.open(db_path)
    try:
        assert [row["title"] for row in store.search_articles(["quantum"])] == ["Quantum plant"]
        store.db.execute("UPDATE articles SET title = 'Fusion plant' WHERE id = 1")
        assert store.search_articles(["quantum"]) == [] and store.search_articles(["fusion"])
    finally:
        store.close()


async def test_mute_and_unmute(api, bot, store):
    assert "nothing to mute" in await ask(api, 42, "/mute")
    await ask(api, 42, "/subscribe")
    assert "Muted for 2h" in await ask(api, 42, "/mute 2h")
    assert store.subscription("42").mute_until is not None
    assert bot.audience(Article(title="t", text="x", lang="en"), [PLANT]) == []
    assert "not a duration" in await ask(api, 42, "/mute soon")
    assert "at least 1m" in await ask(api, 42, "/mute 5s")
    assert "at least 1m" in await ask(api, 42, "/mute 90d")
    assert "Unmuted" in await ask(api, 42, "/unmute")
    assert store.subscription("42").mute_until is None
    assert bot.audience(Article(title="t", text="x", lang="en"), [PLANT]) == ["42"]


async def test_digest_daily_and_off_which_sends_what_was_held(api, bot, store):
    await ask(api, 42, "/subscribe")
    assert "off" in await ask(api, 42, "/digest")
    assert "08:30 UTC" in await ask(api, 42, "/digest daily 8:30")
    assert store.subscription("42").digest_time == "08:30"
    for wrong in ("daily 25:00", "weekly 08:00", "08h30", "daily"):
        assert "/digest daily HH:MM" in await ask(api, 42, f"/digest {wrong}")
    story(store, audience=["42"])
    assert [r["state"] for r in store.outbox_rows()] == ["held"]
    before = len(api.messages(42))
    api.command(42, "/digest off")
    await api.until(lambda: len(api.messages(42)) >= before + 2)
    digest, reply = (m.text for m in api.messages(42)[before:before + 2])
    assert "Daily digest: 1 investment stories" in digest and "Northwind" in digest
    assert "Digest off" in reply and "1 stories held" in reply
    assert [r["state"] for r in store.outbox_rows()] == ["digested"]


async def test_digest_off_owes_one_message_for_a_story_that_qualifies_while_the_held_ones_go_out(api, bot, store):
    await ask(api, 42, "/subscribe")
    await ask(api, 42, "/digest daily 08:30")
    story(store, audience=["42"])
    before = len(api.calls("sendMessage"))
    api.fail("sendMessage", "hang", chat_id=42, seconds=0.5)  # the held digest takes a while to go
    api.command(42, "/digest off")
    await api.until(lambda: len(api.calls("sendMessage")) > before)
    story(store, title="Second plant", url="https://wire.example/b", audience=["42"])  # qualifies meanwhile
    await api.until(lambda: any("Digest off" in m.text for m in api.messages(42)))
    assert [r["state"] for r in store.outbox_rows()] == ["digested", "pending"]
    assert await deliver_due(store, bot) == 1
    assert "Second plant" in api.messages(42)[-1].text


async def test_digest_off_releases_what_the_digest_could_not_send_to_go_one_by_one(api, bot, store):
    await ask(api, 42, "/subscribe")
    await ask(api, 42, "/digest daily 08:30")
    story(store, audience=["42"])
    api.fail("sendMessage", "server_error", chat_id=42, times=4)  # the digest fails after its retries
    reply = await ask(api, 42, "/digest off")
    assert "Digest off" in reply and "one by one" in reply
    assert store.subscription("42").digest_time is None
    assert [r["state"] for r in store.outbox_rows()] == ["pending"]
    assert await deliver_due(store, bot) == 1
    assert "Northwind" in api.messages(42)[-1].text


async def test_sources_and_stats_answer_only_the_bots_admins(api, bot, store):
    from monitor.types import Source

    store.sync_sources([Source(name="Wire <b>", url="https://wire.example/feed")])
    store.record_poll("Wire <b>", "HTTP 503 <oops>")
    assert "administrators" in await ask(api, 42, "/sources")
    assert "administrators" in await ask(api, 42, "/stats")
    reply = await ask(api, ADMIN, "/sources")
    assert "Wire &lt;b&gt;" in reply and "HTTP 503 &lt;oops&gt;" in reply and "1 in a row" in reply
    assert "subscriptions:" in await ask(api, ADMIN, "/stats")


def test_admin_ids_are_read_from_a_list_of_numbers():
    assert parse_admin_ids("1, 2 3") == (1, 2, 3)
    assert parse_admin_ids(None) == ()
    with pytest.raises(ValueError, match="not a user id"):
        parse_admin_ids("alice")


# --- groups and channels ------------------------------------------------------------------


async def test_in_a_group_only_its_admins_change_the_subscription(api, bot, store):
    group = -1001
    api.chat(group, "supergroup", title="Investors club")
    api.set_admins(group, {11})
    assert "Only this group's administrators" in await ask(api, group, "/subscribe", user_id=12)
    assert store.subscription(str(group)) is None
    assert "Subscribed" in await ask(api, group, "/subscribe", user_id=11)
    assert store.subscription(str(group)).chat_type == "supergroup"
    assert store.subscription(str(group)).title == "Investors club"
    assert "Only this group's administrators" in await ask(api, group, "/mute 1h", user_id=12)
    assert "include: cloud" not in await ask(api, group, "/filters include: cloud", user_id=12)
    # Anyone may read; an anonymous admin (speaking as the group) may change.
    assert "Your filters" in await ask(api, group, "/filters", user_id=12)
    assert "Muted" in await ask(api, group, "/mute 1h", anonymous_admin=True)
    assert {c.params["user_id"] for c in api.calls("getChatMember")} == {"11", "12"}


async def test_a_group_that_becomes_a_supergroup_keeps_its_subscription(api, bot, store):
    store.subscribe("-77", chat_type="group", title="g", lang="en")
    api.migrate(-77, -1000077)
    await api.until(lambda: store.subscription("-1000077") is not None)
    assert store.subscription("-77") is None and store.subscription("-1000077").active


async def test_commands_addressed_to_the_bot_by_name_work_in_groups(api, bot):
    api.chat(-1005, "group")
    assert "Commands" in await ask(api, -1005, "/help@monitor_test_bot", user_id=5)


async def test_a_channel_can_subscribe_itself(api, bot, store):
    api.chat(-1002, "channel", title="Deals channel")
    assert "Subscribed" in await ask(api, -1002, "/subscribe")
    assert store.subscription("-1002").chat_type == "channel"


async def test_unknown_commands_are_answered_in_private_and_ignored_in_groups(api, bot):
    assert "do not know /teleport" in await ask(api, 42, "/teleport")
    api.chat(-1003, "group")
    api.command(-1003, "/othercmd@otherbot", user_id=5)
    assert "Commands" in await ask(api, -1003, "/help", user_id=5)
    assert len(api.messages(-1003)) == 1


# --- buttons ---------------------------------------------------------------------------------


async def test_the_alert_buttons_mute_an_investor_and_unsubscribe(api, bot, store):
    await ask(api, 42, "/subscribe")
    saved = story(store)
    api.press(42, 1, f"mute:{saved.story_id}")
    await api.until(lambda: api.calls("answerCallbackQuery"))
    assert "Northwind Energy" in api.calls("answerCallbackQuery")[0].params["text"]
    assert Filters.from_json(store.subscription("42").filters).skip_investors == ("Northwind Energy",)
    assert bot.audience(Article(title="t", text="x", lang="en"), [PLANT]) == []
    api.press(42, 1, "unsub")
    await api.until(lambda: len(api.calls("answerCallbackQuery")) == 2)
    assert not store.subscription("42").active
    api.press(42, 1, "mute:not-a-number")
    await api.until(lambda: len(api.calls("answerCallbackQuery")) == 3)
    assert "no longer works" in api.calls("answerCallbackQuery")[2].params["text"]


async def test_a_group_member_who_is_not_admin_cannot_press_the_buttons(api, bot, store):
    api.chat(-1004, "supergroup")
    store.subscribe("-1004", chat_type="supergroup", title="g", lang="en")
    api.press(-1004, 1, "unsub", user_id=13)
    await api.until(lambda: api.calls("answerCallbackQuery"))
    assert "administrators" in api.calls("answerCallbackQuery")[0].params["text"]
    assert store.subscription("-1004").active


async def test_a_channel_reader_cannot_press_the_buttons_but_its_admin_can(api, bot, store):
    """Only admins post in a channel, but every reader sees the buttons under its alerts."""
    channel = -1006
    api.chat(channel, "channel", title="Deals channel")
    api.set_admins(channel, {21})
    store.subscribe(str(channel), chat_type="channel", title="Deals channel", lang="en")
    saved = story(store)
    api.press(channel, 1, f"mute:{saved.story_id}", user_id=22)
    api.press(channel, 1, "unsub", user_id=22)
    await api.until(lambda: len(api.calls("answerCallbackQuery")) == 2)
    assert all("administrators" in c.params["text"] for c in api.calls("answerCallbackQuery"))
    sub = store.subscription(str(channel))
    assert sub.active and Filters.from_json(sub.filters).skip_investors == ()
    api.press(channel, 1, "unsub", user_id=21)
    await api.until(lambda: len(api.calls("answerCallbackQuery")) == 3)
    assert not store.subscription(str(channel)).active


# --- hostile input ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, says", [
    ("/subscribe " + "include: x " * 1000, "at most 1000"),
    ("/subscribe <b>bold</b><script>x</script>", "I could not read"),
    ("/filters include: \u202e\u200fcloud\u200e", "not subscribed"),
    ("/subscribe include: 😀🔥", "no letters or digits"),
    ("/latest 💥", "not a number of stories"),
    ("/mute \u202e2h", "Muted for 2h"),
    ("/search " + "word " * 50, "at most 10"),
])
async def test_hostile_input_gets_a_clear_reply_and_never_a_crash(api, bot, store, text, says):
    if text.startswith("/mute"):
        await ask(api, 42, "/subscribe")
    reply = await ask(api, 42, text)
    assert says in reply
    assert "<script>" not in reply
    assert "/subscribe" in await ask(api, 42, "/start")  # still answering


async def test_plain_text_in_private_gets_a_hint(api, bot):
    before = len(api.messages(42))
    api.message(42, "hello there <b>")
    await api.until(lambda: len(api.messages(42)) > before)
    assert "/help" in api.messages(42)[-1].text


# --- the whole service -------------------------------------------------------------------------------


COPY_PATH = "/deals/northwind-lyon-copy.html"


def _write_config(tmp_path, web) -> os.PathLike:
    config = tmp_path / "feeds.toml"
    config.write_text(
        '[settings]\nallow_private_addresses = true\nhost_delay = "0s"\nhttp_port = 0\nretries = 0\n'
        f'[[sources]]\nname = "Wire A"\nurl = "{web.url("/a/feed.xml")}"\ninterval = "1s"\n'
        f'[[sources]]\nname = "Wire B"\nurl = "{web.url("/b/feed.xml")}"\ninterval = "1s"\n',
        encoding="utf-8",
    )
    return config


def _serve(web, feed_path, pages):
    web.route(feed_path, rss(web.base, pages), headers={"Content-Type": "application/rss+xml"})
    for page in pages:
        web.route(page.path, article_html(page), headers={"Content-Type": "text/html; charset=utf-8"})


def test_monitor_run_sends_one_telegram_alert_and_edits_it_when_a_second_site_reports(tmp_path, web, api):
    copy = replace(INVESTMENT_EN, path=COPY_PATH)
    _serve(web, "/a/feed.xml", [PRODUCT_EN])
    _serve(web, "/b/feed.xml", [OLD_EN])
    config = _write_config(tmp_path, web)
    db = tmp_path / "data" / "monitor.db"
    env = {
        **os.environ, "MONITOR_CONFIG": str(config), "MONITOR_DB": str(db), "MONITOR_LOG_LEVEL": "DEBUG",
        "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.url, "TELEGRAM_ADMIN_IDS": str(ADMIN),
    }
    api.command(42, "/subscribe")
    # Logs go to a file: at DEBUG a pipe nobody reads would fill and block the service.
    log_path = tmp_path / "stderr.log"
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "monitor", "run"], env=env, stdout=subprocess.DEVNULL, stderr=log_file, cwd=tmp_path,
        )
    try:
        api.wait_until(lambda: any("Subscribed" in m.text for m in api.messages(42)), timeout=20)
        port = int(re.search(r"health endpoint on http://127\.0\.0\.1:(\d+)/healthz", log_path.read_text())[1])
        # Both sources have had their baseline poll: what appears now is new.
        api.wait_until(lambda: web.hits("/a/feed.xml") >= 1 and web.hits("/b/feed.xml") >= 1, timeout=20)
        _serve(web, "/a/feed.xml", [INVESTMENT_EN, PRODUCT_EN])
        api.wait_until(lambda: len(api.messages(42)) >= 2, timeout=20)
        _serve(web, "/b/feed.xml", [copy, OLD_EN])
        api.wait_until(lambda: api.edits(42), timeout=20)
        time.sleep(1.2)  # another poll of both sites: nothing else may arrive
        alerts = [m for m in api.messages(42) if "Subscribed" not in m.text]
        assert len(alerts) == 1, [m.text for m in alerts]
        assert INVESTMENT_EN.title in alerts[0].text and "Wire A (EN)" in alerts[0].text
        [edit] = api.edits(42)
        assert int(edit.params["message_id"]) == alerts[0].message_id
        assert "Also reported by" in edit.text and "Wire B (EN)" in edit.text
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            health = response.read().decode()
        assert json.loads(health)["checks"]["notifier"] == "ok" and api.token not in health
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0  # stops within 10 s, cleanly
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr = log_path.read_text()
    assert api.token not in stderr, "the bot token leaked into the logs"
    assert "getUpdates" in stderr or "telegram bot started" in stderr  # the logs did run at DEBUG


async def test_webhook_mode_receives_updates_posted_with_the_secret_and_refuses_others(store, api):
    import asyncio
    import socket

    from monitor.bot import parse_webhook

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    webhook = parse_webhook(f"http://127.0.0.1:{port}/telegram/hook", f"127.0.0.1:{port}", "s3cret")
    notifier = make_telegram(store, api.token, api.url, webhook=webhook)
    await notifier.start()
    try:
        [registered] = api.calls("setWebhook")
        assert registered.params["url"] == webhook.url and registered.params["secret_token"] == "s3cret"
        assert not api.calls("getUpdates")
        update = {"update_id": 1, "message": {
            "message_id": 5, "date": 0, "chat": {"id": 42, "type": "private", "first_name": "A"},
            "from": {"id": 42, "is_bot": False, "first_name": "A"}, "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}

        def post(secret):
            request = urllib.request.Request(
                webhook.url, data=json.dumps(update).encode(), method="POST",
                headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
            )
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    return response.status
            except urllib.error.HTTPError as e:
                return e.code

        assert await asyncio.to_thread(post, "wrong") == 403
        assert await asyncio.to_thread(post, "s3cret") == 200
        await api.until(lambda: api.messages(42))
        assert "/subscribe" in api.messages(42)[0].text
    finally:
        await notifier.aclose()

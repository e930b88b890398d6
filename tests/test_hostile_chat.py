"""Hostile chats and the bot's secret (issue 8), against the fake Bot API (tests/fakebotapi.py).

Whatever a chat types (10 KB, HTML, Markdown, RTL and zero-width marks, emoji,
FTS and SQL injection, regular-expression bombs in keywords, numbers out of
range, junk button data), the bot answers with a clear reply that Telegram
would accept (HTML of the allowed tags only, well nested, under 4096 UTF-16
units), stores nothing it should not, and keeps answering. Only a group's
admins change its subscription; the bot has no command that changes global
settings (its admin commands, /sources and /stats, only read).

The token never appears in the logs (DEBUG, with Bot API errors injected),
/healthz, /metrics, or any message to a user: checked on `monitor run` as a
subprocess.
"""

from __future__ import annotations

import html.parser
import os
import re
import signal
import subprocess
import sys
import urllib.request

import pytest

from monitor.filters import Filters
from monitor.telegram import utf16_len
from monitor.types import Announcement, Article
from sites import INVESTMENT_EN, PRODUCT_EN, article_html, rss

from conftest import ADMIN
PLANT = Announcement(investor="Northwind Energy", amount=None, currency=None, amount_text=None,
                     location="France", kind="capex", evidence="Northwind Energy will build a plant.")

#: The tags Telegram's HTML parse mode accepts.
TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code",
                 "pre", "blockquote", "tg-emoji"}


class TelegramHTML(html.parser.HTMLParser):
    """Fails on what Telegram would refuse: unknown tags, bad nesting, odd link schemes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"tag <{tag}>")
        href = dict(attrs).get("href") if tag == "a" else None
        if href is not None and not re.match(r"(https?|tg|mailto):", href):
            self.problems.append(f"link to {href!r}")
        self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"</{tag}> closes nothing open")


def telegram_would_accept(call) -> list[str]:
    text = call.text
    problems = [] if utf16_len(text) <= 4096 else [f"{utf16_len(text)} UTF-16 units"]
    if call.params.get("parse_mode") == "HTML":
        checker = TelegramHTML()
        checker.feed(text)
        checker.close()
        problems += checker.problems + [f"<{tag}> left open" for tag in checker.open]
    return problems


async def ask(api, chat_id, text, **options) -> list:
    """Send text as chat_id (a command when it starts with /); the bot's new messages to it."""
    before = len(api.messages(chat_id))
    if text.startswith("/"):
        api.command(chat_id, text, **options)
    else:
        api.message(chat_id, text, **options)
    await api.until(lambda: len(api.messages(chat_id)) > before, timeout=5)
    return api.messages(chat_id)[before:]


TEN_KB = ("Lorem ipsum <b>dolor</b> sit amet, 😀 \u202e consectetur. " * 200)[:10_240]

#: (what the chat types, what the reply must say: a regular expression).
HOSTILE = [
    (TEN_KB, r"/help"),
    ("/subscribe " + TEN_KB, r"at most 1000"),
    ("/search " + "x" * 10_000, r"at most 1000|[Nn]othing|no article"),
    ('/search " OR 1=1 --', r"[Nn]othing|no article|found"),
    ("/search NEAR(cloud plant) AND title:* OR ^", r"[Nn]othing|no article|found"),
    ("/search '; DROP TABLE articles; --", r"[Nn]othing|no article|found"),
    ("/subscribe include: <img src=x onerror=alert(1)>", r"Subscribed|could not read|letters"),
    ("/subscribe include: *bold* _it_ `code` [x](javascript:alert(1))", r"Subscribed|could not read|letters"),
    ("/subscribe include: (a+)+$ .* [ \\", r"Subscribed|could not read|letters"),
    # Invisible characters are dropped: what is left is no filter at all, and the reply says so.
    ("/subscribe include: \u200b\u200c\u200d\ufeff", r"no letters or digits|could not read|Filters: none"),
    ("/subscribe include: \u202ecloud\u202c, \u0634\u0631\u0643\u0629", r"Subscribed"),
    ("/subscribe include: " + "🔥" * 600, r"no letters or digits|at most|longer than"),
    ("/latest 99999999999999999999999999", r"at most|not a number"),
    ("/latest -3", r"at most|not a number|at least"),
    ("/mute -5h", r"[Mm]ute|duration|at most"),
    ("/mute 99999d", r"at most|[Mm]ute"),
    ("/mute 1e309h", r"duration|[Mm]ute|at most"),
    ("/digest 25:99", r"HH:MM|digest|time"),
    ("/digest \u202e07:30", r"HH:MM|digest|time|Daily"),
    ("/filters " + "exclude: " * 300, r"at most|could not read|filters|[Ss]ubscribe"),
    ("/start " + "\x00\x01\x02" * 10, r"/subscribe"),
]


@pytest.mark.parametrize("text, says", HOSTILE, ids=[f"hostile-{n}" for n in range(len(HOSTILE))])
async def test_hostile_input_gets_a_clear_reply_telegram_would_accept(api, bot, store, text, says):
    if text.startswith(("/mute", "/digest")):
        await ask(api, 42, "/subscribe")
    replies = await ask(api, 42, text)
    assert re.search(says, replies[0].text), replies[0].text
    for reply in replies:
        assert reply.ok and not telegram_would_accept(reply), (reply.text[:300], telegram_would_accept(reply))
        assert "<img" not in reply.text and "javascript:alert" not in reply.text.split("</a>")[0].split('href="')[-1]
        assert api.token not in reply.text
    # Still answering, and the database still whole.
    assert "/subscribe" in (await ask(api, 42, "/start"))[0].text
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


async def test_a_regex_bomb_as_a_keyword_is_read_as_words_not_a_pattern(api, bot, store):
    await ask(api, 42, "/subscribe include: (a+)+$")
    # Keywords are folded to words: no pattern a user typed is ever compiled.
    assert Filters.from_json(store.subscription("42").filters).include == ("a",)
    # A backtracking regex would hang on this text; word matching answers at once.
    audience = bot.audience(Article(title="a" * 5000 + "!", text="a" * 50_000 + " b", lang="en"), [PLANT])
    assert audience == []  # no word "a" in it: only "aaaa...", which is another word


async def test_junk_button_data_is_answered_and_changes_nothing(api, bot, store):
    await ask(api, 42, "/subscribe")
    for data in ["mute:99999999999999999999999", "mute:\u202e1", "x" * 64, "unsub:extra", "", "mute:-1"]:
        before = len(api.calls("answerCallbackQuery"))
        api.press(42, 1, data)
        await api.until(lambda: len(api.calls("answerCallbackQuery")) > before, timeout=5)
    assert store.subscription("42").active  # only an exact "unsub" unsubscribes
    assert "/subscribe" in (await ask(api, 42, "/start"))[0].text


async def test_only_a_groups_admins_change_its_subscription_whatever_they_type(api, bot, store):
    group = -1009
    api.chat(group, "supergroup", title="<b>Club</b> \u202e")
    api.set_admins(group, {11})
    assert "Subscribed" in (await ask(api, group, "/subscribe", user_id=11))[0].text
    before = store.subscription(str(group))
    for command in ["/subscribe", "/subscribe include: cloud", "/unsubscribe", "/mute 2h", "/unmute",
                    "/digest 08:00", "/digest off", "/filters clear"]:
        replies = await ask(api, group, command, user_id=12)
        assert "Only this group's administrators" in replies[0].text, (command, replies[0].text)
        assert not telegram_would_accept(replies[0])
    after = store.subscription(str(group))
    assert (after.active, after.filters, after.mute_until, after.digest_time) == (
        before.active, before.filters, before.mute_until, before.digest_time)
    # The bot's own admin commands read only, and answer only TELEGRAM_ADMIN_IDS.
    assert "administrators" in (await ask(api, 12, "/sources"))[0].text
    assert "administrators" in (await ask(api, 12, "/stats"))[0].text


# -- the token, end to end ---------------------------------------------------------------------


def test_the_token_never_reaches_logs_health_metrics_or_chats_even_when_the_api_fails(tmp_path, web, api):
    web.route("/feed.xml", rss(web.base, [PRODUCT_EN]), headers={"Content-Type": "application/rss+xml"})
    for page in (INVESTMENT_EN, PRODUCT_EN):
        web.route(page.path, article_html(page), headers={"Content-Type": "text/html; charset=utf-8"})
    config = tmp_path / "feeds.toml"
    config.write_text(
        '[settings]\nallow_private_addresses = true\nhost_delay = "0s"\nhttp_port = 0\nretries = 0\n'
        f'[[sources]]\nname = "Wire"\nurl = "{web.url("/feed.xml")}"\ninterval = "1s"\n',
        encoding="utf-8",
    )
    env = {
        **os.environ, "MONITOR_CONFIG": str(config), "MONITOR_DB": str(tmp_path / "data" / "monitor.db"),
        "MONITOR_LOG_LEVEL": "DEBUG", "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.url,
        "TELEGRAM_ADMIN_IDS": str(ADMIN),
    }
    # The Bot API misbehaves: errors whose text and URLs could carry the token into a log line.
    api.fail("getUpdates", "server_error", times=1)
    api.command(42, "/subscribe")
    api.command(ADMIN, "/stats", user_id=ADMIN)
    log_path = tmp_path / "stderr.log"
    with open(log_path, "w") as log_file:
        process = subprocess.Popen([sys.executable, "-m", "monitor", "run"], env=env, stdout=log_file,
                                   stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        api.wait_until(lambda: any("Subscribed" in m.text for m in api.messages(42)), timeout=30)
        port = int(re.search(r"health endpoint on http://127\.0\.0\.1:(\d+)/healthz", log_path.read_text())[1])
        api.wait_until(lambda: web.hits("/feed.xml") >= 1, timeout=20)
        api.fail("sendMessage", "server_error", times=2, chat_id=42)  # the alert goes on the third try
        web.route("/feed.xml", rss(web.base, [INVESTMENT_EN, PRODUCT_EN]),
                  headers={"Content-Type": "application/rss+xml"})
        api.wait_until(lambda: any(INVESTMENT_EN.title in m.text for m in api.messages(42)), timeout=30)
        api.wait_until(lambda: api.messages(ADMIN), timeout=20)
        pages = []
        for path in ("/healthz", "/metrics", "/livez"):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                    pages.append(response.read().decode())
            except urllib.error.HTTPError as e:  # 503 while a check fails: its body still counts
                pages.append(e.read().decode())
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    logs = log_path.read_text()
    assert "sendMessage" in logs or "getUpdates" in logs  # DEBUG did log the API traffic
    secret = api.token.split(":", 1)[1]  # the secret half, alone, must not leak either
    for where, text in [("logs", logs), *zip(("/healthz", "/metrics", "/livez"), pages),
                        *((f"message to {m.chat_id}", m.text) for m in api.calls() if m.text)]:
        assert api.token not in text and secret not in text, f"the token leaked into {where}"

"""Telegram: the notifier that delivers alerts through the Bot API (python-telegram-bot v22).

Owns what goes over the wire for alerts, digests and admin notices: the
HTML of an alert (built from escaped text only, never a page's HTML), splitting
under Telegram's 4096-character limit, pacing (about one message a second per
chat, 20 a minute per group, 30 a second overall), and what each Bot API error
means for the outbox:

    429 RetryAfter        every send waits retry_after, then the same message goes again
    5xx, timeouts         retried with backoff; then the outbox retries it later
    403 Forbidden         the chat blocked or removed the bot: subscription deactivated
    400 migrate_to_chat_id the group became a supergroup: chat id rewritten, message resent
    400 can't parse entities  resent as plain text

It also says who is owed an alert (`audience`: active, unmuted subscriptions
whose filters match) and keeps the bot token out of every log line
(`install_token_filter`). The commands users type live in monitor/bot.py.
"""

from __future__ import annotations

import asyncio
import html
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError

from . import metrics
from .errors import ConfigError, MonitorError, NotifyError, RetryLater, Undeliverable
from .filters import Filters, chat_lang, format_money, matches
from .store import Store, utcnow
from .types import Alert, Announcement, Article

log = logging.getLogger(__name__)

#: Telegram's limit on one message's text, in UTF-16 code units after entity parsing;
#: we count the HTML source, which is never shorter.
MESSAGE_LIMIT = 4096
#: Longest RetryAfter waited in place; a longer one hands the row back to the outbox.
MAX_RETRY_WAIT = 60.0
#: Attempts after a 5xx or a timeout before the outbox takes over, and the first pause.
NETWORK_RETRIES = 3
NETWORK_BACKOFF = 1.0
#: Sources named in one alert before "and N more".
MAX_SOURCES_SHOWN = 10

#: What setMyCommands announces (and /help lists).
COMMANDS = (
    ("start", "welcome and how to subscribe"),
    ("help", "every command"),
    ("subscribe", "alerts for new investment stories [filters]"),
    ("unsubscribe", "stop the alerts"),
    ("filters", "show or change filters"),
    ("latest", "recent investment stories [n]"),
    ("search", "search stored articles: /search words"),
    ("mute", "pause alerts [duration, e.g. 2h]"),
    ("unmute", "resume alerts"),
    ("digest", "one message a day: /digest daily HH:MM | off"),
    ("sources", "admins: health of each source"),
    ("stats", "admins: counts"),
)


# --- keeping the token out of logs ---------------------------------------------------


class TokenFilter(logging.Filter):
    """Replaces the bot token in every record (message, arguments, traceback) with "<token>"."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token

    def redact(self, text: str) -> str:
        return text.replace(self.token, "<token>") if self.token else text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix here
            message = str(record.msg)
        if self.token in message:
            record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.exc_info:
            # The formatter would format it again from exc_info, unredacted.
            record.exc_info = None
        return True


def install_token_filter(token: str) -> TokenFilter:
    """Redact the token on every handler of the root logger (and on records of PTB and httpx)."""
    token_filter = TokenFilter(token)
    root = logging.getLogger()
    for handler in root.handlers:
        handler.addFilter(token_filter)
    for name in ("httpx", "httpcore", "telegram", "telegram.ext"):
        logging.getLogger(name).addFilter(token_filter)
    # httpx logs each request's URL, token included, at INFO: keep it to warnings.
    logging.getLogger("httpx").setLevel(max(logging.getLogger("httpx").level, logging.WARNING))
    return token_filter


# --- pacing -------------------------------------------------------------------------------


def is_group(chat_id: str) -> bool:
    """Groups, supergroups and channels have negative ids; users positive ones."""
    return str(chat_id).startswith("-")


class Pacer:
    """Spaces sends: per chat, per group (a sliding minute) and overall (a sliding second).

    Clock and sleep are injected, so tests advance time instead of waiting.
    A RetryAfter from Telegram pauses every send (`pause`).
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        per_chat: float = 1.0,
        group_limit: tuple[int, float] = (20, 60.0),
        overall_limit: tuple[int, float] = (30, 1.0),
    ):
        self.clock = clock
        self.sleep = sleep
        self.per_chat = per_chat
        self.group_limit = group_limit
        self.overall_limit = overall_limit
        self._last: dict[str, float] = {}
        self._groups: dict[str, deque[float]] = {}
        self._overall: deque[float] = deque()
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    def delay(self, chat_id: str, now: float) -> float:
        """Seconds to wait before a message to chat_id may go (pure, given the history)."""
        waits = [self._paused_until - now]
        if chat_id in self._last:
            waits.append(self._last[chat_id] + self.per_chat - now)
        count, window = self.group_limit
        sent = self._groups.get(chat_id)
        if is_group(chat_id) and sent and len(sent) >= count:
            waits.append(sent[-count] + window - now)
        count, window = self.overall_limit
        if len(self._overall) >= count:
            waits.append(self._overall[-count] + window - now)
        return max(waits)

    async def wait(self, chat_id: str) -> None:
        async with self._lock:
            while (delay := self.delay(chat_id, self.clock())) > 0:
                await self.sleep(delay)
            now = self.clock()
            self._last[chat_id] = now
            if is_group(chat_id):
                sent = self._groups.setdefault(chat_id, deque(maxlen=self.group_limit[0]))
                sent.append(now)
            self._overall.append(now)
            while len(self._overall) > self.overall_limit[0]:
                self._overall.popleft()


# --- formatting -------------------------------------------------------------------------------

#: Amounts are written by filters.format_money (chat_lang and format_money are re-exported here).
LABELS = {
    "en": {
        "new": "New investment", "source": "Source",
        "also": "Also reported by", "more": "and {n} more", "digest": "Daily digest: {n} investment stories",
        "mute": "🔕 Mute {investor}", "unsubscribe": "Unsubscribe",
    },
    "fr": {
        "new": "Nouvel investissement", "source": "Source", "also": "Également repris par", "more": "et {n} autres",
        "digest": "Résumé du jour : {n} investissements", "mute": "🔕 Masquer {investor}",
        "unsubscribe": "Se désabonner",
    },
}


def _e(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _cut(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _link(title: str, url: str) -> str:
    if url.startswith(("http://", "https://")):
        return f'<a href="{_e(url)}">{_e(title)}</a>'
    return _e(title)


def _announcement_line(found: Announcement, lang: str, rich: bool) -> str:
    bold = (lambda t: f"<b>{_e(t)}</b>") if rich else (lambda t: t)
    plain = _e if rich else (lambda t: t or "")
    parts = [bold(_cut(found.investor or "?", 80)), plain(format_money(found.amount, found.currency, lang, found.upper_bound))]
    if found.recipient:
        parts.append("→ " + plain(_cut(found.recipient, 80)))
    if found.location:
        parts.append("📍 " + plain(_cut(found.location, 60)))
    return "💶 " + " · ".join(parts) + f" ({plain(found.kind)})"


def alert_text(alert: Alert, lang: str | None = "en", rich: bool = True) -> str:
    """The alert's message: HTML built from escaped text (rich) or the same lines in plain text."""
    lang = chat_lang(lang)
    labels = LABELS[lang]
    esc = _e if rich else (lambda t: t or "")
    lines = [f"<b>{esc(labels['new'])}</b>" if rich else labels["new"]]
    for found in alert.announcements[:3]:
        lines.append(_announcement_line(found, lang, rich))
    title = _cut(alert.title, 200)
    lines.append(f"<b>{esc(title)}</b>" if rich else title)
    if alert.summary:
        lines.append(f"<i>{esc(_cut(alert.summary, 300))}</i>" if rich else _cut(alert.summary, 300))

    def source_line(source) -> str:
        shown = _cut(source.title or source.url, 120)
        site = f"{source.source} ({(source.lang or '?').upper()})"
        if rich:
            return f"{_link(shown, source.url)} — {_e(site)}"
        return f"{shown} — {site} {source.url}"

    sources = list(alert.sources)
    if sources:
        lines.append(f"📰 {labels['source']}: " + source_line(sources[0]))
    others = sources[1:]
    if others:
        lines.append(f"➕ {labels['also']}:")
        shown = others[:MAX_SOURCES_SHOWN]
        lines += ["• " + source_line(s) for s in shown]
        if len(others) > len(shown):
            lines.append(labels["more"].format(n=len(others) - len(shown)))
    text = "\n".join(lines)
    while utf16_len(text) > MESSAGE_LIMIT and len(lines) > 3:  # absurdly long URLs: drop sources
        lines.pop()
        text = "\n".join(lines)
    return text


def alert_keyboard(alert: Alert, lang: str | None = "en") -> InlineKeyboardMarkup:
    labels = LABELS[chat_lang(lang)]
    buttons = []
    investor = next((a.investor for a in alert.announcements if a.investor), None)
    if investor:
        buttons.append(
            InlineKeyboardButton(labels["mute"].format(investor=_cut(investor, 30)), callback_data=f"mute:{alert.story_id}")
        )
    buttons.append(InlineKeyboardButton(labels["unsubscribe"], callback_data="unsub"))
    return InlineKeyboardMarkup([buttons])


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut a message into parts under the limit, between lines (our HTML never spans lines).

    A single line longer than the limit is cut between characters, which is safe
    only for plain text: HTML lines are built short.
    """
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while utf16_len(line) > limit:
            cut = limit
            while utf16_len(line[:cut]) > limit:
                cut -= 1
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if utf16_len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


def _digest_entry(alert: Alert, lang: str) -> str:
    first = alert.sources[0] if alert.sources else None
    title = _cut(alert.title, 200)
    lines = ["• " + (_link(title, first.url) if first else _e(title))]
    for found in alert.announcements[:2]:
        lines.append("  " + _announcement_line(found, lang, rich=True))
    if len(alert.sources) > 1:
        names = ", ".join(dict.fromkeys(s.source for s in alert.sources))
        lines.append(f"  📰 {_e(_cut(names, 300))}")
    return "\n".join(lines)


def digest_parts(alerts: list[Alert], lang: str | None = "en", limit: int = MESSAGE_LIMIT) -> list[tuple[tuple[int, ...], str]]:
    """A digest as messages under the limit, each with the outbox ids of the stories it tells.

    A story is never cut between two messages, so each message's rows can be
    marked digested as soon as Telegram accepts it. The heading goes first.
    """
    lang = chat_lang(lang)
    parts: list[tuple[tuple[int, ...], str]] = []
    ids: list[int] = []
    text = f"<b>📬 {_e(LABELS[lang]['digest'].format(n=len(alerts)))}</b>"
    for alert in alerts:
        entry = _digest_entry(alert, lang)
        candidate = f"{text}\n\n{entry}"
        if ids and utf16_len(candidate) > limit:
            parts.append((tuple(ids), text))
            ids, candidate = [], entry
        ids.append(alert.outbox_id)
        text = candidate
    parts.append((tuple(ids), text))
    return parts


def digest_due(digest_time: str, last_digest: datetime | None, now: datetime) -> datetime | None:
    """The digest slot (UTC) that is due now, or None: the last slot at or before now not yet served."""
    hour, minute = (int(part) for part in digest_time.split(":"))
    slot = now.astimezone(timezone.utc).replace(hour=hour, minute=minute, second=0, microsecond=0)
    if slot > now:
        slot -= timedelta(days=1)
    if last_digest is not None and last_digest >= slot:
        return None
    return slot


# --- the notifier -------------------------------------------------------------------------


#: The update types the bot handles.
ALLOWED_UPDATES = ["message", "channel_post", "callback_query"]


@dataclass(frozen=True)
class Webhook:
    """Webhook mode: Telegram POSTs updates to `url`, which reaches host:port/path here."""

    #: The public HTTPS URL given to Telegram (setWebhook), e.g. https://bot.example.org/telegram.
    url: str
    host: str = "127.0.0.1"
    port: int = 8443
    #: Checked against the X-Telegram-Bot-Api-Secret-Token header of each POST.
    secret: str | None = None

    @property
    def path(self) -> str:
        return urlsplit(self.url).path.strip("/")


def _retry_after_seconds(error: RetryAfter) -> float:
    # PTB 22 warns that retry_after will become a timedelta; accept both, quietly.
    value = getattr(error, "_retry_after", None)
    if value is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramNotifier:
    """Delivers alerts to subscribed chats through a python-telegram-bot Application.

    start() runs the Application inside the caller's event loop (initialize,
    start, long polling), never run_polling(), which wants a loop of its own.
    """

    def __init__(
        self,
        store: Store,
        application,
        *,
        admin_ids: tuple[int, ...] = (),
        polling: bool = True,
        poll_timeout: float = 10.0,
        webhook: "Webhook | None" = None,
        pacer: Pacer | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        now: Callable[[], datetime] = utcnow,
    ):
        self.store = store
        self.application = application
        self.bot = application.bot
        self.admin_ids = tuple(admin_ids)
        self.polling = polling
        self.poll_timeout = poll_timeout
        self.webhook = webhook
        self.pacer = pacer or Pacer(sleep=sleep)
        self.sleep = sleep
        self.now = now
        self.started = False
        self.token_refused = False
        # One per chat: the digest job and /digest off never send a chat's held alerts at once.
        self._digest_locks: dict[str, asyncio.Lock] = {}

    # --- lifecycle ----------------------------------------------------------------

    async def start(self) -> None:
        try:
            await self.application.initialize()  # getMe: checks the token
        except InvalidToken:
            # PTB's message quotes the token: say it without.
            self.token_refused = True
            raise ConfigError("the Telegram Bot API refused TELEGRAM_BOT_TOKEN (revoked or mistyped?)") from None
        except TelegramError as e:
            message = e.message.replace(self.bot.token, "<token>")
            raise MonitorError(f"cannot reach the Telegram Bot API: {type(e).__name__}: {message}") from None
        try:
            await self.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
        except TelegramError as e:
            log.warning("could not set the bot's command list: %s", e)
        await self.application.start()
        updater = self.application.updater
        if self.polling and updater is not None and self.webhook is not None:
            # Telegram POSTs updates to the public URL; the reverse proxy forwards them here.
            await updater.start_webhook(
                listen=self.webhook.host, port=self.webhook.port, url_path=self.webhook.path,
                webhook_url=self.webhook.url, secret_token=self.webhook.secret, allowed_updates=ALLOWED_UPDATES,
            )
            log.info("telegram webhook: %s, listening on %s:%d", self.webhook.url, self.webhook.host, self.webhook.port)
        elif self.polling and updater is not None:
            await updater.start_polling(timeout=timedelta(seconds=self.poll_timeout), allowed_updates=ALLOWED_UPDATES)
        self.started = True
        log.info("telegram bot started as @%s", self.bot.username)

    async def aclose(self) -> None:
        if not self.started:
            return
        self.started = False
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    @property
    def is_running(self) -> bool:
        return self.started and self.application.running

    def health(self) -> str:
        """For /healthz: "ok", or why alerts cannot go out (never the token)."""
        if self.token_refused:
            return "telegram refused the bot token"
        return "ok" if self.is_running else "telegram bot not running"

    # --- who hears about a story ---------------------------------------------------------

    def audience(self, article: Article, announcements: list[Announcement]) -> list[str]:
        now = self.now()
        chats = []
        for sub in self.store.subscriptions():
            if sub.mute_until and sub.mute_until > now:
                continue
            try:
                wanted = matches(Filters.from_json(sub.filters), article, announcements)
            except Exception:  # a damaged filter row must not silence everyone else
                log.exception("filters of chat %s could not be read; sending unfiltered", sub.chat_id)
                wanted = True
            if wanted:
                chats.append(sub.chat_id)
        return chats

    def _lang(self, chat_id: str) -> str:
        sub = self.store.subscription(chat_id)
        return chat_lang(sub.lang if sub else None)

    # --- alerts -------------------------------------------------------------------------

    def _check_active(self, chat_id: str) -> None:
        sub = self.store.subscription(chat_id)
        if sub is not None and not sub.active:
            # Read before this pass began, then the chat left (or blocked us): do not send.
            raise Undeliverable(chat_id, f"subscription inactive ({sub.inactive_reason or 'unsubscribed'})")

    async def send(self, alert: Alert) -> str | None:
        self._check_active(alert.chat_id)
        lang = self._lang(alert.chat_id)
        message = await self.deliver(
            alert.chat_id, alert_text(alert, lang), plain=alert_text(alert, lang, rich=False),
            keyboard=alert_keyboard(alert, lang), outbox_id=alert.outbox_id,
        )
        return str(message.message_id) if message is not None else None

    async def edit(self, alert: Alert) -> None:
        self._check_active(alert.chat_id)
        lang = self._lang(alert.chat_id)
        await self.deliver(
            alert.chat_id, alert_text(alert, lang), plain=alert_text(alert, lang, rich=False),
            keyboard=alert_keyboard(alert, lang), edit_message_id=int(alert.message_id), outbox_id=alert.outbox_id,
        )

    def _clean(self, message: str) -> str:
        """An error text without the token (an HTTP library may quote a URL)."""
        return message.replace(self.bot.token, "<token>") if self.bot.token else message

    async def deliver(self, chat_id: str, text: str, *, plain: str | None = None, keyboard=None,
                      edit_message_id: int | None = None, outbox_id: int | None = None):
        """Send (or edit) one message, paced, handling each Bot API error; returns the Message.

        outbox_id is the alert's outbox row: when its chat migrates to an id that
        already owes the same story, that row is the one sent, and this one goes
        nowhere (None is returned).

        Raises RetryLater (the outbox retries later), Undeliverable (never), or
        NotifyError after repeated network failures.
        """
        rich = True
        network_failures = retry_afters = migrations = 0
        while True:
            await self.pacer.wait(chat_id)
            body = text if rich else (plain if plain is not None else _strip_tags(text))
            try:
                if edit_message_id is not None:
                    return await self.bot.edit_message_text(
                        body, chat_id=int(chat_id), message_id=edit_message_id,
                        parse_mode=ParseMode.HTML if rich else None, reply_markup=keyboard,
                        link_preview_options=LinkPreviewOptions(is_disabled=True),
                    )
                return await self.bot.send_message(
                    int(chat_id), body, parse_mode=ParseMode.HTML if rich else None, reply_markup=keyboard,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            except RetryAfter as e:
                metrics.record_telegram_429()
                wait = _retry_after_seconds(e)
                retry_afters += 1
                if wait > MAX_RETRY_WAIT or retry_afters > 5:
                    raise RetryLater(chat_id, f"flood control: retry after {wait:.0f}s", wait) from None
                log.warning("telegram asks to wait %.0fs (flood control)", wait)
                self.pacer.pause(wait)
            except ChatMigrated as e:
                new_id = str(e.new_chat_id)
                migrations += 1
                if migrations > 2:
                    raise NotifyError(chat_id, "chat keeps migrating") from None
                log.info("chat %s became %s: subscription and alerts moved", chat_id, new_id)
                self.store.migrate_chat(chat_id, new_id)
                chat_id = new_id
                if outbox_id is not None and not self.store.outbox_row_exists(outbox_id):
                    # migrate_chat kept the new id's own row for this story and dropped
                    # ours: that row alone is sent, so the new chat hears of it once.
                    log.info("chat %s already owes alert %s's story: not sent twice", new_id, outbox_id)
                    return None
            except Forbidden as e:
                cancelled = self.store.deactivate_subscription(chat_id, f"blocked: {e.message}")
                log.info("chat %s: %s; subscription deactivated, %d alerts cancelled", chat_id, e.message, cancelled)
                raise Undeliverable(chat_id, e.message) from None
            except BadRequest as e:
                reason = e.message.lower()
                if "can't parse entities" in reason and rich:
                    log.warning("chat %s: telegram could not parse our HTML (%s); sending plain text", chat_id, e.message)
                    rich = False
                    continue
                if edit_message_id is not None and "not modified" in reason:
                    return None
                if edit_message_id is not None and ("not found" in reason or "can't be edited" in reason):
                    log.info("chat %s: message %s can no longer be edited: %s", chat_id, edit_message_id, e.message)
                    return None
                if "chat not found" in reason:
                    self.store.deactivate_subscription(chat_id, f"gone: {e.message}")
                raise Undeliverable(chat_id, self._clean(e.message)) from None
            except InvalidToken:
                self.token_refused = True
                raise NotifyError(chat_id, "the bot token was refused (check TELEGRAM_BOT_TOKEN)") from None
            except NetworkError as e:  # 5xx, timeouts, connection errors (TimedOut is one)
                network_failures += 1
                if network_failures > NETWORK_RETRIES:
                    raise NotifyError(chat_id, f"network: {self._clean(e.message)}") from None
                await self.sleep(NETWORK_BACKOFF * 2 ** (network_failures - 1))

    # --- digests and admin notices ---------------------------------------------------------

    def _digest_lock(self, chat_id: str) -> asyncio.Lock:
        return self._digest_locks.setdefault(chat_id, asyncio.Lock())

    async def _send_held(self, chat_id: str, lang: str | None) -> int:
        """Send a chat's held alerts as one digest; returns how many. The caller holds the chat's lock.

        Each message's rows are marked digested as soon as Telegram accepts it:
        when a later message fails (the error is raised), only the stories not
        yet delivered stay held, and the next try sends those alone.
        """
        from .notify import build_alert

        rows = self.store.held_alerts(chat_id)
        if not rows:
            return 0
        alerts = [build_alert(self.store, r.id, r.chat_id, r.story_id, None) for r in rows]
        done = 0
        for outbox_ids, text in digest_parts(alerts, lang):
            # A story's entry is far under the limit; split_message is only a guard.
            messages = [await self.deliver(chat_id, piece) for piece in split_message(text)]
            first = next((m for m in messages if m is not None), None)
            self.store.mark_digested(outbox_ids, str(first.message_id) if first else None)
            done += len(outbox_ids)
        return done

    async def deliver_digests(self) -> int:
        """Send every digest that is due; returns how many went out.

        One chat's failure never stops the others: a NotifyError leaves the rest
        of its digest held for the next pass (a minute later), anything else is
        logged with its traceback and tried again at the next pass too.
        """
        sent = 0
        now = self.now()
        for sub in self.store.subscriptions():
            if not sub.digest_time:
                continue
            try:
                async with self._digest_lock(sub.chat_id):
                    # Read again under the lock: /digest off may have run while we waited.
                    current = self.store.subscription(sub.chat_id)
                    if current is None or not current.active or not current.digest_time:
                        continue
                    if digest_due(current.digest_time, current.last_digest, now) is None:
                        continue
                    if await self._send_held(sub.chat_id, current.lang):
                        sent += 1
                    self.store.update_subscription(sub.chat_id, last_digest=now)
            except Undeliverable as e:
                log.warning("digest for chat %s not sent: %s", sub.chat_id, e)
                self.store.update_subscription(sub.chat_id, last_digest=now)
            except NotifyError as e:
                log.warning("digest for chat %s not finished, the rest at the next pass: %s", sub.chat_id, e)
            except Exception:  # a bug or an unexpected Bot API answer: this chat only
                log.exception("digest for chat %s failed; tried again at the next pass", sub.chat_id)
        return sent

    async def flush_digest(self, chat_id: str) -> int:
        """Send a chat's held alerts now, as one digest (when it leaves digest mode); returns how many.

        Raises NotifyError when Telegram did not take all of it: what was not
        sent stays held (the caller releases it).
        """
        async with self._digest_lock(chat_id):
            return await self._send_held(chat_id, self._lang(chat_id))

    async def notify_admins(self, text: str) -> None:
        """A plain notice to every admin (source failing, source back); failures are logged only."""
        for admin in self.admin_ids:
            try:
                await self.deliver(str(admin), _e(text), plain=text)
            except NotifyError as e:
                log.warning("admin notice to %s not delivered: %s", admin, e)


def _strip_tags(text: str) -> str:
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", text))

"""Bot: what users type to the Telegram bot, and what it answers (python-telegram-bot handlers).

Owns the commands (/start, /help, /subscribe, /unsubscribe, /filters,
/latest, /search, /mute, /unmute, /digest, /sources, /stats), the buttons
under each alert (mute this investor, unsubscribe), and who may do what: in a
group only its administrators change the group's subscription; /sources and
/stats answer only the user ids in TELEGRAM_ADMIN_IDS.

Every argument is validated; a wrong one gets a reply that says what was
wrong and how to write it. Replies are HTML built from escaped text, so
whatever a user types (HTML, 10 KB, RTL marks, emoji) comes back inert. An
unexpected error in a handler is logged and answered with an apology, never a
crash of the bot.
"""

from __future__ import annotations

import html
import logging
import re
import secrets
import time
from dataclasses import replace
from datetime import datetime, timedelta

from telegram import LinkPreviewOptions, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from .config import format_duration, parse_duration
from .errors import NotifyError
from .filters import SYNTAX_HELP, Filters, FilterError, clean_input, describe, fold, parse_filters
from .notify import build_alert
from .store import Store, StoreError, iso, utcnow
from .telegram import COMMANDS, TelegramNotifier, Webhook, _announcement_line, _link, chat_lang, split_message

log = logging.getLogger(__name__)

#: Longest argument text read, in characters (Telegram allows 4096; nobody needs more here).
MAX_ARGUMENT = 1000
#: /latest at most this many stories; /search at most this many words and results.
MAX_LATEST = 20
MAX_SEARCH_WORDS = 10
SEARCH_RESULTS = 10
#: /mute bounds, and its default.
MUTE_DEFAULT = 3600.0
MUTE_MAX = 30 * 86400.0
#: Seconds a group member's status is trusted before asking Telegram again.
ADMIN_CACHE_SECONDS = 300.0

_UPDATES = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
_HHMM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def build_application(token: str, api_url: str | None = None) -> Application:
    """A PTB Application for the token, talking to api_url (default: Telegram's own server).

    api_url is the server's base, e.g. "http://127.0.0.1:8081" for a local Bot API server.
    """
    builder = ApplicationBuilder().token(token)
    if api_url:
        base = api_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    return builder.build()


def _e(text) -> str:
    return html.escape(str(text) if text is not None else "", quote=False)


class BotHandlers:
    """The handlers, sharing the store and the notifier with the crawler (one process, one loop)."""

    def __init__(self, store: Store, notifier: TelegramNotifier, admin_ids: tuple[int, ...] = (), now=utcnow):
        self.store = store
        self.notifier = notifier
        self.admin_ids = set(admin_ids)
        self.now = now
        self._members: dict[tuple[int, int], tuple[str, float]] = {}

    def register(self, application: Application) -> None:
        commands = {
            "start": self.start, "help": self.help, "subscribe": self.subscribe, "unsubscribe": self.unsubscribe,
            "filters": self.filters, "latest": self.latest, "search": self.search, "mute": self.mute,
            "unmute": self.unmute, "digest": self.digest, "sources": self.sources, "stats": self.stats,
        }
        for name, handler in commands.items():
            application.add_handler(CommandHandler(name, self._guarded(handler), filters=_UPDATES))
        application.add_handler(CallbackQueryHandler(self._guarded(self.button)))
        application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, self.migrated))
        application.add_handler(MessageHandler(filters.COMMAND & _UPDATES, self._guarded(self.unknown)))
        application.add_handler(
            MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.COMMAND, self._guarded(self.chatter))
        )
        application.add_error_handler(self._error)

    # --- plumbing --------------------------------------------------------------------

    def _guarded(self, handler):
        async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            try:
                await handler(update, context)
            except (FilterError, ValueError) as e:
                await self._reply(update, f"⚠️ {_e(e)}")
            except StoreError as e:
                log.error("bot: %s", e)
                await self._reply(update, "⚠️ The database is not available right now; try again in a minute.")

        return run

    async def _error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("bot handler failed: %s", context.error, exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await self._reply(update, "⚠️ Sorry, something went wrong on my side. It has been logged.")
            except Exception:  # the chat may be unreachable: nothing more to do
                pass

    async def _reply(self, update: Update, text: str) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        for part in split_message(text):
            try:
                await update.get_bot().send_message(
                    chat.id, part, parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
                )
            except TelegramError as e:
                log.warning("reply to chat %s failed: %s", chat.id, e)
                return

    @staticmethod
    def _arguments(update: Update) -> str:
        """The text after the command, cleaned of invisible characters; ValueError when too long."""
        message = update.effective_message
        text = (message.text or message.caption or "") if message else ""
        parts = text.split(None, 1)
        rest = parts[1] if len(parts) > 1 else ""
        if len(rest) > MAX_ARGUMENT:
            raise ValueError(
                f"That is {len(rest)} characters after the command; I read at most {MAX_ARGUMENT}. "
                "Send a shorter command (/help shows how)."
            )
        return clean_input(rest).strip()

    async def _may_change(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """May the sender change this chat's subscription? In groups and channels: its admins only.

        A command in a channel was posted by an admin (nobody else can post), but
        the buttons under an alert can be pressed by every reader: a press is
        always checked with getChatMember, outside a private chat.
        """
        chat = update.effective_chat
        if chat.type == ChatType.PRIVATE:
            return True  # a private chat is its user's
        pressed = update.callback_query is not None
        if chat.type == ChatType.CHANNEL and not pressed:
            return True
        message = update.effective_message
        if not pressed and message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
            # An anonymous admin speaks as the group itself. (A pressed button's message is
            # the bot's alert, which a channel signs with its own id: it proves nothing.)
            return True
        user = update.effective_user
        if user is None:
            return False
        key = (chat.id, user.id)
        cached = self._members.get(key)
        if cached and time.monotonic() - cached[1] < ADMIN_CACHE_SECONDS:
            status = cached[0]
        else:
            try:
                member = await context.bot.get_chat_member(chat.id, user.id)
                status = member.status
            except TelegramError as e:
                log.warning("could not check the admins of chat %s: %s", chat.id, e)
                return False
            self._members[key] = (status, time.monotonic())
        return status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)

    async def _require_admin_of_group(self, update: Update, context) -> bool:
        if await self._may_change(update, context):
            return True
        await self._reply(update, "⛔ Only this group's administrators can change its subscription.")
        return False

    def _is_bot_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.admin_ids

    def _subscription_or_none(self, chat_id: int):
        sub = self.store.subscription(str(chat_id))
        return sub if sub and sub.active else None

    # --- commands ---------------------------------------------------------------------

    async def start(self, update: Update, context) -> None:
        await self._reply(
            update,
            "👋 I watch tech and business news sites and send one message for each new "
            "<b>investment</b> story (who invests, how much, where), with links to every source.\n\n"
            "/subscribe starts the alerts, /subscribe with filters narrows them, e.g.\n"
            "<code>/subscribe country: France min: 50m EUR</code>\n\n"
            "/help lists every command.",
        )

    async def help(self, update: Update, context) -> None:
        lines = ["<b>Commands</b>"] + [f"/{name} — {_e(text)}" for name, text in COMMANDS]
        lines += ["", "<b>Filters</b>", f"<pre>{_e(SYNTAX_HELP)}</pre>"]
        await self._reply(update, "\n".join(lines))

    async def subscribe(self, update: Update, context) -> None:
        args = self._arguments(update)
        if not await self._require_admin_of_group(update, context):
            return
        chat = update.effective_chat
        filters_json = parse_filters(args).to_json() if args else None
        user = update.effective_user
        title = chat.title or (user.full_name if user else None)
        new = self.store.subscribe(
            str(chat.id), chat_type=chat.type, title=title, lang=chat_lang(user.language_code if user else None),
            filters_json=filters_json,
        )
        sub = self.store.subscription(str(chat.id))
        shown = describe(Filters.from_json(sub.filters))
        head = "✅ Subscribed." if new else "✅ Still subscribed; filters updated." if args else "✅ You are already subscribed."
        await self._reply(update, f"{head}\nFilters: {_e(shown)}\n\nChange them with /filters, stop with /unsubscribe.")

    async def unsubscribe(self, update: Update, context) -> None:
        self._arguments(update)
        if not await self._require_admin_of_group(update, context):
            return
        chat_id = update.effective_chat.id
        if self._subscription_or_none(chat_id) is None:
            await self._reply(update, "You are not subscribed. /subscribe starts the alerts.")
            return
        self.store.deactivate_subscription(str(chat_id), "unsubscribed")
        await self._reply(update, "👋 Unsubscribed: no more alerts. /subscribe starts them again, with your filters kept.")

    async def filters(self, update: Update, context) -> None:
        args = self._arguments(update)
        chat_id = update.effective_chat.id
        sub = self._subscription_or_none(chat_id)
        if sub is None:
            await self._reply(update, "You are not subscribed yet: send /subscribe first (filters can follow it).")
            return
        current = Filters.from_json(sub.filters)
        if not args:
            await self._reply(
                update,
                f"<b>Your filters</b>\n{_e(describe(current))}\n\n"
                "Change one with e.g. <code>/filters min: 10m EUR</code>, clear one with <code>/filters min:</code>, "
                "clear all with <code>/filters clear</code>.",
            )
            return
        if not await self._require_admin_of_group(update, context):
            return
        if fold(args) in ("clear", "reset", "none"):
            new = Filters()
        else:
            new = parse_filters(args, base=current)
        self.store.update_subscription(str(chat_id), filters=new.to_json())
        await self._reply(update, f"✅ Filters saved.\n{_e(describe(new))}")

    async def latest(self, update: Update, context) -> None:
        args = self._arguments(update)
        count = 5
        if args:
            if not re.fullmatch(r"\d{1,3}", args) or not 1 <= int(args) <= MAX_LATEST:
                raise ValueError(f'"{args[:40]}" is not a number of stories: write /latest or /latest N with N from 1 to {MAX_LATEST}.')
            count = int(args)
        stories = self.store.latest_stories(count)
        if not stories:
            await self._reply(update, "No investment story yet. They appear here as the sources publish them.")
            return
        lang = self._chat_lang(update)
        lines = [f"<b>Latest {len(stories)} investment stories</b>"]
        for story in stories:
            alert = build_alert(self.store, 0, str(update.effective_chat.id), story["id"], None)
            first = alert.sources[0] if alert.sources else None
            lines.append("")
            lines.append("• " + (_link(alert.title, first.url) if first else _e(alert.title)))
            for found in alert.announcements[:2]:
                lines.append("  " + _announcement_line(found, lang, rich=True))
            if alert.sources:
                names = ", ".join(f"{s.source} ({(s.lang or '?').upper()})" for s in alert.sources[:8])
                lines.append(f"  📰 {_e(names)}")
        await self._reply(update, "\n".join(lines))

    async def search(self, update: Update, context) -> None:
        args = self._arguments(update)
        words = fold(args).split()
        if not words:
            raise ValueError("Write the words to look for, e.g. /search data centre Marseille (accents and case do not matter).")
        if len(words) > MAX_SEARCH_WORDS:
            raise ValueError(f"That is {len(words)} words; /search takes at most {MAX_SEARCH_WORDS}.")
        results = self.store.search_articles(words, SEARCH_RESULTS)
        if not results:
            await self._reply(update, f"Nothing stored mentions {_e(' '.join(words))}.")
            return
        lines = [f"<b>{len(results)} articles for</b> {_e(' '.join(words))}"]
        for row in results:
            lines.append("")
            site = f"{row['source'] or '?'} ({(row['lang'] or '?').upper()})"
            day = (row["published"] or "")[:10]
            lines.append(f"• {_link(row['title'] or row['url'] or '?', row['url'] or '')} — {_e(site)} {_e(day)}")
            snippet = (row["snippet"] or "").replace("\n", " ")
            marked = _e(snippet).replace("\ue000", "<b>").replace("\ue001", "</b>")
            lines.append(f"  <i>{marked}</i>")
        await self._reply(update, "\n".join(lines))

    async def mute(self, update: Update, context) -> None:
        args = self._arguments(update)
        if not await self._require_admin_of_group(update, context):
            return
        chat_id = update.effective_chat.id
        if self._subscription_or_none(chat_id) is None:
            await self._reply(update, "You are not subscribed, so there is nothing to mute. /subscribe starts the alerts.")
            return
        seconds = MUTE_DEFAULT
        if args:
            try:
                seconds = parse_duration(args.replace(" ", "").lower())
            except ValueError:
                raise ValueError(f'"{args[:40]}" is not a duration: write /mute 30m, /mute 2h or /mute 1d (default 1h).') from None
            if not 60 <= seconds <= MUTE_MAX:
                raise ValueError("Mute for at least 1m and at most 30d, e.g. /mute 2h.")
        until = self.now() + timedelta(seconds=seconds)
        self.store.update_subscription(str(chat_id), mute_until=until)
        await self._reply(
            update,
            f"🔕 Muted for {format_duration(seconds)}, until {until:%Y-%m-%d %H:%M} UTC. "
            "Stories published meanwhile are not sent (/latest shows them). /unmute ends it now.",
        )

    async def unmute(self, update: Update, context) -> None:
        self._arguments(update)
        if not await self._require_admin_of_group(update, context):
            return
        chat_id = update.effective_chat.id
        sub = self._subscription_or_none(chat_id)
        if sub is None:
            await self._reply(update, "You are not subscribed. /subscribe starts the alerts.")
            return
        self.store.update_subscription(str(chat_id), mute_until=None)
        await self._reply(update, "🔔 Unmuted: alerts are back.")

    async def digest(self, update: Update, context) -> None:
        args = self._arguments(update)
        chat_id = update.effective_chat.id
        sub = self._subscription_or_none(chat_id)
        usage = "Write /digest daily HH:MM (UTC, e.g. /digest daily 08:30) or /digest off."
        if sub is None:
            await self._reply(update, "You are not subscribed yet: send /subscribe first.")
            return
        if not args:
            state = f"daily at {sub.digest_time} UTC" if sub.digest_time else "off (one message per story)"
            await self._reply(update, f"Digest: {state}.\n{usage}")
            return
        words = args.lower().split()
        if words == ["off"]:
            if not await self._require_admin_of_group(update, context):
                return
            # Off first: a story that qualifies from now on is owed its own message, never
            # held for a digest that will not come. Then what was held goes as one digest;
            # what that could not send is released, to go one by one.
            self.store.update_subscription(str(chat_id), digest_time=None)
            flushed, failure = 0, None
            try:
                flushed = await self.notifier.flush_digest(str(chat_id))
            except NotifyError as e:
                log.warning("digest of chat %s not flushed: %s", chat_id, e)
                failure = e
            finally:
                released = self.store.release_held(str(chat_id))
            extra = f" The {flushed} stories held for it were just sent." if flushed else ""
            if released:
                extra += f" {released} held stories could not go as a digest{' now' if failure else ''}: they follow one by one."
            await self._reply(update, f"✅ Digest off: one message per story again.{extra}")
            return
        if words and words[0] == "daily":
            words = words[1:]
        match = _HHMM.fullmatch(words[0]) if len(words) == 1 else None
        if match is None:
            raise ValueError(f'I could not read "{args[:40]}". {usage}')
        if not await self._require_admin_of_group(update, context):
            return
        hhmm = f"{int(match.group(1)):02d}:{match.group(2)}"
        self.store.update_subscription(str(chat_id), digest_time=hhmm, last_digest=self.now())
        await self._reply(update, f"✅ One digest a day at {hhmm} UTC instead of one message per story.")

    async def sources(self, update: Update, context) -> None:
        if not self._is_bot_admin(update):
            await self._reply(update, "⛔ /sources is for the bot's administrators (TELEGRAM_ADMIN_IDS).")
            return
        now = self.now()
        rows = self.store.all_source_health()
        if not rows:
            await self._reply(update, "No sources configured.")
            return
        lines = [f"<b>{len(rows)} sources</b>"]
        for health in rows:
            mark = "🟢" if health.consecutive_failures == 0 else "🔴"
            age = _age(now, health.last_success)
            line = (
                f"{mark} <b>{_e(health.name)}</b>: {health.polls} polls, {health.failures} failed"
                f"{f' ({health.consecutive_failures} in a row)' if health.consecutive_failures else ''}, last success {age}"
            )
            if health.consecutive_failures and health.last_error:
                line += f"\n   <i>{_e(health.last_error[:200])}</i>"
            lines.append(line)
        await self._reply(update, "\n".join(lines))

    async def stats(self, update: Update, context) -> None:
        if not self._is_bot_admin(update):
            await self._reply(update, "⛔ /stats is for the bot's administrators (TELEGRAM_ADMIN_IDS).")
            return
        counts = self.store.counts()
        subs = self.store.subscriptions(active_only=False)
        active = sum(1 for s in subs if s.active)
        outbox = self.store.outbox_counts()
        lines = [
            "<b>Stats</b>",
            f"sources: {counts['sources']}, links: {counts['links']}, articles: {counts['articles']}",
            f"stories: {counts['stories']}, announcements: {counts['announcements']}",
            f"subscriptions: {active} active, {len(subs) - active} inactive",
            "outbox: " + (", ".join(f"{state} {n}" for state, n in sorted(outbox.items())) or "empty"),
        ]
        await self._reply(update, "\n".join(lines))

    async def unknown(self, update: Update, context) -> None:
        if update.effective_chat.type != ChatType.PRIVATE:
            return  # in groups, other bots' commands are not ours to answer
        word = (update.effective_message.text or "").split(None, 1)[0][:40]
        await self._reply(update, f"I do not know {_e(word)}. /help lists the commands.")

    async def chatter(self, update: Update, context) -> None:
        await self._reply(update, "I answer commands only. /help lists them; /subscribe starts the alerts.")

    async def migrated(self, update: Update, context) -> None:
        """A group became a supergroup: its subscription and alerts follow it to the new id."""
        message = update.effective_message
        if message.migrate_to_chat_id:
            self.store.migrate_chat(str(message.chat.id), str(message.migrate_to_chat_id))
            log.info("chat %s became %s", message.chat.id, message.migrate_to_chat_id)

    # --- buttons ------------------------------------------------------------------------

    async def button(self, update: Update, context) -> None:
        query = update.callback_query
        data = query.data or ""
        chat = update.effective_chat
        if chat is None:
            await query.answer("This button no longer works.")
            return
        if not await self._may_change(update, context):
            await query.answer("Only this chat's administrators can change its subscription.", show_alert=True)
            return
        sub = self._subscription_or_none(chat.id)
        if data == "unsub":
            if sub is not None:
                self.store.deactivate_subscription(str(chat.id), "unsubscribed")
            await query.answer("Unsubscribed: no more alerts. /subscribe starts them again.")
            return
        match = re.fullmatch(r"mute:(\d{1,12})", data)
        if match and sub is not None:
            announcements = self.store.announcements_for_story(int(match.group(1)))
            investor = next((a.investor for a in announcements if a.investor), None)
            if investor:
                current = Filters.from_json(sub.filters)
                if fold(investor) not in {fold(n) for n in current.skip_investors}:
                    new = replace(current, skip_investors=(*current.skip_investors, investor))
                    self.store.update_subscription(str(chat.id), filters=new.to_json())
                await query.answer(f"No more alerts about {investor[:60]} (/filters skip: to undo).")
                return
        await query.answer("This button no longer works.")

    def _chat_lang(self, update: Update) -> str:
        sub = self.store.subscription(str(update.effective_chat.id))
        if sub and sub.lang:
            return chat_lang(sub.lang)
        user = update.effective_user
        return chat_lang(user.language_code if user else None)


def _age(now: datetime, moment: datetime | None) -> str:
    if moment is None:
        return "never"
    seconds = max(0.0, (now - moment).total_seconds())
    return f"{format_duration(round(seconds))} ago" if seconds >= 1 else "just now"


def parse_webhook(url: str | None, listen: str | None, secret: str | None) -> Webhook | None:
    """TELEGRAM_WEBHOOK_URL / _LISTEN (host:port) / _SECRET -> Webhook, or None for long polling."""
    if not url:
        return None
    if not url.startswith("https://") and not url.startswith("http://127.0.0.1"):
        raise ValueError(f"TELEGRAM_WEBHOOK_URL: {url!r} must be an https:// URL (Telegram only calls https)")
    host, port = "127.0.0.1", 8443
    if listen:
        match = re.fullmatch(r"(?:\[?([\w.:-]*?)\]?:)?(\d{1,5})", listen.strip())
        if match is None or not 0 < int(match.group(2)) < 65536:
            raise ValueError(f"TELEGRAM_WEBHOOK_LISTEN: {listen!r} is not host:port (e.g. 127.0.0.1:8443)")
        host, port = match.group(1) or host, int(match.group(2))
    if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise ValueError("TELEGRAM_WEBHOOK_SECRET: use 1 to 256 letters, digits, _ or -")
    return Webhook(url=url, host=host, port=port, secret=secret or secrets.token_urlsafe(32))


def make_telegram(store: Store, token: str, api_url: str | None = None, admin_ids: tuple[int, ...] = (),
                  polling: bool = True, **notifier_options) -> TelegramNotifier:
    """The Telegram notifier with its Application and the bot's handlers, ready to start()."""
    application = build_application(token, api_url)
    notifier = TelegramNotifier(store, application, admin_ids=admin_ids, polling=polling, **notifier_options)
    BotHandlers(store, notifier, admin_ids).register(application)
    return notifier


def parse_admin_ids(text: str | None) -> tuple[int, ...]:
    """TELEGRAM_ADMIN_IDS: user ids separated by commas or spaces."""
    ids = []
    for part in re.split(r"[\s,]+", (text or "").strip()):
        if not part:
            continue
        if not re.fullmatch(r"-?\d{1,20}", part):
            raise ValueError(f'TELEGRAM_ADMIN_IDS: "{part[:30]}" is not a user id (write numbers separated by commas)')
        ids.append(int(part))
    return tuple(ids)

"""Notify: turn owed outbox rows into messages, and the notifier interface.

A notifier says who should hear about a new investment story (`audience`),
sends one alert (`send`) and amends a sent one when more sources join the
story (`edit`). The embedded default, ConsoleNotifier, is used when no
Telegram token is set: it prints each alert and appends it to a JSONL file.

`deliver_due` is the one loop that empties the outbox: it reads the rows that
are due, builds each Alert from the store, calls the notifier, and marks the
row sent only after the notifier returned. A crash in between re-sends that
one alert on restart: the documented duplicate window.
"""

from __future__ import annotations

import json
import logging
import random
import sys
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Protocol, TextIO

from .crashpoints import checkpoint
from .errors import RetryLater, StoreError, Undeliverable
from .filters import format_money
from . import metrics
from .store import Store, iso, parse_iso
from .types import Alert, Announcement, Article

log = logging.getLogger(__name__)

#: Delivery attempts before an alert is marked failed (and kept, for inspection).
MAX_DELIVERY_ATTEMPTS = 8


class Notifier(Protocol):
    async def start(self) -> None: ...

    def audience(self, article: Article, announcements: list[Announcement]) -> list[str]:
        """Chat ids owed an alert when a story first qualifies with this article."""
        ...

    async def send(self, alert: Alert) -> str | None:
        """Deliver a new alert; return the message id, if the channel has one."""
        ...

    async def edit(self, alert: Alert) -> None:
        """Amend a sent alert (alert.message_id) with the story's sources now."""
        ...

    async def aclose(self) -> None: ...


class ConsoleNotifier:
    """Prints alerts and appends them to a JSONL file: the default without Telegram."""

    chat_id = "console"

    def __init__(self, jsonl_path: str | Path | None = "data/alerts.jsonl", stream: TextIO | None = None):
        self.jsonl_path = Path(jsonl_path) if jsonl_path else None
        self.stream = stream
        self.sent: list[Alert] = []

    async def start(self) -> None:
        if self.jsonl_path:
            self.jsonl_path.parent.mkdir(parents=True, exist_ok=True)

    def audience(self, article: Article, announcements: list[Announcement]) -> list[str]:
        return [self.chat_id]

    async def send(self, alert: Alert) -> str | None:
        self._print(format_alert(alert))
        self._append(alert, "alert")
        self.sent.append(alert)
        return f"console-{alert.story_id}"

    async def edit(self, alert: Alert) -> None:
        others = ", ".join(f"{s.source} ({s.lang or '?'})" for s in alert.sources[1:])
        self._print(f"[update] story {alert.story_id} {alert.title!r}: also reported by {others}\n")
        self._append(alert, "update")

    async def aclose(self) -> None:
        pass

    def _print(self, text: str) -> None:
        stream = self.stream or sys.stdout
        stream.write(text + "\n")
        stream.flush()

    def _append(self, alert: Alert, event: str) -> None:
        if not self.jsonl_path:
            return
        record = {"event": event, **alert_json(alert)}
        with self.jsonl_path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def format_alert(alert: Alert) -> str:
    """The plain-text form of an alert (console; Telegram builds its own HTML)."""
    lines = [f"=== New investment story #{alert.story_id}: {alert.title}"]
    for found in alert.announcements:
        # Written as an English Telegram alert writes it: "€4 bn", "up to $500 m".
        parts = [found.investor or "unknown investor", format_money(found.amount, found.currency, "en", found.upper_bound)]
        if found.recipient:
            parts.append(f"to {found.recipient}")
        if found.location:
            parts.append(f"in {found.location}")
        if found.purpose:
            parts.append(f"for {found.purpose}")
        lines.append(f"  * {' | '.join(parts)} [{found.kind}]")
    if alert.summary:
        lines.append(f"  {alert.summary}")
    for index, source in enumerate(alert.sources):
        label = "source" if index == 0 else "also reported by"
        lines.append(f"  {label}: {source.source} ({source.lang or '?'}) {source.title} <{source.url}>")
    return "\n".join(lines)


def alert_json(alert: Alert) -> dict:
    record = asdict(alert)
    record["first_seen"] = iso(alert.first_seen)
    for found in record["announcements"]:
        found["amount"] = format(found["amount"], "f") if found["amount"] is not None else None
    return record


def build_alert(store: Store, outbox_id: int, chat_id: str, story_id: int, message_id: str | None) -> Alert:
    story = store.story(story_id) or {}
    announcements = store.announcements_for_story(story_id)
    summary = announcements[0].evidence if announcements else ""
    return Alert(
        outbox_id=outbox_id,
        chat_id=chat_id,
        story_id=story_id,
        title=story.get("title", ""),
        sources=tuple(store.story_sources(story_id)),
        announcements=tuple(announcements),
        summary=summary[:300],
        first_seen=parse_iso(story.get("first_seen")),
        message_id=message_id,
    )


async def deliver_due(store: Store, notifier: Notifier, limit: int = 100, should_stop=lambda: False) -> int:
    """Send or edit every due outbox row once; return how many were delivered.

    should_stop() is asked before each row: a shutdown lets the message in
    flight finish and starts no other.
    """
    delivered = 0
    try:
        store.check_writable()
    except StoreError as e:
        # An alert sent now could not be marked sent, and would go again at
        # every pass: hold them all until the database can write (issue 8).
        log.error("alerts held: %s", e)
        return 0
    for row in store.due_alerts(limit):
        if should_stop():
            break
        if row.sent and not row.message_id:
            # The channel gave no message id, so there is nothing to edit:
            # sending the whole alert again would be a duplicate.
            store.mark_sent(row.id, None, row.edit_pending)
            continue
        alert = build_alert(store, row.id, row.chat_id, row.story_id, row.message_id)
        checkpoint("deliver.before_send")
        try:
            if row.sent:
                await notifier.edit(alert)
                message_id = None
            else:
                message_id = await notifier.send(alert)
        except Exception as e:  # a channel error must not stop the other rows
            attempts = row.attempts + 1
            error = f"{type(e).__name__}: {e}"
            final = isinstance(e, Undeliverable) or attempts >= MAX_DELIVERY_ATTEMPTS
            if final and row.sent:
                log.warning("edit of alert %s to %s given up: %s", row.id, row.chat_id, error)
                store.give_up_edit(row.id, row.edit_pending, error)
            elif final:
                log.error("alert %s to %s failed for good: %s", row.id, row.chat_id, error)
                store.mark_failed(row.id, error)
                metrics.current().alert("failed")
            else:
                delay = min(3600.0, 2.0**attempts) * (0.5 + random.random())
                if isinstance(e, RetryLater):  # the channel said how long to wait
                    delay = max(delay, e.after)
                log.warning("alert %s to %s failed (attempt %d), retry in %.0fs: %s", row.id, row.chat_id, attempts, delay, error)
                store.mark_retry(row.id, error, store.clock() + timedelta(seconds=delay))
                metrics.current().alert("retried")
            continue
        checkpoint("deliver.sent")  # the duplicate window: sent, not yet marked
        store.mark_sent(row.id, message_id, row.edit_pending)
        checkpoint("deliver.marked")
        metrics.current().alert("edited" if row.sent else "sent")
        delivered += 1
    return delivered

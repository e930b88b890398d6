"""Delivery from the outbox: every alert once, and every source that joins named by an edit."""

from __future__ import annotations

import asyncio
import io
from decimal import Decimal

from monitor.errors import Undeliverable
from monitor.notify import ConsoleNotifier, deliver_due, format_alert
from monitor.types import Announcement, Article

FOUND = Announcement(investor="Microsoft", amount=Decimal("4000000000"), currency="EUR", amount_text="4 Md€",
                     location="France", kind="capex")


def save(store, n, story_id=None, announcements=(FOUND,), source=None):
    return store.save_article(
        Article(title=f"Story {n}", text=f"text {n}", lang="en"), url=f"https://site{n}.example/a",
        source=source or f"Site {n}", content_hash=str(n), story_id=story_id, duplicate_of=None,
        announcements=list(announcements), audience=["console"],
    )


class RecordingNotifier(ConsoleNotifier):
    """The console notifier, with a hook that runs while a message is 'in flight'."""

    def __init__(self, during=None, edit_error=None, message_ids=True):
        super().__init__(None, io.StringIO())
        self.during = during
        self.edit_error = edit_error
        self.message_ids = message_ids
        self.edits = []

    async def send(self, alert):
        if self.during:
            self.during()
            self.during = None
        message_id = await super().send(alert)
        return message_id if self.message_ids else None

    async def edit(self, alert):
        if self.edit_error:
            raise self.edit_error
        self.edits.append([source.source for source in alert.sources])


async def test_a_source_joining_while_the_alert_is_in_flight_is_added_by_an_edit(store):
    first = save(store, 1)
    notifier = RecordingNotifier(during=lambda: save(store, 2, story_id=first.story_id, announcements=()))
    await deliver_due(store, notifier)
    assert [s.source for s in notifier.sent[0].sources] == ["Site 1"]
    await deliver_due(store, notifier)
    assert notifier.edits == [["Site 1", "Site 2"]]
    assert await deliver_due(store, notifier) == 0  # nothing more owed


async def test_a_source_that_joined_before_sending_is_in_the_first_message_and_needs_no_edit(store):
    first = save(store, 1)
    save(store, 2, story_id=first.story_id, announcements=())
    notifier = RecordingNotifier()
    await deliver_due(store, notifier)
    assert [s.source for s in notifier.sent[0].sources] == ["Site 1", "Site 2"]
    assert await deliver_due(store, notifier) == 0 and notifier.edits == []


async def test_an_edit_that_cannot_be_made_leaves_the_delivered_alert_sent(store):
    first = save(store, 1)
    notifier = RecordingNotifier(edit_error=Undeliverable("console", "chat gone"))
    await deliver_due(store, notifier)
    save(store, 2, story_id=first.story_id, announcements=())
    await deliver_due(store, notifier)
    row = next(store.outbox_rows())
    assert (row["state"], row["edit_pending"], row["attempts"]) == ("sent", 0, 0)
    assert "chat gone" in row["last_error"]


async def test_without_message_ids_a_joining_source_never_resends_the_alert(store):
    first = save(store, 1)
    notifier = RecordingNotifier(message_ids=False)
    await deliver_due(store, notifier)
    save(store, 2, story_id=first.story_id, announcements=())
    await deliver_due(store, notifier)
    assert len(notifier.sent) == 1 and notifier.edits == []


async def test_a_failing_send_is_retried_later_and_not_lost(store):
    save(store, 1)

    class Flaky(RecordingNotifier):
        calls = 0

        async def send(self, alert):
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise ConnectionError("reset")
            return await super().send(alert)

    notifier = Flaky()
    assert await deliver_due(store, notifier) == 0
    row = next(store.outbox_rows())
    assert row["state"] == "pending" and row["attempts"] == 1 and row["next_attempt"]
    store.db.execute("UPDATE outbox SET next_attempt = NULL")
    assert await deliver_due(store, notifier) == 1 and len(notifier.sent) == 1


def test_the_console_alert_names_investor_amount_place_and_sources():
    from monitor.types import Alert, AlertSource

    alert = Alert(outbox_id=1, chat_id="console", story_id=7, title="Microsoft invests in France",
                  sources=(AlertSource("T", "https://a.example/1", "Site A", "fr"),
                           AlertSource("T2", "https://b.example/1", "Site B", "en")),
                  announcements=(FOUND,))
    text = format_alert(alert)
    assert "Microsoft" in text and "€4 bn" in text and "France" in text  # filters.format_money, in English
    assert "also reported by: Site B (en)" in text

"""Replay: the pipeline in batch over a JSONL file, offline (`monitor replay`).

A public contract, documented in the README. Input, one JSON object a line:
`id` (required, unique), and either `html` (with optional `url`) or `title` +
`text`; optional `lang`, `published` (ISO 8601) and `source`. Output, one line
per good input line, in input order:

    {"id", "title", "lang", "story_id", "duplicate_of", "is_investment",
     "announcements": [{"investor", "amount", "currency", "recipient", "location", "kind"}]}

A bad line yields a ReplayError naming its line number; the caller reports it
and goes on with the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from .errors import ReplayError
from .extract import extract
from .pipeline import Pipeline
from .types import Announcement, Article


@dataclass(frozen=True)
class ReplayItem:
    """One good input line."""

    line: int
    id: str
    article: Article
    url: str | None
    source: str | None


def parse_line(line_number: int, line: str) -> ReplayItem | None:
    """One input line as an item; None for a blank line; ReplayError when malformed."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise ReplayError(line_number, f"not JSON: {e.msg} at column {e.colno}") from e
    if not isinstance(record, dict):
        raise ReplayError(line_number, "expected a JSON object")
    item_id = record.get("id")
    if item_id is None or isinstance(item_id, (dict, list, bool)) or str(item_id) == "":
        raise ReplayError(line_number, 'missing "id" (a string or a number)')
    for key in ("html", "url", "title", "text", "lang", "published", "source"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise ReplayError(line_number, f'"{key}" must be a string')
    url = record.get("url") or None
    if record.get("html") is not None:
        article = extract(record["html"], url)
    elif record.get("title") is not None or record.get("text") is not None:
        article = Article(title=record.get("title") or "", text=record.get("text") or "")
    else:
        raise ReplayError(line_number, 'needs "html", or "title" and "text"')
    changes = {}
    if record.get("lang"):
        changes["lang"] = record["lang"].strip().lower()[:2]
    if record.get("published"):
        changes["published"] = _parse_datetime(line_number, record["published"])
    if changes:
        article = replace(article, **changes)
    return ReplayItem(line_number, str(item_id), article, url, record.get("source"))


def replay(pipeline: Pipeline, lines: Iterable[str], on_error=None) -> Iterator[dict]:
    """Run each input line through dedup, detection and the store; yield output records.

    on_error(ReplayError) is called for each bad line, which is then skipped.
    """
    seen_ids: dict[str, int] = {}
    for line_number, line in enumerate(lines, start=1):
        try:
            item = parse_line(line_number, line)
            if item is None:
                continue
            if item.id in seen_ids:
                raise ReplayError(line_number, f'id "{item.id}" already used on line {seen_ids[item.id]}')
            if pipeline.store.has_external_id(item.id):
                raise ReplayError(line_number, f'id "{item.id}" is already in the database (from an earlier replay)')
        except ReplayError as e:
            if on_error is None:
                raise
            on_error(e)
            continue
        seen_ids[item.id] = line_number
        outcome = pipeline.save(item.article, url=item.url, source=item.source, external_id=item.id)
        duplicate_of = None
        if outcome.decision.duplicate_of is not None:
            duplicate_of = pipeline.store.external_id(outcome.decision.duplicate_of)
        yield {
            "id": item.id,
            "title": item.article.title,
            "lang": item.article.lang,
            "story_id": outcome.story_id,
            "duplicate_of": duplicate_of,
            "is_investment": bool(outcome.announcements),
            "announcements": announcements_json(outcome.announcements),
        }


def announcements_json(announcements: Iterable[Announcement]) -> list[dict]:
    """Announcements as the replay contract writes them: amount a number in units."""
    out = []
    for found in announcements:
        amount = found.amount
        if amount is not None:
            amount = int(amount) if amount == amount.to_integral_value() else float(amount)
        out.append(
            {
                "investor": found.investor,
                "amount": amount,
                "currency": found.currency,
                "recipient": found.recipient,
                "location": found.location,
                "kind": found.kind,
            }
        )
    return out


def _parse_datetime(line_number: int, value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as e:
        raise ReplayError(line_number, f'"published" is not ISO 8601: {value!r}') from e
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

"""Dedup: decide whether a new article copies a stored one or joins a known story (pure).

This first version has two layers: URL identity (canonical URL, from
discover.canonical_url) and exact copies (a hash of the normalised text).
Near copies and same-story matching across outlets and languages come with
the dedup issue; they plug in as more candidates for `decide`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Protocol

from .types import DedupDecision

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_text(text: str) -> str:
    """Lower-case words without accents, punctuation or spacing differences.

    Two pages whose bodies differ only in typography (curly quotes, non-breaking
    spaces, accents dropped by a CMS) normalise to the same string.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", without_accents).strip()


def content_hash(title: str, text: str) -> str:
    """Hash of the normalised body; the title stands in when there is no body."""
    basis = normalise_text(text) or "title:" + normalise_text(title)
    return hashlib.blake2b(basis.encode("utf-8"), digest_size=16).hexdigest()


class Match(Protocol):
    """A stored article a new one matches (store.StoredMatch is one)."""

    article_id: int
    story_id: int


def decide(same_url: Match | None, same_text: Match | None) -> DedupDecision:
    """Where a new article goes, given the stored articles it matches by URL and by text."""
    if same_url is not None:
        return DedupDecision("same-url", duplicate_of=same_url.article_id, story_id=same_url.story_id)
    if same_text is not None:
        return DedupDecision("same-text", duplicate_of=same_text.article_id, story_id=same_text.story_id)
    return DedupDecision("new")


"""Property-based tests (issue 8, hypothesis): rules that hold for any input, not just our examples.

* money: find_money never raises, its offsets point at what it read, and
  generated amounts ("N milliards d'euros", "$N billion"...) read back exactly;
* URLs: canonical_url never raises, is idempotent, lower-cases scheme and
  host and lets no tracking parameter through;
* config: parse_config raises nothing but ConfigError, whatever the text or
  the environment;
* Telegram: split_message keeps every part under the limit and loses nothing.

Example counts stay modest so the file runs in seconds; the database of
hypothesis (.hypothesis/) replays any failure found before.
"""

from __future__ import annotations

import json
import string
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from monitor.config import SETTINGS, SOURCE_KEYS, parse_config
from monitor.discover import TRACKING_PARAMS, TRACKING_PREFIXES, canonical_url
from monitor.errors import ConfigError
from monitor.money import find_money

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LANGS = st.sampled_from([None, "en", "fr", "de", "es", "it", "xx", ""])

# -- money --------------------------------------------------------------------------------


@FAST
@given(text=st.text(max_size=300), lang=LANGS)
@example(text="$" * 50 + "1" * 40, lang="en")
@example(text="1,2,3,4,5,6,7,8,9 milliards d'euros", lang="fr")
@example(text="between €1bn and €0bn and up to $-3 billion", lang=None)
def test_find_money_never_raises_and_its_offsets_point_at_what_it_read(text, lang):
    for money in find_money(text, lang):
        assert text[money.start : money.end] == money.text
        assert isinstance(money.amount, Decimal) and money.amount.is_finite()


#: Words and characters amounts sit among in real sentences.
FILLER = st.text(alphabet=string.ascii_letters + " ,.;'\u00e9\u00e8", max_size=40).map(
    lambda s: s.strip(" ,.;'") and f"{s.strip(' ,.;')} "
)


def decimal_text(units: int, cents: int | None, mark: str) -> tuple[str, Decimal]:
    """("4,3", Decimal("4.3")): a number with one decimal digit or none."""
    if cents is None:
        return str(units), Decimal(units)
    return f"{units}{mark}{cents}", Decimal(f"{units}.{cents}")


@FAST
@given(units=st.integers(1, 999), cents=st.none() | st.integers(1, 9), before=FILLER)
def test_n_milliards_d_euros_reads_back_exactly(units, cents, before):
    written, value = decimal_text(units, cents, ",")
    text = f"{before}la société investira {written} milliards d'euros en France."
    found = find_money(text, "fr")
    assert [(m.amount, m.currency) for m in found] == [(value * 10**9, "EUR")], (text, found)


@FAST
@given(units=st.integers(1, 999), cents=st.none() | st.integers(1, 9), before=FILLER,
       scale=st.sampled_from([("billion", 10**9), ("million", 10**6), ("bn", 10**9), ("m", 10**6)]))
def test_dollar_n_billion_reads_back_exactly(units, cents, before, scale):
    written, value = decimal_text(units, cents, ".")
    word, factor = scale
    sep = " " if len(word) > 2 else ""
    text = f"{before}the group will invest ${written}{sep}{word} in new plants."
    found = find_money(text, "en")
    assert [(m.amount, m.currency) for m in found] == [(value * factor, "USD")], (text, found)


@FAST
@given(units=st.integers(1, 999), lang=st.sampled_from(["fr", "en", None]),
       form=st.sampled_from([("{n} millions d'euros", 10**6, "EUR"), ("€{n}m", 10**6, "EUR"),
                             ("£{n}bn", 10**9, "GBP"), ("{n} milliards de dollars", 10**9, "USD")]))
def test_whole_amounts_in_any_language_hint_read_back_exactly(units, lang, form):
    pattern, factor, currency = form
    found = find_money(f"Le plan prévoit {pattern.format(n=units)} sur cinq ans.", lang)
    assert [(m.amount, m.currency) for m in found] == [(Decimal(units) * factor, currency)]


# -- URLs ------------------------------------------------------------------------------------

HOST_LABEL = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=10)
HOSTS = st.lists(HOST_LABEL, min_size=1, max_size=3).map(lambda labels: ".".join(labels) + ".example")
PARAM_KEYS = st.sampled_from(sorted(TRACKING_PARAMS) + ["utm_source", "UTM_Medium", "pk_campaign", "hsa_ad",
                                                         "id", "page", "q", "lang", "p"])
QUERY = st.lists(st.tuples(PARAM_KEYS, st.text(alphabet=string.ascii_letters + string.digits + "-_ ",
                                                max_size=8)), max_size=5)
PATH = st.lists(st.text(alphabet=string.ascii_letters + string.digits + "-_.~%", min_size=1, max_size=8),
                max_size=4).map(lambda parts: "/" + "/".join(parts))


@st.composite
def urls(draw) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "Https"]))
    host = draw(HOSTS)
    port = draw(st.none() | st.sampled_from([80, 443, 8080]))
    query = "&".join(f"{k}={v}" for k, v in draw(QUERY))
    fragment = draw(st.sampled_from(["", "#top", "#section-2"]))
    return f"{scheme}://{host}{f':{port}' if port else ''}{draw(PATH)}{'?' + query if query else ''}{fragment}"


def is_tracking(key: str) -> bool:
    return key.lower() in TRACKING_PARAMS or key.lower().startswith(TRACKING_PREFIXES)


@FAST
@given(url=st.text(max_size=200), base=st.none() | st.text(max_size=60))
@example(url="http://[::1", base=None)
@example(url="http://example.org:99999/", base=None)
@example(url="//[oops]/x", base="https://example.org/")
@example(url="http://user:pw@Example.org:0/", base=None)
def test_canonical_url_never_raises(url, base):
    canonical_url(url, base)


@FAST
@given(url=urls())
def test_canonical_url_is_idempotent_lowercase_and_drops_tracking(url):
    once = canonical_url(url)
    assert canonical_url(once) == once
    parts = urlsplit(once)
    assert parts.scheme == parts.scheme.lower() and parts.netloc == parts.netloc.lower()
    assert not parts.fragment
    assert not [key for key, _ in parse_qsl(parts.query, keep_blank_values=True) if is_tracking(key)]
    # What is not tracking survives, in order (white space around the URL is not part of it).
    kept = [(k, v) for k, v in parse_qsl(urlsplit(url.strip()).query, keep_blank_values=True) if not is_tracking(k)]
    assert parse_qsl(parts.query, keep_blank_values=True) == kept


@FAST
@given(url=st.text(max_size=120))
@example(url="\x08\xa0\x1b")  # controls and Unicode spaces alternating at the ends (found by hypothesis)
@example(url="/a\x1b")
def test_canonical_url_of_any_text_is_idempotent(url):
    once = canonical_url(url)
    assert canonical_url(once) == once


# -- config ----------------------------------------------------------------------------------

#: TOML values of every kind, as text.
SCALARS = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.booleans().map(lambda b: "true" if b else "false"),
    st.text(max_size=30).map(json.dumps),
    st.sampled_from(['"15m"', '"1h30m"', '"10 minutes"', '"0s"', '"-5s"', '"1e9h"', '"https://x.example/feed"',
                     '"ftp://x"', '"feed"', '"listing"', '"h2 a"', '"::bad(("', "1979-05-27T07:32:00Z", "[]",
                     '["a", 1]', "{}", '{ a = 1 }']),
)
SETTING_KEYS = st.sampled_from([setting.name for setting in SETTINGS] + ["unknown_key", "intervall"])
SOURCE_KEY = st.sampled_from(list(SOURCE_KEYS) + ["urll", "selector"])


@st.composite
def configs(draw) -> str:
    lines = []
    if draw(st.booleans()):
        lines.append("[settings]")
        for key, value in draw(st.dictionaries(SETTING_KEYS, SCALARS, max_size=5)).items():
            lines.append(f"{key} = {value}")
    for _ in range(draw(st.integers(0, 3))):
        lines.append("[[sources]]")
        for key, value in draw(st.dictionaries(SOURCE_KEY, SCALARS, max_size=6)).items():
            lines.append(f"{key} = {value}")
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["[other]", "x = 1", "sources = 3", "[settings.deep]", "[[sources.x]]"])))
    return "\n".join(lines) + "\n"


ENV = st.dictionaries(
    st.sampled_from(["MONITOR_USER_AGENT", "MONITOR_ALLOW_PRIVATE_ADDRESSES", "MONITOR_HTTP_HOST",
                     "MONITOR_HTTP_PORT"]),
    st.text(max_size=12),
    max_size=2,
)


@FAST
@given(text=configs(), env=ENV)
@example(text='[[sources]]\nname = "A"\nurl = "https://a.example/feed"\n', env={"MONITOR_HTTP_PORT": "99999"})
@example(text='[settings]\nmax_bytes = 1e400\n', env={})
@example(text='[[sources]]\nname = ""\nurl = "https://a.example/"\n', env={})
def test_parse_config_raises_nothing_but_config_error_on_any_feeds_toml(text, env):
    try:
        parse_config(text, "feeds.toml", env)
    except ConfigError as error:
        # It names where: the file, or the environment variable.
        assert str(error).startswith(("feeds.toml", "environment variable")), error


@FAST
@given(text=st.text(max_size=300))
@example(text="\x00")
@example(text='[settings]\ninterval = "15m"\n[[sources]]\n')
def test_parse_config_of_any_text_raises_only_config_error(text):
    try:
        parse_config(text, "feeds.toml", {})
    except ConfigError:
        pass


# -- the Telegram splitter -------------------------------------------------------------------

try:
    from monitor.telegram import split_message, utf16_len
except ImportError:  # pragma: no cover - the Telegram notifier is not there
    split_message = None

LINES = st.text(alphabet=st.sampled_from(list("ab \u00e9<>&") + ["\n", "\U0001f600", "\u200f", "\u0634"]), max_size=400)


@pytest.mark.skipif(split_message is None, reason="monitor.telegram is not there")
@FAST
@given(text=LINES, limit=st.integers(2, 60))
@example(text="\U0001f600" * 10, limit=3)
@example(text="\n\n\n", limit=2)
def test_split_message_keeps_parts_under_the_limit_and_loses_nothing_but_newlines(text, limit):
    parts = split_message(text, limit)
    assert parts and all(utf16_len(part) <= limit for part in parts)
    # Only the newlines where it cut may go; every other character stays, in order.
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


@pytest.mark.skipif(split_message is None, reason="monitor.telegram is not there")
@FAST
# No lone surrogates: Telegram's updates and our decoded pages are valid Unicode.
@given(text=st.text(alphabet=st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), max_size=50))
def test_a_short_message_is_one_part(text):
    assume(utf16_len(text) <= 4096)
    assert split_message(text) == [text]

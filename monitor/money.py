"""Amounts of money written in running text, read into exact Decimals.

Owns find_money(): "4 milliards d'euros", "$4.3bn", "£11.5m", "600 M EUR",
"1,5 Mrd. Euro", "2.000 millones de euros", "4 000 000 €", "up to $2 billion",
"between €1bn and €2bn" become Money values with an ISO 4217 currency.

Rules worth knowing before changing anything:

* Only amounts with a currency are money. "3,000 jobs", "25 000 GPU", "2024"
  and "15%" are plain numbers and are never returned.
* Arithmetic is Decimal from the digits as written, never float:
  "1,2 milliard" is exactly Decimal("1200000000").
* Which of "," and "." is the decimal mark is decided per amount: by the words
  around it first ("milliard", "Mrd", "millones", "d'euros" are continental;
  "bn", "crore", "of" are English), then by the article's language, then
  English. A lone separator followed by exactly three digits and no scale word
  ("$1,200", "€1.200") is a thousands separator in every language.
* "billion" is 10^9 in English but 10^12 in French/German/Spanish
  ("1 billion d'euros"); the same per-amount convention decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import NamedTuple

__all__ = ["Money", "find_money", "currency_code", "lower_keeping_offsets"]


@dataclass(frozen=True)
class Money:
    """One amount found in a text."""

    #: In units, exact (for a range: the high end).
    amount: Decimal
    #: ISO 4217 code.
    currency: str | None
    #: The amount as written, with its "up to"/"between" words.
    text: str
    #: Offsets of text in the searched string.
    start: int
    end: int
    #: True for "up to $2 billion", "jusqu'à 2 milliards".
    upper_bound: bool = False
    #: The low end of a range ("between €1bn and €2bn"), else None.
    low: Decimal | None = None


# --- lexicons ---------------------------------------------------------------

#: Written before the number ("$4bn", "CHF 300 million"); matched case-sensitively.
_PREFIX_CURRENCIES = {
    "US$": "USD", "U.S.$": "USD", "$US": "USD", "USD": "USD", "$": "USD",
    "C$": "CAD", "CA$": "CAD", "CAD": "CAD",
    "A$": "AUD", "AU$": "AUD", "AUD": "AUD",
    "HK$": "HKD", "HKD": "HKD", "S$": "SGD", "SGD": "SGD", "NZ$": "NZD", "NZD": "NZD",
    "R$": "BRL", "BRL": "BRL",
    "€": "EUR", "EUR": "EUR",
    "£": "GBP", "GBP": "GBP",
    "CN¥": "CNY", "RMB": "CNY", "CNY": "CNY", "¥": "JPY", "JPY": "JPY",
    "₹": "INR", "Rs.": "INR", "Rs": "INR", "INR": "INR",
    "₩": "KRW", "KRW": "KRW",
    "CHF": "CHF", "SEK": "SEK", "NOK": "NOK", "DKK": "DKK", "PLN": "PLN",
    "AED": "AED", "SAR": "SAR", "ZAR": "ZAR", "MXN": "MXN", "TRY": "TRY",
}

#: Written after the number or scale ("4 Md€", "15 millions de dollars"); matched
#: case-insensitively, keys lower-case with single spaces.
_SUFFIX_CURRENCIES = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "$": "USD", "$ us": "USD", "$us": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD",
    "us dollars": "USD", "u.s. dollars": "USD", "dollars us": "USD",
    "dollars américains": "USD", "dollars americains": "USD", "us-dollar": "USD",
    "canadian dollars": "CAD", "dollars canadiens": "CAD", "cad": "CAD",
    "australian dollars": "AUD", "dollars australiens": "AUD", "aud": "AUD",
    "hong kong dollars": "HKD", "hkd": "HKD", "singapore dollars": "SGD", "sgd": "SGD",
    "£": "GBP", "gbp": "GBP", "pounds": "GBP", "pounds sterling": "GBP", "sterling": "GBP",
    "livres sterling": "GBP", "livres": "GBP", "pfund": "GBP",
    "¥": "JPY", "yen": "JPY", "yens": "JPY", "jpy": "JPY",
    "yuan": "CNY", "yuans": "CNY", "renminbi": "CNY", "rmb": "CNY", "cny": "CNY",
    "chf": "CHF", "swiss francs": "CHF", "francs suisses": "CHF", "franken": "CHF",
    "₹": "INR", "rupees": "INR", "roupies": "INR", "inr": "INR",
    "₩": "KRW", "won": "KRW", "krw": "KRW",
    "sek": "SEK", "nok": "NOK", "dkk": "DKK", "pln": "PLN", "zlotys": "PLN",
    "brl": "BRL", "reais": "BRL", "aed": "AED", "dirhams": "AED", "sar": "SAR", "riyals": "SAR",
    "zar": "ZAR", "rand": "ZAR", "mxn": "MXN",
}

#: Currency words that are also ordinary words ("pounds of beef", "won the
#: deal", "livres vendus"): money only when a scale word comes first.
_WEAK_SUFFIXES = {"pounds", "livres", "won", "rand", "reais", "pfund"}

_EN, _CONT = "en", "cont"

#: Scale word (lower-case) -> (power of ten, the decimal convention it implies or None).
_SCALES: dict[str, tuple[int, str | None]] = {
    "thousand": (3, _EN), "thousands": (3, _EN), "k": (3, None),
    "mille": (3, _CONT), "mil": (3, _CONT), "tausend": (3, _CONT), "tsd.": (3, _CONT),
    "million": (6, None), "millions": (6, None), "m": (6, None),
    "mn": (6, _EN), "mln": (6, _EN),
    "mio": (6, _CONT), "mio.": (6, _CONT), "millionen": (6, _CONT),
    "millones": (6, _CONT), "millón": (6, _CONT), "milioni": (6, _CONT), "milione": (6, _CONT),
    "bn": (9, _EN), "bln": (9, _EN), "b": (9, _EN),
    "milliard": (9, _CONT), "milliards": (9, _CONT), "md": (9, _CONT), "mds": (9, _CONT),
    "mrd": (9, _CONT), "mrd.": (9, _CONT), "mrds": (9, _CONT), "mrds.": (9, _CONT),
    "milliarde": (9, _CONT), "milliarden": (9, _CONT),
    "mil millones": (9, _CONT), "miliardi": (9, _CONT), "miliardo": (9, _CONT),
    "trillion": (12, _EN), "trillions": (12, _EN), "tn": (12, _EN), "trn": (12, _EN), "t": (12, _EN),
    "billón": (12, _CONT), "billones": (12, _CONT), "billionen": (12, _CONT),
    "crore": (7, _EN), "crores": (7, _EN), "lakh": (5, _EN), "lakhs": (5, _EN),
    "lakh crore": (12, _EN),
    # "billion" is resolved per amount: 10^9 in English, 10^12 on the continent.
    "billion": (9, None), "billions": (9, None),
}
_AMBIGUOUS_BILLION = {"billion", "billions"}

#: Number words that can stand before a scale word ("un milliard d'euros", "a billion dollars").
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "douze": 12, "quinze": 15, "vingt": 20,
    "ein": 1, "eine": 1, "zwei": 2, "drei": 3, "uno": 1, "dos": 2, "tres": 3,
}
_HALF = {"half a", "half an", "un demi", "une demi"}

#: Languages whose decimal mark is "." (everything else in our sources writes ",").
_DOT_DECIMAL_LANGS = {"en", "zh", "ja", "ko", "he", "hi", "th", "ms"}

_UPPER_BOUND = re.compile(
    r"(?i)(?:\bup\s+to|\bas\s+much\s+as|\bas\s+high\s+as|\bno\s+more\s+than|\bat\s+most|"
    r"\ba\s+maximum\s+of|\bjusqu['’]\s?à|\bau\s+maximum|\bau\s+plus|\bbis\s+zu|\bhasta)\s*$"
)


def _alternation(words) -> str:
    """A regex alternation of literal words, longest first, spaces as any whitespace.

    The words are gathered by first character ("m(?:illiards|illion|d)"): Python's re
    tries every alternative at every position, and one character first is several
    times faster. Words with different first characters never compete for a position,
    so the matches are the same.
    """
    groups: dict[str, list[str]] = {}
    for w in sorted(words, key=len, reverse=True):
        groups.setdefault(w[0], []).append(re.escape(w[1:]).replace(r"\ ", r"\s+"))
    return "(?:" + "|".join(
        re.escape(first).replace(r"\ ", r"\s+") + (f"(?:{'|'.join(rests)})" if rests != [""] else "")
        for first, rests in groups.items()
    ) + ")"


# Prefix currencies are matched in the text as written ("Rs", "EUR"); what follows
# the number is matched in lower-cased text, because IGNORECASE makes Python's re
# several times slower on alternations this long.
_PREFIX_RE = _alternation(_PREFIX_CURRENCIES)
_SUFFIX_RE = _alternation(_SUFFIX_CURRENCIES)
_SCALE_RE = _alternation(_SCALES)
_WORD_RE = _alternation(list(_NUMBER_WORDS) + list(_HALF))
# Digits: thousands groups (space, no-break spaces, apostrophe, "," or ".") with an
# optional decimal tail, or plain digits with an optional decimal part. It starts with
# a bare \d so that the regex engine can skip to digits at C speed.
_NUMBER_RE = r"\d(?:\d{0,2}(?:[ \u00a0\u202f\u2009',.]\d{3})+(?:[.,]\d+)?(?!\d)|\d*(?:[.,]\d+)?)"
_NOT_LETTER = r"(?![^\W\d_])"
_GAP = r"[ \u00a0\u202f\u2009]"
#: What may follow a number: a scale word, then a currency ("4 milliards d'euros").
_TAIL = (
    rf"(?:(?:{_GAP}|-)?(?P<scale>{_SCALE_RE}){_NOT_LETTER})?"
    rf"(?:(?:{_GAP}|-)*(?P<conn>(?:de|d['’]|of){_GAP}*)?(?P<post>{_SUFFIX_RE}){_NOT_LETTER})?"
)
# Amounts are found from their first digit, and the currency written before the
# number is then looked for just before it: this keeps long articles cheap.
_DIGITS_AMOUNT = re.compile(rf"(?P<num>{_NUMBER_RE})" + _TAIL)
_WORD_AMOUNT = re.compile(rf"(?P<num>)(?P<word>{_WORD_RE})[\s-]+(?={_SCALE_RE}{_NOT_LETTER})" + _TAIL)
#: Number words are rare, so they are looked for only before a scale word, in
#: lower-cased text: "un milliard d'euros", "a billion dollars".
_SCALE_START = re.compile(r"mil|bil|tril|crore|lakh|thousand|tausend")
_WORD_BEFORE = re.compile(rf"(?<![\w]){_WORD_RE}[\s-]+$")
_PREFIX_BEFORE = re.compile(rf"(?P<pre>{_PREFIX_RE}){_GAP}?$")
_RANGE_GAP = re.compile(r"\s*(?P<join>(?:and|et|und|to|à|a|bis|y)\b|[-–—])\s*")
_RANGE_KEYWORD_BEFORE = re.compile(r"(?:between|entre|zwischen|from|de|d['’]|von)\s+$")
_BETWEEN = {"between", "entre", "zwischen"}
_AND = {"and", "et", "und", "y"}


# --- parsing ----------------------------------------------------------------


class _Token(NamedTuple):
    """A number with what surrounds it, before currency and scale are settled
    (a named tuple: thousands are made per article, and tuples are cheap)."""

    #: From the currency before the number, when there is one.
    start: int
    end: int
    raw: str | None
    word: str | None
    scale: str | None
    currency: str | None
    post: str | None
    conn: str | None
    pre: str | None


def currency_code(word: str) -> str | None:
    """The ISO 4217 code of a currency symbol or word ("€", "euros", "US$"), else None."""
    word = word.strip()
    if word in _PREFIX_CURRENCIES:
        return _PREFIX_CURRENCIES[word]
    return _SUFFIX_CURRENCIES.get(" ".join(word.lower().split()))


#: The last characters of the prefix currencies: no other character before a number
#: (after one optional space) can end one, so most numbers skip the prefix search.
_PREFIX_LAST = frozenset(p[-1] for p in _PREFIX_CURRENCIES)


def lower_keeping_offsets(text: str) -> str:
    """text lower-cased, each character to one ("İ" would otherwise become two)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _token(text: str, m: re.Match) -> _Token | None:
    """The token of a number match (m is on the lower-cased text), or None when the
    number is part of a word ("A4", "COVID19")."""
    i = m.start() - 1
    if i > 0 and text[i] in " \u00a0\u202f\u2009":
        i -= 1
    before = None
    if i >= 0 and text[i] in _PREFIX_LAST:
        before = _PREFIX_BEFORE.search(text, max(0, m.start() - 8), m.start())
    pre = before.group("pre") if before else None
    start = before.start() if before else m.start()
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.,"):
        return None
    post = m.group("post")
    scale = m.group("scale")
    scale = " ".join(scale.lower().split()) if scale else None
    currency = None
    if pre:
        currency = _PREFIX_CURRENCIES[pre]
    elif post:
        key = " ".join(post.lower().split())
        if key not in _WEAK_SUFFIXES or scale:
            currency = _SUFFIX_CURRENCIES[key]
    conn = m.group("conn")
    end = m.end()
    if post and not currency:  # a weak currency word without a scale: not part of the amount
        end = m.end("scale") if scale else m.end("num") if m.group("num") else m.end("word")
    return _Token(
        start=start,
        end=end,
        raw=m.group("num") or None,
        word=m.groupdict().get("word"),
        scale=scale,
        currency=currency,
        post=post if currency else None,
        conn=conn.strip().lower() if conn and currency else None,
        pre=pre,
    )


def _tokens(text: str, low: str) -> list[_Token]:
    tokens = [t for m in _DIGITS_AMOUNT.finditer(low) if (t := _token(text, m))]
    words = False
    for scale in _SCALE_START.finditer(low):
        j = scale.start() - 1
        while j >= 0 and low[j] in " -\u00a0\u202f\u2009\n\t":
            j -= 1
        if j < 0 or not low[j].isalpha():
            continue  # "4 million": the digits' own token; only a word can start a worded amount
        w = _WORD_BEFORE.search(low, max(0, scale.start() - 12), scale.start())
        if not w:
            continue
        m = _WORD_AMOUNT.match(low, w.start())
        if m and m.group("scale") and (t := _token(text, m)):
            if not any(o.start < t.end and t.start < o.end for o in tokens):
                tokens.append(t)
                words = True
    if words:
        tokens.sort(key=lambda t: t.start)
    return tokens


def _is_continental(tok: _Token, lang: str | None) -> bool:
    """Whether "," is the decimal mark for this amount (see the module docstring)."""
    hint = _SCALES[tok.scale][1] if tok.scale else None
    if hint:
        return hint == _CONT
    if tok.conn in ("de", "d'", "d’"):
        return True
    if tok.conn == "of" or tok.pre:
        return False
    if lang:
        return lang not in _DOT_DECIMAL_LANGS
    return False


_NO_GROUP_SEPARATORS = str.maketrans("", "", " \u00a0\u202f\u2009'")


def _number(raw: str, continental: bool, has_scale: bool) -> Decimal:
    """Digits as written -> Decimal, deciding which separator is the decimal mark."""
    digits = raw.translate(_NO_GROUP_SEPARATORS)
    seps = [c for c in digits if c in ".,"]
    if not seps:
        return Decimal(digits)
    if "." in digits and "," in digits:  # "1,234.5" / "1.234,5": the last one is decimal
        cut = max(digits.rfind("."), digits.rfind(","))
        return Decimal(digits[:cut].replace(".", "").replace(",", "") + "." + digits[cut + 1 :])
    sep = seps[0]
    if len(seps) > 1:  # "1,000,000" / "1.000.000"
        return Decimal(digits.replace(sep, ""))
    head, tail = digits.split(sep)
    if len(tail) != 3 or (has_scale and sep == ("," if continental else ".")):
        return Decimal(f"{head}.{tail}")
    return Decimal(head + tail)  # "$1,200", "€1.200", "5.000 millions"


#: Longer runs of digits are identifiers or noise, not amounts.
_MAX_DIGITS = 24


#: Enough digits that scaling never rounds: 24 written digits times 10^12. Passed to
#: each operation rather than set with localcontext(), which costs more than the arithmetic.
_EXACT = Context(prec=60)
_ONE = Decimal(1)


def _value(tok: _Token, continental: bool) -> Decimal | None:
    """The amount in units, or None for a number too long to be money."""
    if tok.raw and sum(c.isdigit() for c in tok.raw) > _MAX_DIGITS:
        return None
    if tok.word:
        word = " ".join(tok.word.lower().split())
        base = Decimal("0.5") if word in _HALF else Decimal(_NUMBER_WORDS[word])
    else:
        base = _number(tok.raw, continental, tok.scale is not None)
    power = 0
    if tok.scale:
        power = _SCALES[tok.scale][0]
        if tok.scale in _AMBIGUOUS_BILLION and continental:
            power = 12
    value = base.scaleb(power, context=_EXACT)  # moves the exponent: exact
    if value == value.to_integral_value(context=_EXACT):
        value = value.quantize(_ONE, context=_EXACT)
    return value


#: Substrings one of which every upper-bound phrase holds: most amounts skip the regex.
_UPPER_BOUND_KEYS = ("up", "much", "high", "more", "most", "maxim", "jusqu", "plus", "bis", "hasta")


def _money(text: str, start: int, end: int, amount: Decimal, currency: str, low=None) -> Money:
    before = text[max(0, start - 30) : start].lower()
    bound = None
    if start and any(k in before for k in _UPPER_BOUND_KEYS):
        bound = _UPPER_BOUND.search(text, max(0, start - 30), start)
    if bound:
        start = bound.start()
    return Money(amount, currency, text[start:end], start, end, bound is not None, low)


def _norm_lang(lang: str | None) -> str | None:
    return lang.strip().lower()[:2] if lang and lang.strip() else None


def _range(text: str, low: str, lo: _Token, hi: _Token, lang: str | None) -> Money | None:
    """lo and hi as one range ("between €1bn and €2bn", "de 1 à 2 milliards d'euros"), or None."""
    gap = _RANGE_GAP.fullmatch(low, lo.end, hi.start)
    if not gap:
        return None
    join = gap.group("join").lower()
    keyword = _RANGE_KEYWORD_BEFORE.search(low, max(0, lo.start - 12), lo.start)
    kw = keyword.group().strip().lower() if keyword else ""
    currency = hi.currency or lo.currency
    if not currency or (lo.currency and hi.currency and lo.currency != hi.currency):
        return None
    if not hi.currency and not hi.scale:  # "€4bn to 25,000 GPUs"
        return None
    if (lo.scale and not hi.scale) or lo.word or hi.word:
        return None
    if join in _AND and kw not in _BETWEEN:  # "$1bn and 3,000 jobs"
        return None
    if kw in _BETWEEN and join not in _AND | {"-", "–", "—"}:
        return None
    # The low end borrows the high end's scale and wording: "de 1 à 2 milliards d'euros".
    lo = lo._replace(scale=lo.scale or hi.scale, currency=currency, conn=lo.conn or hi.conn)
    hi = hi._replace(currency=currency, pre=hi.pre or lo.pre)
    continental = _is_continental(hi, lang)
    low, high = _value(lo, continental), _value(hi, continental)
    if low is None or high is None or not low < high:
        return None
    return _money(text, keyword.start() if keyword else lo.start, hi.end, high, currency, low)


def find_money(text: str, lang: str | None = None) -> list[Money]:
    """Every amount with a currency in text, in order.

    lang (ISO 639-1, e.g. "fr") breaks ties on "1,200"/"1.200" and "billion";
    the words around an amount take precedence.
    """
    if not text:
        return []
    lang = _norm_lang(lang)
    low = lower_keeping_offsets(text)
    tokens = _tokens(text, low)
    found: list[Money] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if i + 1 < len(tokens):
            both = _range(text, low, tok, tokens[i + 1], lang)
            if both:
                found.append(both)
                i += 2
                continue
        i += 1
        if not tok.currency or (tok.word and not tok.scale):
            continue
        value = _value(tok, _is_continental(tok, lang))
        if value is not None:
            found.append(_money(text, tok.start, tok.end, value, tok.currency))
    return found

"""Dedup: decide whether a new article copies a stored one or joins a known story (pure).

Six layers, cheapest first; the store finds the candidates through indexes,
this module only computes fingerprints and decides:

1. URL identity: the same canonical URL, or the same page under a www./m./AMP
   variant (discover.url_identity_key), or the page's own rel=canonical/og:url.
2. Exact copies: a hash of the normalised text (content_hash).
3. Near copies (syndicated or lightly edited text): a one-permutation MinHash
   of word 4-gram shingles (SIGNATURE_BINS bins), cut into LSH bands; the
   store keeps the band keys in an indexed table, so finding the articles that
   share a band is an index lookup, not a scan. A candidate is a copy when the
   estimated resemblance (or containment, for an excerpt) is high enough.
4. The same story from another outlet, same language: title and lead terms
   plus shared names and numbers, within the story window (72 h by default).
5. The same story in another language: a language-independent fingerprint
   (names of organisations, people and places; amounts normalised with their
   currency; other numbers, percentages, dates; countries under one code
   whatever the language) plus the investment fields when present (investor,
   amount, currency, place).
6. Near misses stay apart: vetoes, checked before any evidence counts. Two
   articles whose headline amounts differ, that are about different countries
   or different kinds of event (results, a deal, job cuts, a fine, a recall),
   whose headlines name other parties, or whose announcements name the same
   investor with another amount, place or target (or two investors for the
   same amount) are different stories; so is an article and a story when it
   is a near miss of any of the story's articles.

The "headline" is the title and the body's first sentence, the "lead" the
title and the body's first LEAD_WORDS words, both without the dateline
("PARIS, May 13 (Wire) -") and without clauses that recall an earlier event
("a day after raising $75 million"). Thresholds were set on the labelled set
of benchmarks/dedup.py, which prints how they score.

Everything here is pure: `fingerprint` turns an article into features (the
store keeps them), `story_similarity` compares two, and `decide` takes the
candidates the store found and returns a DedupDecision with its reason.
"""

from __future__ import annotations

import array
import functools
import hashlib
import itertools
import math
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from .money import find_money
from .types import Announcement, Article, DedupDecision

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_text(text: str) -> str:
    """Lower-case words without accents, punctuation or spacing differences.

    Two pages whose bodies differ only in typography (curly quotes, non-breaking
    spaces, accents dropped by a CMS) normalise to the same string.
    """
    return _NON_WORD.sub(" ", fold(text)).strip()


def fold(text: str) -> str:
    """Case-folded text without accents (ligatures and ‘’ kept apart from letters)."""
    if len(text) < 40:
        return _fold_word(text)
    if text.isascii():
        return text.casefold()  # NFKD leaves ASCII alone and it has no combining marks
    return _fold_text(text)


@functools.lru_cache(maxsize=8)
def _fold_text(text: str) -> str:
    # A body is folded for its exact hash and shingles, and again for its numbers.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if decomposed.isascii():
        return decomposed
    # The same as dropping each combining character one by one, at C speed: the table
    # learns each distinct character once.
    return decomposed.translate(_NO_MARKS)


class _MarkTable(dict):
    """A str.translate table: combining characters map to None, others to themselves."""

    def __missing__(self, codepoint: int):
        value = None if unicodedata.combining(chr(codepoint)) else codepoint
        if len(self) < 65536:
            self[codepoint] = value
        return value


_NO_MARKS = _MarkTable()


@functools.lru_cache(maxsize=65536)
def _fold_word(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def content_hash(title: str, text: str) -> str:
    """Hash of the normalised body; the title stands in when there is no body."""
    basis = normalise_text(text) or "title:" + normalise_text(title)
    return hashlib.blake2b(basis.encode("utf-8"), digest_size=16).hexdigest()


# --- layer 3: MinHash signatures and LSH bands ------------------------------------

#: Bins of the one-permutation MinHash: one hash per shingle, so the cost is linear in the text.
SIGNATURE_BINS = 64
#: LSH: BANDS bands of ROWS bins. Two texts of resemblance J share a band with
#: probability 1-(1-J^4)^16: 0.64 at J=0.5, 0.98 at J=0.7, 0.03 at J=0.2.
BANDS, ROWS = 16, 4
#: Words per shingle.
SHINGLE_WORDS = 4
#: Fewer shingles than this and the text is too short to call a near copy.
MIN_SHINGLES = 12
#: Estimated resemblance from which a text is a near copy of another.
NEAR_COPY_RESEMBLANCE = 0.5
#: An excerpt (a feed's first paragraphs, a shortened syndication) is a copy when
#: this share of its shingles is in the longer text, at a lower resemblance.
NEAR_COPY_CONTAINMENT, MIN_CONTAINED_RESEMBLANCE = 0.85, 0.25
_BIN_MASK = SIGNATURE_BINS - 1
_EMPTY = (1 << 64) - 1


def _h64(data: str) -> int:
    return int.from_bytes(hashlib.blake2b(data.encode("utf-8"), digest_size=8).digest(), "big")


def shingle_hashes(text: str) -> set[int]:
    """64-bit hashes of the word 4-grams of the normalised text."""
    return _shingle_hashes_of(normalise_text(text))


def _shingle_hashes_of(normalised: str) -> set[int]:
    words = normalised.split()
    if len(words) < SHINGLE_WORDS:
        return {_h64(" ".join(words))} if words else set()
    # A normalised text is its words joined by single spaces (normalise_text turns every
    # run of other characters into one space and strips the ends), so the UTF-8 bytes of
    # a shingle are a slice of the text's bytes: no join or encode per shingle. The
    # 8-byte digests, read as big-endian integers, become ints in one C call.
    data = normalised.encode("utf-8")
    if len(data) == len(normalised):
        lengths = list(map(len, words))
    else:
        lengths = [len(word.encode("utf-8")) for word in words]
    offsets = list(itertools.accumulate(map((1).__add__, lengths), initial=0))
    blake2b = hashlib.blake2b
    digests = b"".join([
        blake2b(data[start : end - 1], digest_size=8).digest()
        for start, end in zip(offsets, offsets[SHINGLE_WORDS:])
    ])
    if not _NATIVE_64:
        return {int.from_bytes(digests[i : i + 8], "big") for i in range(0, len(digests), 8)}
    values = array.array("Q", digests)
    if sys.byteorder == "little":
        values.byteswap()
    return set(values)


_NATIVE_64 = array.array("Q").itemsize == 8


def minhash(hashes: Iterable[int]) -> tuple[int, ...]:
    """One-permutation MinHash with rotation densification (Shrivastava and Li, 2014).

    Each shingle hash falls in one of SIGNATURE_BINS bins by its low bits and
    the bin keeps the smallest of the remaining bits; an empty bin borrows the
    next non-empty bin's value (shifted, so borrowed values stay distinct).
    """
    bins = [_EMPTY] * SIGNATURE_BINS
    for h in hashes:
        b = h & _BIN_MASK
        v = h >> 6
        if v < bins[b]:
            bins[b] = v
    if all(v == _EMPTY for v in bins):
        return tuple(bins)
    out = list(bins)
    for i, v in enumerate(bins):
        if v == _EMPTY:
            step = 1
            while bins[(i + step) & _BIN_MASK] == _EMPTY:
                step += 1
            out[i] = (bins[(i + step) & _BIN_MASK] + step * (1 << 58)) & ((1 << 64) - 1)
    return tuple(out)


def resemblance(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard resemblance of two signatures."""
    if not a or not b:
        return 0.0
    return sum(1 for x, y in zip(a, b) if x == y) / len(a)


def band_keys(signature: Sequence[int]) -> tuple[int, ...]:
    """One signed 64-bit key per band (SQLite's INTEGER), the band number mixed in."""
    keys = []
    for band in range(BANDS):
        rows = signature[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(repr((band, tuple(rows))).encode(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return tuple(keys)


def pack_signature(signature: Sequence[int]) -> bytes:
    return b"".join(v.to_bytes(8, "big") for v in signature)


def unpack_signature(blob: bytes | None) -> tuple[int, ...]:
    if not blob:
        return ()
    return tuple(int.from_bytes(blob[i : i + 8], "big") for i in range(0, len(blob), 8))


def is_near_copy(a: Sequence[int], a_size: int, b: Sequence[int], b_size: int) -> tuple[bool, float]:
    """Whether two texts are copies of one another, from their signatures and shingle counts."""
    if min(a_size, b_size) < MIN_SHINGLES:
        return False, 0.0
    j = resemblance(a, b)
    if j >= NEAR_COPY_RESEMBLANCE:
        return True, j
    # |A∩B| = J(|A|+|B|)/(1+J); containment of the smaller text in the larger.
    shared = j * (a_size + b_size) / (1 + j)
    contained = shared / min(a_size, b_size)
    return (j >= MIN_CONTAINED_RESEMBLANCE and contained >= NEAR_COPY_CONTAINMENT), j


# --- layers 4 and 5: the story fingerprint -----------------------------------------

_STOP = frozenset(
    """
    a about above after again against all also an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers him his how i if in into is it its itself just more most no nor not now of off
    on once only or other our out over own same she should so some such than that the their them then there
    these they this those through to too under until up very was we were what when where which while who
    whom why will with would you your said says say told tell according new year years first last next
    week month months day days one two three four five six seven eight nine ten per cent percent million
    millions billion billions bn mln thousand including include includes plan plans company companies
    group firm firms its mr ms mrs inc corp co ltd plc llc sa sas ag nv se gmbh spa ceo cfo cto chief
    executive president chairman minister officer founder head director spokesperson spokesman spokeswoman
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    le la les l un une des du de d au aux et ou mais donc or ni car ce cet cette ces son sa ses leur leurs
    il elle ils elles on nous vous je tu qui que quoi dont dans par pour sur sous avec sans chez vers
    entre selon est sont etait etaient sera seront ont avait avaient aura auront ete etre avoir fait faire
    plus moins tres aussi ainsi deja encore apres avant depuis pendant lors comme si ne pas se s y n qu c j m t
    annee annees an ans mois jour jours semaine semaines premier premiere dernier derniere nouveau nouvelle
    nouveaux nouvelles milliard milliards millier milliers euros euro dollars dollar livres societe groupe
    entreprise entreprises directeur directrice general generale presidente pdg fondateur ministre
    lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai juin juillet aout
    septembre octobre novembre decembre afin notamment alors toutefois cependant deux trois quatre cinq
    """.split()
)

#: Country names and demonyms of either language, under one code.
_COUNTRY_WORDS = {
    "fr": "france french francais francaise francaises hexagone",
    "de": "germany german germans allemagne allemand allemande allemands allemandes",
    "gb": "britain british uk u.k royaume-uni britannique britanniques england angleterre anglais scotland ecosse",
    "us": "america american americans americain americaine americains etats-unis usa u.s",
    "es": "spain spanish espagne espagnol espagnole",
    "it": "italy italian italie italien italienne",
    "nl": "netherlands dutch pays-bas neerlandais neerlandaise holland hollande",
    "be": "belgium belgian belgique belge",
    "ch": "switzerland swiss suisse",
    "pl": "poland polish pologne polonais polonaise",
    "pt": "portugal portuguese portugais portugaise",
    "ie": "ireland irish irlande irlandais irlandaise",
    "se": "sweden swedish suede suedois suedoise",
    "no": "norway norwegian norvege norvegien norvegienne",
    "dk": "denmark danish danemark danois danoise",
    "fi": "finland finnish finlande finlandais finlandaise",
    "at": "austria austrian autriche autrichien autrichienne",
    "cz": "czech tcheque",
    "gr": "greece greek grece grec grecque",
    "ro": "romania romanian roumanie roumain roumaine",
    "jp": "japan japanese japon japonais japonaise",
    "cn": "china chinese chine chinois chinoise",
    "kr": "korea korean coree coreen coreenne",
    "tw": "taiwan taiwanese taiwanais taiwanaise",
    "in": "india indian inde indien indienne",
    "ca": "canada canadian canadien canadienne",
    "br": "brazil brazilian bresil bresilien bresilienne",
    "mx": "mexico mexican mexique mexicain mexicaine",
    "au": "australia australian australie australien australienne",
    "nz": "zealand nouvelle-zelande",
    "ma": "morocco moroccan maroc marocain marocaine",
    "dz": "algeria algerian algerie algerien algerienne",
    "tn": "tunisia tunisian tunisie tunisien tunisienne",
    "eg": "egypt egyptian egypte egyptien egyptienne",
    "sa": "saudi saoudite",
    "ae": "emirates emirati emirats",
    "il": "israel israeli israelien israelienne",
    "sg": "singapore singapour singaporean",
    "ru": "russia russian russie russe",
    "ua": "ukraine ukrainian ukrainien ukrainienne",
    "tr": "turkey turkish turquie turc turque",
    "za": "africa sud-africain sud-africaine",
    "ng": "nigeria nigerian nigerian",
    "vn": "vietnam vietnamese vietnamien vietnamienne",
    "id": "indonesia indonesian indonesie indonesien indonesienne",
}
_COUNTRY = {word: code for code, words in _COUNTRY_WORDS.items() for word in words.split()}
#: Cities and regions, "canonical name: country, other spellings": each is a name of
#: its own (e:<name>) and also counts for its country.
_CITIES = """
paris:fr lyon:fr marseille:fr toulouse:fr lille:fr bordeaux:fr nantes:fr mulhouse:fr strasbourg:fr nice:fr
grenoble:fr montpellier:fr rennes:fr dunkirk:fr,dunkerque havre:fr saclay:fr normandy:fr,normandie
brittany:fr,bretagne alsace:fr versailles:fr cherbourg:fr guiana:fr,guyane
berlin:de munich:de,munchen frankfurt:de,francfort hamburg:de,hambourg cologne:de,koln dresden:de,dresde
saxony:de,saxe bavaria:de,baviere stuttgart:de dusseldorf:de leipzig:de bonn:de julich:de
london:gb,londres manchester:gb edinburgh:gb,edimbourg bristol:gb cambridge:gb oxford:gb glasgow:gb
washington:us newyork:us california:us,californie texas:us sanfrancisco:us seattle:us boston:us
chicago:us arizona:us phoenix:us ohio:us detroit:us pittsburgh:us austin:us siliconvalley:us
sanjose:us,sanjosé atlanta:us miami:us
madrid:es barcelona:es,barcelone seville:es,sevilla zaragoza:es,saragosse malaga:es bilbao:es andalusia:es,andalousie
rome:it,roma milan:it,milano turin:it,torino naples:it,napoli bologna:it,bologne florence:it,firenze
genoa:it,genes venice:it,venise lombardy:it,lombardie
amsterdam:nl rotterdam:nl eindhoven:nl groningen:nl,groningue hague:nl
brussels:be,bruxelles antwerp:be,anvers ghent:be,gand
zurich:ch geneva:ch,geneve basel:ch,bale lausanne:ch
warsaw:pl,varsovie krakow:pl,cracovie lisbon:pt,lisbonne porto:pt sines:pt dublin:ie stockholm:se
gothenburg:se,goteborg oslo:no copenhagen:dk,copenhague helsinki:fi vienna:at,vienne prague:cz athens:gr,athenes
tokyo:jp osaka:jp beijing:cn,pekin shanghai:cn shenzhen:cn seoul:kr,seoul taipei:tw
bangalore:in,bengaluru mumbai:in,bombay delhi:in,newdelhi gujarat:in toronto:ca montreal:ca vancouver:ca
quebec:ca saopaulo:br casablanca:ma rabat:ma riyadh:sa,riyad dubai:ae abudhabi:ae telaviv:il,tel-aviv
moscow:ru,moscou kyiv:ua,kiev istanbul:tr sydney:au melbourne:au cairo:eg,lecaire algiers:dz,alger
"""
_CITY: dict[str, tuple[str, str]] = {}
for _entry in _CITIES.split():
    _name_part, _rest = _entry.split(":")
    _code, *_others = _rest.split(",")
    for _spelling in (_name_part, *_others):
        _CITY[_spelling] = (_name_part, _code)
_CITY_NAMES = frozenset(city for city, _code in _CITY.values())
#: Capitalised words that name no one in particular: parts of company names
#: ("Capital", "Holdings"), institutions, regions. They count as keys, but not as
#: the actors who tell one story from another.
_GENERIC_NAMES = frozenset(
    """
    ai ia gw mw ipo q1 q2 q3 q4 ceo bank banque central centrale european europe europeenne asia asian asie
    africa african afrique americas global international national nationale federal federale agency agence
    network series serie shares group groupe holdings holding capital partners ventures venture software
    systems technologies technology tech labs lab bio pharma energy energie motors mobility cloud government
    gouvernement ministry ministere department commission union state etat etats university universite
    institute institut north south east west nord sud est ouest midwest reports air data digital media
    services service solutions industries industrie inc corp company compagnie fund fonds equity investments
    renewables power electric semiconductor semiconductors telecom telecoms airlines airline insurance
    reuters afp bloomberg ap dpa ansa efe agence press associated
    """.split()
)
#: What a headline is about, by its words (folded, five-letter stems): two headlines about
#: different kinds of event (quarterly results and a takeover) are different stories.
_EVENT_KINDS = {
    "results": "revenue revenues profit profits earnings quarter quarterly results sales forecast outlook "
               "chiffre benefice benefices resultat resultats trimestre trimestriel previsions",
    "deal": "acquire acquires acquisition buy buys buyout takeover merger merge stake invest invests investment "
            "funding round rachat rachete racheter acquiert fusion fusionnent investir investit "
            "investissement leve levee",
    "jobs": "layoffs redundancies licenciements suppressions",
    "fine": "fine fined fines penalty amende amendes sanction",
    "recall": "recall recalls recalled rappel rappelle",
}
_EVENT_STEMS = {stem[:5]: kind for kind, words in _EVENT_KINDS.items() for stem in words.split()}
#: Names of two words or more written as one, before tokenising (case-insensitive).
_PHRASES = [
    (re.compile(p, re.IGNORECASE), r)
    for p, r in (
        (r"\bunited states\b|\bu\.s\.(?=\W)", "USA"), (r"\bunited kingdom\b", "UK"),
        (r"\b(?:european union|union europ[ée]enne|european commission|commission europ[ée]enne)\b", "EU"),
        (r"\bnew york\b", "NewYork"), (r"\bsan francisco\b", "SanFrancisco"), (r"\bsilicon valley\b", "SiliconValley"),
        (r"\bsan jos[ée]\b", "SanJose"), (r"\bnew delhi\b", "NewDelhi"), (r"\bs[ãa]o paulo\b", "SaoPaulo"),
        (r"\babu dhabi\b", "AbuDhabi"), (r"\ble havre\b", "Havre"), (r"\bla haye\b|\bthe hague\b", "Hague"),
        (r"\btel aviv\b", "TelAviv"), (r"\ble caire\b", "Cairo"), (r"\bsouth africa\b|\bafrique du sud\b", "Africa"),
        (r"\bnew zealand\b", "Zealand"), (r"\barabie saoudite\b|\bsaudi arabia\b", "Saudi"),
        (r"\b[ée]tats-unis\b", "USA"), (r"\broyaume-uni\b", "UK"),
    )
]
#: The same acronym in both languages (AI/IA, EU/UE...).
_ALIASES = {"ia": "ai", "ue": "eu", "bce": "ecb", "onu": "un", "otan": "nato", "fmi": "imf"}
#: Suffixes that glue a name to a common word: "Stockholm-based", "Mulhouse-area".
_NAME_SUFFIX = re.compile(r"-(?:based|area|born|headquartered|owned|backed|listed|led)$")

_MONTHS = {
    **{m: i for i, m in enumerate("january february march april may june july august september october november december".split(), 1)},
    **{m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)},
    **{m: i for i, m in enumerate("janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split(), 1)},
    "sept": 9,
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
#: The lookaheads only say what the first character of a match must be (every month name
#: starts with one of these letters); they let the scan skip most positions cheaply.
_DATE_RE = re.compile(
    rf"(?=[adfjmnos\d])"
    rf"\b(?:(?P<m1>{_MONTH_RE})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b|(?P<d2>\d{{1,2}})(?:er)?\s+(?P<m2>{_MONTH_RE})\b)"
)
_NUMBER_RE = re.compile(
    r"(?=\d)(?<![\w.,])(?P<num>\d{1,3}(?:[ \u00a0\u202f,.’']\d{3})+(?![\d])|\d+(?:[.,]\d+)?)"
    r"(?:\s*(?P<pct>%|per\s?cent|pour\s?cent)|\s*(?P<short>m|k|bn|mln)\b|\s+(?P<scale>millions?|milliards?|billions?|thousand|mille)\b)?"
)
_WORD_SCALE = re.compile(r"(?=[aou])\b(?:one|a|un|une)\s+(?P<scale>million|milliard|billion)\b")
_SCALES = {"million": 10**6, "millions": 10**6, "mln": 10**6, "m": 10**6, "milliard": 10**9, "milliards": 10**9,
           "billion": 10**9, "billions": 10**9, "bn": 10**9, "thousand": 10**3, "mille": 10**3, "k": 10**3}
_WORD_RE = re.compile(r"[^\W\d_][\w'’&.-]*[^\W_]|[^\W\d_]", re.UNICODE)
#: Punctuation followed by spaces (not after an initial or "U.S"), or newlines. Written to start
#: with one character class, and with the lookbehinds after the punctuation (reaching one character
#: further back), so the scan looks for that character first instead of trying the lookbehinds
#: at every position: the same matches as `(?<!\b[A-Z])(?<!\bU\.S)[.!?…;]\s+|\n+`, 3x faster.
_SENTENCE_END = re.compile(r"[.!?…;\n](?:(?<=[.!?…;])(?<!\b[A-Z].)(?<!\bU\.S.)\s+|(?<=\n)\n*)")
#: "PARIS, May 13 (Meridian) -": a dateline says where the desk is, not where the story is.
_DATELINE = re.compile(
    r"^\s*(?:[A-ZÀ-Ý][A-ZÀ-Ý .'’-]{1,40})?(?:,?\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^)\n]{1,40}\))?\s*[-–—]+\s+"
)
_ELISION = re.compile(r"^(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
#: Words of a lead: the title plus this many words of the body.
LEAD_WORDS = 60

#: Weights of the kinds of keys, by prefix: how much sharing one says about sameness.
KEY_WEIGHTS = {"m": 3.0, "a": 3.0, "n": 2.0, "p": 1.5, "e": 1.0, "d": 1.0, "y": 0.5, "c": 0.5, "s": 0.25}
#: Keys worth indexing to find candidates (years, countries, small numbers are too common).
INDEXED_KINDS = frozenset({"m", "a", "n", "p", "e"})
#: Indexed keys per article, at most (the lead's come first).
MAX_INDEXED_KEYS = 40


@dataclass(frozen=True)
class StoryFeatures:
    """What layers 4-6 compare: the language-independent fingerprint of one article."""

    lang: str | None
    #: Prefix stems of the title and lead's content words (same-language lexical overlap).
    lead_terms: frozenset[str]
    #: Keys of the title and first sentence: the headline ("e:microsoft", "m:EUR:4e+09", "n:25000").
    head_keys: frozenset[str]
    #: Keys of the title and lead (head_keys included).
    core_keys: frozenset[str]
    #: Keys of the whole article (core_keys included).
    keys: frozenset[str]
    #: Amounts in the headline, as (currency, amount); and in the whole text.
    head_money: tuple[tuple[str, float], ...] = ()
    money: tuple[tuple[str, float], ...] = ()
    #: The country the title and lead are mostly about (code), or None when unclear.
    country: str | None = None
    #: The investment fields: (investor name words, currency, amount, country or place, kind,
    #: recipient name words).
    announcements: tuple[tuple, ...] = ()
    #: Countries named in the headline.
    head_countries: frozenset[str] = frozenset()
    #: Kinds of event the headline speaks of ("results", "deal", "jobs", "fine", "recall").
    kinds: frozenset[str] = frozenset()
    #: Names the article mentions at least twice: who it is about.
    strong: frozenset[str] = frozenset()

    def to_json(self) -> dict:
        return {
            "lang": self.lang,
            "lead": sorted(self.lead_terms),
            "head": sorted(self.head_keys),
            "core": sorted(self.core_keys - self.head_keys),
            "keys": sorted(self.keys - self.core_keys),
            "head_money": [list(m) for m in self.head_money],
            "money": [list(m) for m in self.money],
            "country": self.country,
            "ann": [[sorted(a[0]), a[1], a[2], a[3], a[4], sorted(a[5])] for a in self.announcements],
            "head_countries": sorted(self.head_countries),
            "kinds": sorted(self.kinds),
            "strong": sorted(self.strong),
        }

    @classmethod
    def from_json(cls, data: dict) -> "StoryFeatures":
        head = frozenset(data.get("head", ()))
        core = head | frozenset(data.get("core", ()))
        return cls(
            lang=data.get("lang"),
            lead_terms=frozenset(data.get("lead", ())),
            head_keys=head,
            core_keys=core,
            keys=core | frozenset(data.get("keys", ())),
            head_money=tuple((c, float(a)) for c, a in data.get("head_money", ())),
            money=tuple((c, float(a)) for c, a in data.get("money", ())),
            country=data.get("country"),
            announcements=tuple(
                (frozenset(a[0]), a[1], a[2], a[3], a[4], frozenset(a[5] if len(a) > 5 else ()))
                for a in data.get("ann", ())
            ),
            head_countries=frozenset(data.get("head_countries", ())),
            kinds=frozenset(data.get("kinds", ())),
            strong=frozenset(data.get("strong", ())),
        )

    @functools.cached_property
    def derived(self) -> tuple[float, frozenset[str], frozenset[str], frozenset[str]]:
        """story_similarity's view of this article alone, computed once (a stored article is
        compared with many new ones). Not a field: equality and to_json ignore it."""
        return _derive(self)

    def index_keys(self) -> list[str]:
        """The keys the store indexes to find this article's story later: the lead's first,
        amounts and numbers before names."""
        return list(self._index_keys)

    @functools.cached_property
    def _index_keys(self) -> tuple[str, ...]:
        # Read twice per article: to look its story up, then to store its keys.
        def rank(key: str) -> tuple[float, str]:
            return (-KEY_WEIGHTS.get(key[0], 1.0), key)

        ordered = sorted((k for k in self.core_keys if k[0] in INDEXED_KINDS), key=rank)
        ordered += sorted((k for k in self.keys - self.core_keys if k[0] in INDEXED_KINDS), key=rank)
        return tuple(ordered[:MAX_INDEXED_KEYS])


@dataclass(frozen=True)
class Fingerprint:
    """Everything dedup computes about one article, for the store to keep and look up."""

    content_hash: str
    signature: tuple[int, ...]
    #: Distinct shingles in the text (to estimate containment).
    shingles: int
    band_keys: tuple[int, ...]
    features: StoryFeatures


def fingerprint(article: Article, announcements: Sequence[Announcement] = ()) -> Fingerprint:
    """The fingerprints of every layer for one article (its announcements from invest)."""
    body = article.text or ""
    # The body is normalised once for both the exact hash and the shingles.
    normalised_body = normalise_text(body)
    hashes = _shingle_hashes_of(normalised_body if body else normalise_text(article.title))
    signature = minhash(hashes) if len(hashes) >= MIN_SHINGLES else ()
    basis = normalised_body or "title:" + normalise_text(article.title)
    return Fingerprint(
        content_hash=hashlib.blake2b(basis.encode("utf-8"), digest_size=16).hexdigest(),
        signature=signature,
        shingles=len(hashes),
        band_keys=band_keys(signature) if signature else (),
        features=story_features(article.title, body, article.lang, announcements),
    )


def _stem(word: str) -> str:
    # A five-letter prefix is a crude stemmer that also meets cognates halfway:
    # invest/investit, infrastructure(s), intelligence, artificial/artificielle.
    return word[:5]


def _without_dateline(text: str) -> str:
    return _DATELINE.sub("", text.lstrip(), count=1)


#: Clauses that recall an earlier event: "a day after raising $75 million", "which
#: raised €120m this week", "au lendemain de sa levée de fonds". A follow-up names
#: the earlier story's figures there; they are background, not its headline.
_BACKGROUND = re.compile(
    r"(?:,[ \t]*|[ \t]+|^)(?:(?:a|one|two|three|four|five|several|\d+)\s+(?:days?|weeks?|months?)\s+after|just\s+after|"
    r"shortly\s+after|after\s+(?:raising|announcing|agreeing|unveiling|securing|winning|reporting|placing)|"
    r"(?:which|that|who)\s+(?:has\s+|had\s+|recently\s+|just\s+)?(?:raised|announced|agreed|unveiled|secured|won|"
    r"pledged|committed|reported|placed|bought|acquired)|"
    r"au\s+lendemain\s+d|(?:deux|trois|quelques)\s+jours\s+apr[eè]s|apr[eè]s\s+avoir|"
    r"qui\s+(?:vient\s+de|venait\s+de|a\s+lev[ée]|avait\s+lev[ée]|a\s+annonc[ée])"
    r")(?:[^.;:!?,\n]|[.,](?=\d))*",
    re.IGNORECASE | re.MULTILINE,
)


def _foreground(text: str) -> str:
    return _BACKGROUND.sub(" ", text)


def lead_of(title: str, text: str) -> str:
    """The title, a newline, then the first LEAD_WORDS words of the body (dateline dropped)."""
    # maxsplit: the first LEAD_WORDS words are the same, without splitting the rest of the body.
    return title + "\n" + " ".join(_without_dateline(text).split(None, LEAD_WORDS)[:LEAD_WORDS])


def head_of(title: str, text: str) -> str:
    """The title, a newline, then the body's first sentence (dateline dropped)."""
    body = _without_dateline(text)
    m = _SENTENCE_END.search(body)
    return title + "\n" + (body[: m.start()] if m else body[:400])


def lead_terms(title: str, text: str) -> frozenset[str]:
    return _lead_terms_of(lead_of(title, text))


def _lead_terms_of(lead: str) -> frozenset[str]:
    return _terms_of(normalise_text(lead).split())


def _terms_of(words: Iterable[str]) -> frozenset[str]:
    terms = set()
    for word in words:
        if len(word) >= 3 and not word.isdigit() and word not in _STOP and word not in _COUNTRY:
            terms.add(_stem(word))
    return frozenset(terms)


def _parse_number(raw: str) -> float | None:
    raw = raw.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    if re.fullmatch(r"\d{1,3}(?:[ ,.']\d{3})+", raw):
        return float(re.sub(r"[ ,.']", "", raw))
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return None


def _num_key(value: float) -> str:
    return f"{float(f'{value:.3g}'):g}"


def _money_key(currency: str, amount: float) -> str:
    # Two significant digits, so 1.84bn and 1.8bn (the same fine, rounded) meet.
    return f"m:{currency}:{float(f'{amount:.2g}'):g}"


def _numbers(text: str, lang: str | None) -> tuple[set[str], list[tuple[str, float]]]:
    """Keys of the amounts, numbers, percentages and dates in text, and the amounts."""
    keys: set[str] = set()
    money = []
    spans = []
    for found in find_money(text, lang):
        if found.currency and found.amount:
            amount = float(found.amount)
            money.append((found.currency, amount))
            keys.add(_money_key(found.currency, amount))
        spans.append((found.start, found.end))
    if spans:  # most texts name no amount: no list of characters to blank them in
        blanked = list(text)
        for start, end in spans:
            blanked[start:end] = " " * (end - start)
        text = "".join(blanked)
    folded = fold(text)
    # One scan for the dates: the same matches as _DATE_RE.sub(" ", folded) would replace.
    pieces, done = [], 0
    for m in _DATE_RE.finditer(folded):
        month = _MONTHS.get(m.group("m1") or m.group("m2"))
        day = int(m.group("d1") or m.group("d2"))
        if month and 1 <= day <= 31:
            keys.add(f"d:{month:02d}-{day:02d}")
        pieces += (folded[done : m.start()], " ")
        done = m.end()
    if pieces:
        pieces.append(folded[done:])
        folded = "".join(pieces)
    # Every scale word (million, milliard, billion) holds "illi": most texts need no scan.
    for m in _WORD_SCALE.finditer(folded) if "illi" in folded else ():
        keys.add("n:" + _num_key(_SCALES[m.group("scale")]))
    for m in _NUMBER_RE.finditer(folded):
        value = _parse_number(m.group("num"))
        if value is None:
            continue
        if m.group("pct"):
            keys.add("p:" + _num_key(value))
            continue
        scale = m.group("scale") or m.group("short")
        if scale:
            keys.add("n:" + _num_key(value * _SCALES[scale]))
            continue
        if value.is_integer() and 1900 <= value <= 2100 and re.fullmatch(r"\d{4}", m.group("num")):
            keys.add(f"y:{int(value)}")
        elif value >= 10:
            keys.add("n:" + _num_key(value))
        else:
            keys.add("s:" + _num_key(value))
    return keys, money


_OPENING = re.compile(r"[«\"“(:]\s*")


def _sentence_starts(text: str) -> set[int]:
    starts = {0}
    for m in _SENTENCE_END.finditer(text):
        starts.add(m.end())
    for m in _OPENING.finditer(text):
        starts.add(m.end())
    return starts


def _tally(text: str, all_at_start: bool = False) -> tuple[Counter, Counter]:
    """Each word of text with its mentions, and its mentions at the start of a sentence.

    Counted at C speed: a word starts a sentence when it starts at one of
    _sentence_starts, and no word can straddle such an offset (the character
    before it is a space, a quote, a bracket or a colon, never part of a word),
    so matching the word pattern there finds exactly the words that scanning
    the whole text would find there.
    """
    words = Counter(_WORD_RE.findall(text))
    if all_at_start:
        return words, words
    match = _WORD_RE.match
    at_start: Counter = Counter()
    for start in _sentence_starts(text):
        m = match(text, start)
        if m is not None:
            at_start[m.group()] += 1
    return words, at_start


@functools.lru_cache(maxsize=64)
def _title_tally(title: str) -> tuple[Counter, Counter]:
    # story_features reads the same title's mentions four times (never changing them).
    title = _glue_phrases(title)
    title_words = _WORD_RE.findall(title)
    capitalised = sum(1 for w in title_words if w[0].isupper())
    title_case = len(title_words) > 3 and capitalised >= 0.6 * len(title_words)
    return _tally(title, all_at_start=title_case)


def _name_word(raw: str) -> str:
    word = _ELISION.sub("", raw)
    word = re.sub(r"['’]s$", "", word).strip(".-'’")
    return _NAME_SUFFIX.sub("", word)


#: Every phrase starts at a word boundary with one of these letters (case aside): checking it
#: first lets the scan skip most positions without trying each alternative (3x faster).
_PHRASE_FIRST = "[uenslatcré]"
_PHRASE_RE = re.compile(
    rf"\b(?={_PHRASE_FIRST})(?:"
    + "|".join(f"(?P<p{i}>{pattern.pattern})" for i, (pattern, _r) in enumerate(_PHRASES))
    + ")",
    re.IGNORECASE,
)


#: A literal part of every alternative of _PHRASE_RE: a text whose lower case holds none of
#: them cannot match, and a search for them is a hundred times cheaper than the pattern.
_PHRASE_ANCHORS = (
    "united", "u.s.", "europ", "york", "francisco", "silicon", "san jos", "delhi", "paulo", "dhabi", "havre",
    "haye", "hague", "aviv", "caire", "africa", "afrique", "zealand", "saoudite", "saudi", "tats-unis",
    "royaume-uni",
)
#: Letters that IGNORECASE matches to an ASCII letter where str.lower() does not (ı, ſ, İ).
_ODD_CASE = frozenset("\u0131\u017f\u0130")


def _glue_phrases(text: str) -> str:
    if text.isascii() or not any(map(text.__contains__, _ODD_CASE)):  # three searches, not a set of the text
        low = text.lower()
        if not any(map(low.__contains__, _PHRASE_ANCHORS)):
            return text
    return _PHRASE_RE.sub(lambda m: _PHRASES[int(m.lastgroup[1:])][1], text)


@dataclass
class _Mentions:
    names: set[str] = field(default_factory=set)
    #: Country code -> mentions (cities count for their country).
    countries: Counter = field(default_factory=Counter)
    #: Capitalised word -> mentions.
    counts: Counter = field(default_factory=Counter)


def _mentions(text: str, title: str = "") -> _Mentions:
    """Names and countries mentioned in a title and text, language-independent.

    A capitalised word (or a camel-case brand) counts as a name inside a
    sentence; at the start of a sentence, or in a Title Case headline, only if
    the text also capitalises it inside a sentence. Country names and
    demonyms of either language map to one code (French writes demonyms in
    lower case, so case does not matter for them); cities are names of their
    own and count for their country.
    """
    found = _Mentions()
    inner: set[str] = set()
    initial: set[str] = set()
    starts_count: Counter = Counter()
    shaped: set[str] = set()
    # Each distinct word once, with how often it stands inside and at the start of a sentence;
    # most words are known to name nothing, and a set difference skips them at C speed.
    for words, at_start in (_tally(_glue_phrases(text)), _title_tally(title)):
        for raw_word in words.keys() - _NAMES_NOTHING:
            kind, key, extra = _word_kind(raw_word)
            if kind is None:
                if len(_NAMES_NOTHING) < 200_000:
                    _NAMES_NOTHING.add(raw_word)
                continue
            mentions = words[raw_word]
            if kind == "country":
                found.countries[key] += mentions
                continue
            if kind == "city":
                found.countries[extra] += mentions
                found.names.add(key)
                continue
            starting = at_start.get(raw_word, 0)
            if starting:
                initial.add(key)
                starts_count[key] += starting
            if mentions > starting:
                inner.add(key)
            found.counts[key] += mentions
            if extra:
                shaped.add(key)  # an acronym or a camel-case brand: a name wherever it stands
    found.names |= inner
    # A sentence-initial word seen nowhere else inside a sentence is a name if it
    # does not look like a word (an acronym, a camel-case brand), or if it opens
    # two sentences (a brief that starts the title and the text with its subject).
    found.names |= {k for k in initial - inner if (len(k) >= 4 and starts_count[k] >= 2) or k in shaped}
    return found


#: Words whose _word_kind is (None, None, None), learnt as they come.
_NAMES_NOTHING: set[str] = set()


@functools.lru_cache(maxsize=65536)
def _word_kind(raw_word: str) -> tuple[str | None, str | None, str | bool | None]:
    """What one word is, whatever its place: (None, ...) nothing; ("country", code, None);
    ("city", city, code); ("name", key, is an acronym or camel-case brand). The same words
    come back in every article, so the answer is cached."""
    raw = _name_word(raw_word)
    if not raw:
        return None, None, None
    key = fold(raw)
    if raw in ("US", "UK", "EU", "UE", "USA"):
        key = {"us": "usa", "ue": "eu"}.get(key, key)
        return "country", _COUNTRY.get(key, "eu"), None
    if key in _COUNTRY:
        return "country", _COUNTRY[key], None
    if key in _CITY and (raw[0].isupper() or key in ("newyork", "sanfrancisco")):
        city, code = _CITY[key]
        return "city", city, code
    if not (raw[0].isupper() or any(c.isupper() for c in raw[1:])):
        return None, None, None
    if key in _STOP or len(key) < 2 or key.isdigit():
        return None, None, None
    key = _ALIASES.get(key, key)
    return "name", key, len(raw) > 1 and (raw.isupper() or any(c.isupper() for c in raw[1:]))


def _keys_of(m: _Mentions) -> set[str]:
    return {"e:" + n for n in m.names} | {"c:" + c for c in m.countries}


def _dominant_country(title: str, lead_mentions: _Mentions) -> str | None:
    """The country a title and lead are mostly about (the title's mentions count twice)."""
    counts = lead_mentions.countries + _mentions("", title).countries
    counts.pop("eu", None)
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2:
        return None
    if len(ranked) > 1 and ranked[1][1] * 1.5 > ranked[0][1]:
        return None
    return ranked[0][0]


def _investor_words(name: str | None) -> frozenset[str]:
    if not name:
        return frozenset()
    words = normalise_text(name).split()
    # The detector sometimes takes a dateline or a place for the investor.
    return frozenset(
        w for w in words
        if len(w) > 1 and w not in _STOP and w not in _COUNTRY and w not in _CITY and w not in _GENERIC_NAMES
    )


def _place(location: str | None) -> str | None:
    if not location:
        return None
    words = normalise_text(_glue_phrases(location)).split()
    for word in words:
        if word in _COUNTRY:
            return _COUNTRY[word]
        if word in _CITY:
            return _CITY[word][1]
    return " ".join(words) or None


#: "... - Reuters", "... | Le Monde": a site's name after the headline.
_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,40}$")


def clean_title(title: str) -> str:
    """The headline without a trailing site name, when what remains is still a headline."""
    stripped = _TITLE_SUFFIX.sub("", title.strip())
    return stripped if len(stripped.split()) >= 4 and len(stripped.split()) > len(title.split()) - 5 else title


def story_features(
    title: str, text: str, lang: str | None = None, announcements: Sequence[Announcement] = ()
) -> StoryFeatures:
    """The language-independent fingerprint of an article (layers 4-5)."""
    title = clean_title(title)
    raw_lead = lead_of(title, text)
    lead = _foreground(raw_lead)
    lead_body = lead.partition("\n")[2]
    head = _foreground(head_of(title, text))
    head_body = head.partition("\n")[2]
    head_numbers, head_money = _numbers(head, lang)
    core_numbers, _ = _numbers(lead, lang)
    body_numbers, money = _numbers(text, lang)
    everywhere = _mentions(text, title)
    # A name the body capitalises inside a sentence counts in the lead and
    # headline too, even where it starts a sentence there.
    glued_lead, glued_head = _glue_phrases(lead), _glue_phrases(head)
    lead_normalised = normalise_text(glued_lead).split()
    head_normalised = normalise_text(glued_head).split()
    lead_words = set(lead_normalised)
    head_words = set(head_normalised)
    lead_mentions = _mentions(lead_body, title)
    head_mentions = _mentions(head_body, title)
    core_names = _keys_of(lead_mentions) | {"e:" + n for n in everywhere.names if n in lead_words}
    head_names = _keys_of(head_mentions) | {"e:" + n for n in everywhere.names if n in head_words}
    anns = tuple(
        (
            _investor_words(found.investor),
            found.currency,
            float(found.amount) if found.amount is not None else None,
            _place(found.location),
            found.kind,
            _investor_words(found.recipient),
        )
        for found in announcements
    )
    head_keys = frozenset(head_numbers | head_names)
    core = frozenset(head_keys | core_numbers | core_names)
    keys = frozenset(core | body_numbers | _keys_of(everywhere) | set(_announcement_keys(anns)))
    return StoryFeatures(
        lang=lang,
        # Most leads have no background clause and no phrase to glue: normalised once.
        lead_terms=_terms_of(lead_normalised) if glued_lead == raw_lead else _lead_terms_of(raw_lead),
        head_keys=head_keys,
        core_keys=core,
        keys=keys,
        head_money=tuple(head_money),
        money=tuple(money),
        country=_dominant_country(title, lead_mentions),
        announcements=anns,
        head_countries=frozenset(c for c in head_mentions.countries if c != "eu"),
        kinds=_kinds_of(head_normalised) if glued_head == head else _event_kinds(head),
        strong=frozenset("e:" + n for n, c in everywhere.counts.items() if c >= 2 and n in everywhere.names),
    )


def _event_kinds(head: str) -> frozenset[str]:
    return _kinds_of(normalise_text(head).split())


def _kinds_of(words: Iterable[str]) -> frozenset[str]:
    return frozenset(_EVENT_STEMS[word[:5]] for word in words if len(word) >= 3 and word[:5] in _EVENT_STEMS)


def _announcement_keys(anns) -> list[str]:
    keys = []
    for investor, currency, amount, *_rest in anns:
        if investor and currency and amount:
            for word in sorted(investor):
                keys.append(f"a:{word}:{_money_key(currency, amount)[2:]}")
    return keys


# --- comparing two fingerprints -----------------------------------------------------

#: Rough rates to a common unit: only to tell "€4bn ($4.3bn)" from a different amount.
_TO_USD = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "CHF": 1.12, "JPY": 0.0066, "CNY": 0.14, "CAD": 0.73,
           "AUD": 0.66, "INR": 0.012, "SEK": 0.095, "NOK": 0.094, "DKK": 0.145, "PLN": 0.25, "KRW": 0.00073,
           "HKD": 0.128, "SGD": 0.74, "BRL": 0.19, "AED": 0.27, "SAR": 0.27}


def same_amount(a: tuple[str, float], b: tuple[str, float], tolerance: float = 0.03) -> bool:
    """The same amount in the same currency (rounding allowed)."""
    return a[0] == b[0] and abs(a[1] - b[1]) <= tolerance * max(a[1], b[1])


def close_amount(a: tuple[str, float], b: tuple[str, float]) -> bool:
    """Possibly the same amount, converted at a rough rate (for vetoes only, never as evidence)."""
    if a[0] == b[0]:
        return same_amount(a, b)
    ra, rb = _TO_USD.get(a[0]), _TO_USD.get(b[0])
    if ra is None or rb is None:
        return True  # unknown currency: cannot tell, so do not veto
    x, y = a[1] * ra, b[1] * rb
    return abs(x - y) <= 0.2 * max(x, y)


def _weight(key: str) -> float:
    return KEY_WEIGHTS.get(key[0], 1.0)


class _KeyTable(dict):
    """key -> what `compute` says of it, learnt once per key (up to 65,536 keys, then computed each time)."""

    def __init__(self, compute) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: str):
        value = self.compute(key)
        if len(self) < 65536:
            self[key] = value
        return value


#: The weights are multiples of 1/4, so their sums are exact whatever the order of the keys.
_KEY_WEIGHT = _KeyTable(_weight)


def _weigh(keys: Iterable[str]) -> float:
    if isinstance(keys, frozenset):
        return _weigh_set(keys)
    return sum(map(_KEY_WEIGHT.__getitem__, keys))


@functools.lru_cache(maxsize=8192)
def _weigh_set(keys: frozenset[str]) -> float:
    # A stored article's keys are weighed against every new article it is compared with;
    # a frozenset keeps its hash, so the lookup costs little.
    return sum(_weight(k) for k in keys)


@dataclass(frozen=True)
class Similarity:
    """How two articles compare, with the evidence; `same_story` is the verdict."""

    same_story: bool
    score: float
    why: str
    shared: tuple[str, ...] = field(default=())
    #: A near miss: the two are told apart (layer 6), whatever else they share.
    vetoed: bool = False


def _announcement_verdict(a: StoryFeatures, b: StoryFeatures) -> tuple[bool, str | None]:
    """(investment fields agree, why they conflict or None).

    They agree when some pair of announcements names the same investor with
    the same amount (and no other place). They conflict when none does and
    either the same investor comes with another amount or place, or the
    first announcements name two different investors for the same amount.
    """
    pa = [x for x in a.announcements if x[0]]
    pb = [x for x in b.announcements if x[0]]
    if not pa or not pb:
        return False, None
    agree, clash = False, None
    names_a = a.derived[2]
    names_b = b.derived[2]
    for inv_a, cur_a, amt_a, place_a, _kind_a, to_a in pa:
        for inv_b, cur_b, amt_b, place_b, _kind_b, to_b in pb:
            if not (inv_a & inv_b):
                continue
            both_amounts = bool(amt_a and amt_b and cur_a and cur_b)
            amounts_ok = not both_amounts or close_amount((cur_a, amt_a), (cur_b, amt_b))
            # Only two countries can be told apart for sure ("Austin" and "Texas" may be one
            # place), and only when each headline names its own and not the other's: the
            # detector sometimes takes the investor's home ("German supplier") for the place.
            places_ok = not (
                place_a and place_b and place_a != place_b and len(place_a) == 2 and len(place_b) == 2
                and place_a in a.head_countries and place_b in b.head_countries
                and place_a not in b.head_countries and place_b not in a.head_countries
                and place_a == a.country and place_b == b.country
            )
            # The same buyer and price, but another target named by neither article.
            targets_ok = not (to_a and to_b and not (to_a & to_b) and not (to_a & names_b) and not (to_b & names_a))
            if amounts_ok and places_ok and targets_ok:
                if both_amounts and same_amount((cur_a, amt_a), (cur_b, amt_b)):
                    agree = True
            elif clash is None:
                clash = ("same investor, other amount" if not amounts_ok
                         else "same investor, other place" if not places_ok else "same investor, other target")
    if agree:
        return True, None
    if clash:
        return False, clash
    # Two investors for the same amount, neither named by the other article (the
    # detector may swap buyer and target, but both articles then name both).
    ia, ib = pa[0], pb[0]
    if ia[1] and ib[1] and ia[2] and ib[2] and same_amount((ia[1], ia[2]), (ib[1], ib[2])) and not (ia[0] & ib[0]):
        if not (ia[0] & names_b) and not (ib[0] & names_a):
            return False, "same amount, other investor"
    return False, None


def _money_conflict(a: StoryFeatures, b: StoryFeatures) -> bool:
    """Both headlines carry amounts and none of either appears anywhere in the other."""
    if not a.head_money or not b.head_money:
        return False
    a_in_b = any(close_amount(x, y) for x in a.head_money for y in b.money)
    b_in_a = any(close_amount(y, x) for y in b.head_money for x in a.money)
    return not (a_in_b or b_in_a)


#: Thresholds of story_similarity (benchmarks/dedup.py shows how they score). Dice is
#: the weighted overlap of all keys (KEY_WEIGHTS); lexical the cosine of lead stems.
#: Shared names and a shared headline number: this much overlap and weight.
MIN_DICE = 0.25
MIN_SHARED_WEIGHT = 4.0
#: Three shared actors and nothing else: this much overlap.
MIN_DICE_NAMES_ONLY = 0.5
#: A name and any shared number, in two short articles that share nearly everything.
MIN_DICE_HIGH = 0.6
#: Names in both headlines that the other article never mentions (this many on one side at
#: least), from which the two are about other parties.
MIN_OTHER_ACTORS = 2
#: One language: lead words in common with a name and a number (or two actors), or more words.
MIN_LEXICAL = 0.35
MIN_LEXICAL_ALONE = 0.4


def _actors(keys: Iterable[str]) -> set[str]:
    """Name keys of who acts: not cities, not generic words."""
    return set(filter(_IS_ACTOR.__getitem__, keys))


_IS_ACTOR = _KeyTable(
    lambda k: k[0] == "e" and k[2:] not in _CITY_NAMES and k[2:] not in _GENERIC_NAMES and len(k) > 4
)


def _derive(features: StoryFeatures) -> tuple[float, frozenset[str], frozenset[str], frozenset[str]]:
    """What story_similarity reads of one article alone (StoryFeatures.derived keeps it): the
    weight of its keys, the countries of its lead, its names, and its headline's actors."""
    return (
        _weigh(features.keys),
        frozenset(k[2:] for k in features.core_keys if k[0] == "c"),
        frozenset(k[2:] for k in features.keys if k[0] == "e"),
        frozenset(_actors(features.head_keys & features.strong)),
    )


def story_similarity(a: StoryFeatures, b: StoryFeatures) -> Similarity:
    """Whether two articles tell the same story, and why (layers 4-6).

    Vetoes first (layer 6), then evidence. The evidence that counts across
    languages is what translation keeps: names, amounts, numbers; within one
    language the title and lead's words count too.
    """
    same_story, score, why, vetoed, shared = _judge(a, b)
    return Similarity(same_story, score, why, tuple(sorted(shared)), vetoed=vetoed)


def _judge(a: StoryFeatures, b: StoryFeatures) -> tuple[bool, float, str, bool, frozenset[str]]:
    """story_similarity's verdict, score, reason, veto and shared keys (decide needs no sorted list)."""
    weight_a, lead_countries_a, _names_a, head_actors_a = a.derived
    weight_b, lead_countries_b, _names_b, head_actors_b = b.derived
    shared = a.keys & b.keys
    weight_shared = sum(map(_KEY_WEIGHT.__getitem__, shared))
    dice = 2 * weight_shared / (weight_a + weight_b or 1.0)
    same_language = a.lang is None or b.lang is None or a.lang == b.lang
    lexical = 0.0
    if same_language and a.lead_terms and b.lead_terms:
        lexical = len(a.lead_terms & b.lead_terms) / math.sqrt(len(a.lead_terms) * len(b.lead_terms))
    score = round(max(dice, lexical), 3)
    agree, clash = _announcement_verdict(a, b)
    if clash:
        return False, score, clash, True, shared
    if _money_conflict(a, b):
        return False, score, "headline amounts differ", True, shared
    # Two articles about two countries, each never naming the other's in its lead
    # (an investor's home country is usually named by both).
    if a.country and b.country and a.country != b.country:
        if a.country not in lead_countries_b or b.country not in lead_countries_a:
            return False, score, "about different countries", True, shared
    if a.kinds and b.kinds and not (a.kinds & b.kinds):
        return False, score, "different kinds of event", True, shared
    other_a = head_actors_a - b.keys
    other_b = head_actors_b - a.keys
    # Unless the investment fields agree (same investor, amount and target): a page's
    # boilerplate or a wider headline ("Microsoft and Amazon...") names others too.
    if not agree and other_a and other_b and max(len(other_a), len(other_b)) >= MIN_OTHER_ACTORS:
        return False, score, "other parties in the headlines", True, shared
    core_shared = a.core_keys & b.core_keys
    core_names = {k for k in core_shared if k[0] == "e"}
    # Cities say where, not who: two stories about one city are common.
    core_actors = _actors(core_names)
    core_names = core_names - {k for k in core_names if k[2:] in _GENERIC_NAMES}
    same_country = bool(a.country and a.country == b.country)
    head_specifics = {k for k in a.head_keys & b.head_keys if k[0] in "mnp"}
    core_specifics = {k for k in core_shared if k[0] in "mnpd"}
    head_amount = any(same_amount(x, y) for x in a.head_money for y in b.head_money)
    if agree and any(k[0] == "e" for k in shared):
        return True, score, "same investment: investor and amount", False, shared
    if head_amount and (core_names or (same_country and len(core_specifics) >= 2)):
        return True, score, "same headline amount and names", False, shared
    # One outlet converted the amount ("$4.3 billion" for "4 milliards d'euros"): weaker, so more names.
    converted = any(x[0] != y[0] and close_amount(x, y) for x in a.head_money for y in b.head_money)
    if converted and len(core_actors) >= 2:
        return True, score, "same headline amount, converted, and names", False, shared
    if core_names and (head_specifics or len(core_specifics) >= 2) and dice >= MIN_DICE and weight_shared >= MIN_SHARED_WEIGHT:
        return True, score, f"same names and numbers (dice {dice:.2f})", False, shared
    if core_names and core_specifics and dice >= MIN_DICE_HIGH:
        return True, score, f"nearly the same names and numbers (dice {dice:.2f})", False, shared
    if len(core_actors) >= 3 and dice >= MIN_DICE_NAMES_ONLY:
        return True, score, f"same names (dice {dice:.2f})", False, shared
    if lexical >= MIN_LEXICAL and core_names and (core_specifics or lexical >= MIN_LEXICAL_ALONE or len(core_actors) >= 2):
        return True, score, f"same title and lead (lexical {lexical:.2f})", False, shared
    return False, score, "not enough in common", False, shared


# --- deciding -------------------------------------------------------------------------

#: A late report (a re-post, a weekly round-up) joins its story this long after it,
#: but only on the same investment: the same investor, amount and place.
LATE_WINDOW = timedelta(days=30)


class Match(Protocol):
    """A stored article a new one matches (store.StoredMatch is one)."""

    article_id: int
    story_id: int


@dataclass(frozen=True)
class Candidate:
    """A stored article found by band keys or by shared keys in the time window."""

    article_id: int
    story_id: int
    #: When it was published (or first seen, when undated).
    seen: datetime | None
    signature: tuple[int, ...] = ()
    shingles: int = 0
    features: StoryFeatures | None = None


def decide(
    same_url: Match | None,
    same_text: Match | None,
    near: Sequence[Candidate] = (),
    related: Sequence[Candidate] = (),
    *,
    new: Fingerprint | None = None,
    seen: datetime | None = None,
    window: timedelta = timedelta(hours=72),
    late_window: timedelta | None = None,
) -> DedupDecision:
    """Where a new article goes, given the stored articles the store found for it.

    same_url/same_text: layers 1-2. near: candidates sharing an LSH band
    (layer 3). related: candidates sharing names or numbers (layers 4-6); one
    within `window` of `seen` may join its story, and one up to `late_window`
    away only on an identical investment (same investor, amount and place).
    """
    late_window = LATE_WINDOW if late_window is None else late_window
    if same_url is not None:
        return DedupDecision("same-url", duplicate_of=same_url.article_id, story_id=same_url.story_id)
    if same_text is not None:
        return DedupDecision("same-text", duplicate_of=same_text.article_id, story_id=same_text.story_id)
    if new is None:
        return DedupDecision("new")
    best: tuple[float, Candidate] | None = None
    for candidate in near:
        if not candidate.signature or not new.signature:
            continue
        copy, j = is_near_copy(new.signature, new.shingles, candidate.signature, candidate.shingles)
        if copy and (best is None or j > best[0]):
            best = (j, candidate)
    if best is not None:
        return DedupDecision(
            "near-copy", duplicate_of=best[1].article_id, story_id=best[1].story_id, detail=f"resemblance {best[0]:.2f}"
        )
    chosen: tuple[float, Candidate, str] | None = None
    # A story is joined on one article's evidence, but any of its articles can
    # veto: a near miss of one member is a near miss of the story.
    vetoed_stories: set[int] = set()
    for candidate in related:
        if candidate.features is None:
            continue
        gap = abs((seen - candidate.seen).total_seconds()) if (seen and candidate.seen) else 0.0
        if gap > late_window.total_seconds():
            continue
        if candidate.story_id in vetoed_stories:
            # Its story is out whatever this one says: were it the best, the story would still be
            # vetoed and the choice made again without it, so the result is the same unjudged.
            continue
        same_story, score, why, vetoed, _shared = _judge(new.features, candidate.features)
        if vetoed:
            vetoed_stories.add(candidate.story_id)
        if not same_story:
            continue
        if gap > window.total_seconds() and not why.startswith("same investment"):
            continue
        if chosen is None or score > chosen[0]:
            chosen = (score, candidate, why)
    if chosen is not None and chosen[1].story_id in vetoed_stories:
        chosen = None
        for candidate in related:
            if candidate.features is None or candidate.story_id in vetoed_stories:
                continue
            gap = abs((seen - candidate.seen).total_seconds()) if (seen and candidate.seen) else 0.0
            same_story, score, why, _vetoed, _shared = _judge(new.features, candidate.features)
            if same_story and (gap <= window.total_seconds() or why.startswith("same investment")) \
                    and gap <= late_window.total_seconds() and (chosen is None or score > chosen[0]):
                chosen = (score, candidate, why)
    if chosen is not None:
        return DedupDecision("same-story", story_id=chosen[1].story_id, detail=chosen[2])
    return DedupDecision("new")

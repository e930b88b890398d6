"""Investment announcements in an article: who commits how much, to what, where.

Owns find_announcements(title, text, lang, published) -> [Announcement]. It is a
pure function built from rules and bilingual (English/French) lexicons, with no
rule keyed to a particular story. The steps:

1. Blank wire datelines ("FRANKFURT (Reuters) -"). Find every amount of the body,
   then of the title, with money.find_money (and "plusieurs milliards d'euros"-style
   amounts without a figure; "3 milliards" without a currency takes the article's
   one currency); an article without any stops here, which is most of them.
2. Split the paragraphs that hold an amount into sentences (not on "4.3", "U.S.",
   "M. Macron", "Mrd."), and drop converted repeats ("4 billion euros ($4.3
   billion)": the first currency is the original).
3. Keep an amount only when an investment trigger ("invests", "va investir",
   "raises", "lève", "acquires", "rachète", "takes a stake", "débloque", "puts ...
   into", "sells ... to"...) governs it more closely than a negative cue, and it
   is neither a past mention nor an aggregate. Negative cues: fines, settlements,
   damages, loans and lenders (World Bank, BEI...), debt, donations and
   foundations, cancelled or cut plans, revenue, profit, prices, valuations
   (except an acquisition's price), market forecasts, savings, orders won. Past:
   "last year", "déjà", "comes after its...", a past perfect outside reported
   speech ("had pledged", but not "said it had invested"), a year before the
   article's. Aggregates: "together", "au total", "a combined", plural subjects
   ("European startups raised"), "combining equity and debt".
4. Fill investor and recipient from the sentence: the subject before the verb
   (skipping appositives, "X's" owners, relative clauses), "led by", "auprès de",
   the buyer after "sells ... to", the round's lead named in the next sentence;
   "the company"/"la firme" is the last investor named or the headline's company.
5. Decide the kind (the subscribers filter on it):
   * acquisition: a purchase of a company, or of a majority or the remaining shares;
   * equity_stake: a share of less than half, or money put INTO a named company
     ("Microsoft invests $10bn in OpenAI") when no round is mentioned;
   * funding_round: a company raising money (raises, lève, lands...), or money
     into a named company with round words (series A, seed, financing, led by);
   * public_programme: money from a state, region, ministry or public bank;
   * capex: money into a country, region, site, plant or programme of one's own
     ("invests €4bn in France", "a €1bn factory in Dunkirk").
6. Merge repeats: the title and the body telling the same investment, the same
   amount restated, "the €4bn" pointing back at an amount already given, the
   parts of an amount told after it, and a joint total of investors who each
   announced their own share. The headline is read in full only when the body
   leaves something open (no announcement, or one without investor).
7. Last, for what is left: location and purpose from gazetteer and keyword
   lexicons, and a confidence from how many signals agree. The location ranks a
   place after "in"/"en"/"à" first, then the place of the company funded ("Paris-
   based", "la start-up lyonnaise"), then any place, then a nationality; a place
   describing the investor ("Norway's Equinor", "le japonais Toyota") is where
   the money comes from and is skipped. The headline completes place and aim
   only when the article tells one announcement; "in the country" points back.

Speed: lexicons are matched against lower-cased text without IGNORECASE, and
their alternatives are gathered by first letter (_by_first_letter): Python's re
tries every alternative at every position, and this module must cost much less
than HTML extraction. benchmarks/invest.py measures both.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .money import Money, currency_code, find_money, lower_keeping_offsets
from .types import Announcement

__all__ = ["find_announcements"]

_I = re.IGNORECASE


def _split_alternatives(body: str) -> list[str]:
    """The top-level alternatives of a regex body (not inside groups or classes)."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(body):
        c = body[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if body[i + 1 : i + 2] == "]":
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
        i += 1
    parts.append(body[start:])
    return parts


def _by_first_letter(pattern: re.Pattern) -> re.Pattern:
    """pattern with the alternatives of its first group gathered by first letter.

    Python's re tries every alternative of a group at every position; grouped as
    "f(?:ine|ined)|p(?:enalty|rêt)" it tries one letter first and the rest only
    where it fits, several times faster on lexicons of hundreds of words. The
    matches are the same: alternatives that start with different letters cannot
    both match at one position, and the order within a letter is kept.
    """
    s = pattern.pattern
    i = s.find("(?:")
    if i < 0:
        return pattern
    depth, j = 0, i
    while j < len(s):
        if s[j] == "\\":
            j += 2
            continue
        if s[j] == "(":
            depth += 1
        elif s[j] == ")":
            depth -= 1
            if depth == 0:
                break
        j += 1
    groups: dict[str, list[str]] = {}
    digits: list[str] = []  # "[0-9]+ years after": no letter-first alternative can match there
    for alt in _letter_first(_split_alternatives(s[i + 3 : j])):
        if alt.startswith(("[0-9]", "\\d")):
            digits.append(alt)
            continue
        first = alt[:1]
        if not first.isalpha() or alt[1:2] in ("?", "*", "+", "{"):
            return pattern  # not a plain first letter everywhere: leave it as written
        groups.setdefault(first, []).append(alt[1:])
    body = "|".join([f"{k}(?:{'|'.join(rests)})" for k, rests in groups.items()] + digits)
    return re.compile(s[:i] + "(?:" + body + s[j:], pattern.flags)


def _letter_first(alternatives: list[str]) -> list[str]:
    """The alternatives rewritten to start with a literal where that keeps their meaning:
    "\\brecord" (the pattern's look-behind already stands at a word start) is "record",
    and "(?:market|marché) worth" is "market worth|marché worth"."""
    out: list[str] = []
    for alt in alternatives:
        if alt.startswith("\\b") and alt[2:3].isalpha():
            alt = alt[2:]
        if alt.startswith("(?:"):
            depth, k = 0, 0
            while k < len(alt):
                if alt[k] == "\\":
                    k += 2
                    continue
                if alt[k] == "(":
                    depth += 1
                elif alt[k] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                k += 1
            if alt[k + 1 : k + 2] not in ("?", "*", "+", "{"):
                out += [inner + alt[k + 1 :] for inner in _split_alternatives(alt[3:k])]
                continue
        out.append(alt)
    return out


# --- sentences --------------------------------------------------------------

#: Words whose final dot does not end a sentence (compared lower-case, without the dot).
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "inc", "corp", "ltd", "co", "no", "vs", "jr", "sr", "prof",
    "gen", "gov", "sen", "rep", "approx", "fig", "cf", "p", "pp", "av", "bd", "ste", "cie",
    "mme", "mlle", "mgr", "env", "réf", "ref", "dept", "vol",
    "jan", "feb", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "janv", "févr", "fév",
    "avr", "juil", "déc", "mrd", "mrds", "mio", "md", "mds", "tsd", "bzw", "usw", "etc",
}
_SENTENCE_END = re.compile(r"[.!?…]+[\"»”’')\]]*(?=\s)|\n")
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")


@dataclass(frozen=True)
class _Sentence:
    text: str
    #: text lower-cased, same length: the lexicons are matched against it.
    low: str
    #: Offset of text in the title or the body it comes from.
    start: int
    is_title: bool = False


_lower = lower_keeping_offsets


def _is_abbreviation(text: str, dot: int) -> bool:
    words = text[max(0, dot - 24) : dot].rsplit(None, 1)
    token = words[-1].lstrip("\"'«“([").lower() if words else ""
    if not token:
        return False
    return token in _ABBREVIATIONS or (_INITIALS.fullmatch(token) is not None and len(token) <= 7)


def _split_sentences(text: str, low: str, is_title: bool = False, offset: int = 0) -> list[_Sentence]:
    """The sentences of text; offset is added to their start."""
    sentences: list[_Sentence] = []
    start = 0

    def emit(end: int) -> None:
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            first = start + len(piece) - len(piece.lstrip())
            last = first + len(stripped)
            sentences.append(_Sentence(stripped, low[first:last], offset + first, is_title))

    for m in _SENTENCE_END.finditer(text):
        if m.group() == "\n":
            emit(m.start())
            start = m.end()
            continue
        if m.group()[0] == "." and len(m.group()) == 1 and _is_abbreviation(text, m.start()):
            continue
        rest = text[m.end() : m.end() + 3].lstrip()
        if rest and rest[0].islower():
            continue  # "approx. five", "etc. and": the sentence goes on
        emit(m.end())
        start = m.end()
    emit(len(text))
    return sentences


_CLAUSE_BREAK = re.compile(r"[;:()\[\]—–]|,(?=\s)|\s-\s")


def _clause(sentence: str, pos: int) -> tuple[int, int]:
    """The span between the punctuation marks around pos."""
    start, end = 0, len(sentence)
    for m in _CLAUSE_BREAK.finditer(sentence):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


# --- lexicons ---------------------------------------------------------------


@dataclass(frozen=True)
class _Trigger:
    """Words that announce a commitment.

    forms: phrases separated by "|", matched in lower-cased text (a space stands
    for any whitespace, an apostrophe for ' or ’). then: a regex the text right
    after the phrase must match (a look-ahead: "announces" counts only before an
    investment noun).
    """

    forms: str
    kind: str
    #: 3: present/future verb ("invests", "va investir"); 2: past verb; 1: noun.
    strength: int
    #: Who the grammatical subject is: the "investor" ("X acquires"), or the
    #: "recipient" ("X raises $50m", "X was acquired by Y").
    subject: str = "investor"
    then: str = ""


_INVEST_NOUNS = (
    r"(?:investments?|investissements?|plans?|programmes?|programs?|schemes?|funds?|fonds|packages?"
    r"|initiatives?|strategy|stratégie|commitments?|enveloppes?|dispositifs?|financements?|funding)"
)
_FACILITY = (
    r"(?:factor(?:y|ies)|plants?|gigafactor(?:y|ies)|fabs?|data\s?cent(?:er|re)s?|datacent(?:er|re)s?"
    r"|campus|warehouses?|hubs?|usines?|centres?\s+de\s+(?:données|calcul|recherche)|entrepôts?"
    r"|laboratoires?|labs?|research\s+cent(?:er|re)s?|sites?\s+(?:de\s+production|industriels?))"
)
_FUNDING_WORDS = (
    r"(?:funding|round|series\s+[a-h]\b|seed|financing|investors|investisseurs|tour\b|levée|"
    r"financement|série\s+[a-h]\b|amorçage|fundrais|fonds\s+propres)"
)
#: Up to n characters of the same sentence: a dot counts only as a decimal point ("£11.5m").
_SAME_SENTENCE = r"(?:[^.;]|\.(?=\d))"
_NEAR_INVEST_NOUN = rf"{_SAME_SENTENCE}{{0,60}}\b{_INVEST_NOUNS}\b"
_NEAR_FACILITY = rf"{_SAME_SENTENCE}{{0,60}}\b{_FACILITY}"
_NEAR_FUNDING = rf"{_SAME_SENTENCE}{{0,60}}{_FUNDING_WORDS}"
#: An amount right after the verb: "lands $50m", "spend up to €1bn".
_MONEY_AHEAD = (
    r"(?:\s+(?:up\s+to|about|around|some|nearly|almost|more\s+than|over|another|an\s+additional|a\s+further"
    r"|between|entre|from|de|a|an|une?|plus\s+de|près\s+de|près\s+d['’]|environ|jusqu['’]à|quelque|roughly"
    r"|approximately|nearly|half|as\s+much\s+as|as\s+high\s+as|at\s+least|au\s+moins|pas\s+moins\s+de"
    r"|no\s+less\s+than|at\s+most))*\s*"
    r"(?:(?:us|c|a|hk)?[$€£¥₹]|\d|(?:un|une|a|one|half\s+a)\s+(?:milliard|billion|million))"
)
_NEAR_STAKE = r"[^.;]{0,30}\bstake\b"

_CAPEX, _FUNDING, _ACQUISITION, _STAKE = "capex", "funding_round", "acquisition", "equity_stake"
_PUBLIC_PROGRAMME = "public_programme"

_TRIGGERS = (
    # Capital expenditure and commitments in general; the subject is the investor.
    _Trigger("will be invested | to be invested | sera investi | sera investie | seront investis | seront investies"
             " | va être investi | vont être investis", _CAPEX, 3),
    _Trigger("invest | invests | investing | investit | investira | investiront | investissent | investissons"
             " | investir", _CAPEX, 3),
    _Trigger("invested | investi", _CAPEX, 2),
    _Trigger("investment | investments | investissement | investissements", _CAPEX, 1),
    _Trigger("commit | commits | committing | s'engage à | s'engagent à | s'engagera à | s'engageront à", _CAPEX, 3),
    _Trigger("committed", _CAPEX, 2),
    _Trigger("commitment | commitments | engagement de | engagements de | engagement d' | engagements d'", _CAPEX, 1),
    _Trigger("pledge | pledges | pledging | earmark | earmarks | earmarking | allocate | allocates | allocating",
             _CAPEX, 3),
    _Trigger("pledged | earmarked | allocated", _CAPEX, 2),
    _Trigger("inject | injects | injecting | injecte | injectent | injectera | injecteront | injecter", _CAPEX, 3),
    _Trigger("injected | injecté", _CAPEX, 2),
    _Trigger("injection", _CAPEX, 1),
    _Trigger("débloque | débloquent | débloquera | débloqueront | débloquer | consacre | consacrent | consacrera"
             " | consacreront | consacrer | mobilise | mobilisent | mobilisera | mobiliseront | mobiliser", _CAPEX, 3),
    _Trigger("débloqué | consacré | mobilisé", _CAPEX, 2),
    _Trigger("spend | spends | spending | dépense | dépensent | dépensera | dépenseront | dépenser", _CAPEX, 3,
             then=_MONEY_AHEAD),
    # "puts $2bn into", "met 200 millions d'euros dans", "mise 20 millions sur", "bets $1bn on".
    _Trigger("put | puts | putting | sink | sinks | sinking | plough | ploughs | plow | plows | channel | channels"
             " | met | mettent | mettra | mettront | mettait | mettre", _CAPEX, 3,
             then=rf"{_SAME_SENTENCE}{{0,60}}\b(?:into|in|dans|sur\s+la\s+table)\b"),
    _Trigger("mise | misent | misera | miser | bet | bets | betting", _CAPEX, 3,
             then=rf"{_MONEY_AHEAD}{_SAME_SENTENCE}{{0,40}}\b(?:sur|on)\b"),
    _Trigger("set aside | sets aside | setting aside | set out | sets out | réserve | réservent | réservera"
             " | engage | engagent | engagera | engager", _CAPEX, 3, then=_MONEY_AHEAD),
    # "apporte 4 000 000 € au capital de", "provides €5bn in funding".
    _Trigger("apporte | apportent | apportera | apporteront | apporter", _CAPEX, 3,
             then=rf"{_SAME_SENTENCE}{{0,60}}\b(?:au\s+capital|en\s+fonds\s+propres)"),
    _Trigger("provide | provides | providing | will provide", _CAPEX, 3,
             then=rf"{_SAME_SENTENCE}{{0,60}}\b(?:funding|financing|investment|capital|grants|subsidies|aid)\b"),
    # The buyer's side of an order: "a passé commande de 60 rames", "places an order for".
    _Trigger("passe commande | passent commande | a passé commande | passe une commande | a passé une commande"
             " | place an order | places an order | placed an order", _CAPEX, 3),
    _Trigger("pour | pours | pouring", _CAPEX, 3, then=r"[^.;]{0,60}\binto\b"),
    _Trigger("poured", _CAPEX, 2, then=r"[^.;]{0,60}\binto\b"),
    _Trigger("to finance | will finance | would finance | finances | financera | financeront | financent"
             " | va financer | pour financer", _CAPEX, 3),
    _Trigger("financed | financé", _CAPEX, 2),
    _Trigger("announce | announces | announcing | unveil | unveils | unveiling | launch | launches | launching"
             " | set up | sets up | setting up | annonce | annoncent | annoncer | dévoile | dévoilent | dévoiler"
             " | lance | lancent | lancer | présente | présentent | présenter | crée | créent | créera | créeront"
             " | créer | create | creates | creating", _CAPEX, 3, then=f"{_NEAR_INVEST_NOUN}|{_NEAR_FACILITY}"),
    _Trigger("announced | unveiled | launched | annoncé | dévoilé | lancé | présenté | créé | created", _CAPEX, 2,
             then=f"{_NEAR_INVEST_NOUN}|{_NEAR_FACILITY}"),
    _Trigger("build | builds | building | open | opens | opening | expand | expands | expanding | construire"
             " | construira | construiront | construit | construisent | ouvre | ouvrir | ouvrira | ouvriront"
             " | implante | implanter | implantera | bâtir | bâtit | bâtira | bâtiront | bâtissent | édifier"
             " | ériger", _CAPEX, 3, then=_NEAR_FACILITY),
    # "un plan de 2 milliards", "a fund of $1bn": the noun alone is too common to count.
    _Trigger("plan de | plan d' | plan of | plan worth | programme de | programme d' | programme of"
             " | program of | scheme of | fund of | fonds de | enveloppe de | enveloppe d'", _CAPEX, 1,
             then=r"\s*(?:\d|[$€£¥]|plus|près|quelque|up|about|some|over|more|un|une|one|a\s)"),
    # Funding rounds: the subject raises, the lead investor comes after "led by".
    _Trigger("raise | raises | raising | lève | lèvent | lever | lèvera | lèveront", _FUNDING, 3, "recipient"),
    _Trigger("raised | levé", _FUNDING, 2, "recipient"),
    # Verbs of receiving money: a funding round when the money comes ahead or funding words follow.
    _Trigger("pick up | picks up | picking up | picked up | pull in | pulls in | pulled in | rake in | rakes in"
             " | raked in | collect | collects | collected | scoop | scoops | scooped"
             " | grab | grabs | grabbed | haul in | hauls in | empoche | empochent"
             " | encaisse | encaissent | réunit | réunissent | glane | glanent | rafle | raflent | récolter"
             " | décrocher | obtenir | boucler | sécuriser | lever des fonds", _FUNDING, 3, "recipient",
             then=f"{_NEAR_FUNDING}|{_MONEY_AHEAD}"),
    _Trigger("nets | netted | banks | banked", _FUNDING, 3, "recipient", then=_MONEY_AHEAD),
    _Trigger("get | gets | receive | receives | attract | attracts | win | wins | reçoit | reçoivent | attire"
             " | finalise | finalisent | réalise | réalisent", _FUNDING, 3, "recipient", then=_NEAR_FUNDING),
    _Trigger("got | received | attracted | finalisé | réalisé", _FUNDING, 2, "recipient", then=_NEAR_FUNDING),
    _Trigger("secure | secures | securing | land | lands | landing | bag | bags | bagging | nab | nabs | snag"
             " | snags | score | scores | close | closes | closing | obtient | obtiennent | décroche | décrochent"
             " | récolte | récoltent | sécurise | sécurisent | boucle | bouclent | bouclera", _FUNDING, 3,
             "recipient", then=f"{_NEAR_FUNDING}|{_MONEY_AHEAD}"),
    _Trigger("secured | landed | bagged | nabbed | snagged | closed | obtenu | décroché | récolté | sécurisé"
             " | bouclé", _FUNDING, 2, "recipient", then=_NEAR_FUNDING),
    _Trigger("funding round | round of funding | financing round | seed round | seed funding | pre-seed"
             " | fundraise | fundraising | levée de fonds | levées de fonds | levée | tour de table | amorçage",
             _FUNDING, 1, "recipient"),
    _Trigger("series | série", _FUNDING, 1, "recipient", then=r"\s+[a-h]\b"),
    _Trigger("tour", _FUNDING, 1, "recipient",
             then=r"\s+(?:de\s+(?:financement|série)|en\s+(?:capital|fonds\s+propres)|d['’]amorçage)"),
    _Trigger("back | backs | backing", _FUNDING, 3, then=r"(?!\s+(?:down|up|off|out|away|by)\b)"),
    _Trigger("backed", _FUNDING, 2, then=r"(?!\s+(?:down|up|off|out|away|by)\b)"),
    _Trigger("lead | leads | leading | co-lead | co-leads", _FUNDING, 3,
             then=r"[^.;]{0,40}(?:round|series|funding|financing|tour|levée)"),
    _Trigger("led | co-led | has led | has co-led", _FUNDING, 2,
             then=rf"(?!\s+by\b){_SAME_SENTENCE}{{0,40}}(?:round|series|funding|financing)"),
    # Acquisitions: the subject buys, the object is the target; passives swap them.
    _Trigger("acquired by | bought by | purchased by | taken over by | racheté par | rachetée par"
             " | rachetés par | rachetées par | acquis par | acquise par | acquises par", _ACQUISITION, 2,
             "recipient"),
    _Trigger("acquire | acquires | acquiring | purchase | purchases | purchasing | take over | takes over"
             " | taking over | snap up | snaps up | snapping up | rachète | rachètent | rachètera | rachèteront"
             " | racheter | acquiert | acquièrent | acquerra | acquerront | acquérir | met la main sur"
             " | mettent la main sur | mettra la main sur | mettre la main sur | s'offre | s'offrent | s'offrira"
             " | s'empare | s'emparent | s'emparera | absorbe | absorbent | absorbera | merge with | merges with"
             " | merging with", _ACQUISITION, 3),
    _Trigger("buy | buys | buying | to buy", _ACQUISITION, 3, then=r"(?!\s*back)"),
    # The seller's side: "Eni sells 25% of Enilive to KKR": the buyer is named after "to".
    _Trigger("sell | sells | selling | sold | cède | cèdent | cédera | céderont | céder | vend | vendent | vendra"
             " | vendront | vendre | agreed to sell | a cédé | a vendu", _ACQUISITION, 3, "seller",
             then=rf"{_SAME_SENTENCE}{{0,80}}\s(?:to|à|au)\s"),
    _Trigger("acquired | bought | purchased | took over | racheté | acquis", _ACQUISITION, 2),
    _Trigger("acquisition | acquisitions | takeover | takeovers | buyout | buyouts | merger | mergers"
             " | offre publique d'achat | prise de contrôle", _ACQUISITION, 1),
    _Trigger("rachat", _ACQUISITION, 1, then=r"(?!\s+d['’]actions)"),
    # Equity stakes.
    _Trigger("take | takes", _STAKE, 3, then=_NEAR_STAKE),
    _Trigger("prend une participation | prennent une participation | prendra une participation"
             " | prendre une participation | entre au capital | entrent au capital | entrera au capital"
             " | entrer au capital | monte au capital | montent au capital | montera au capital"
             " | monter au capital", _STAKE, 3),
    _Trigger("took", _STAKE, 2, then=_NEAR_STAKE),
    _Trigger("pris une participation | entré au capital", _STAKE, 2),
    _Trigger("stake | stakes | prise de participation | entrée au capital", _STAKE, 1),
    _Trigger("participation | participations", _STAKE, 1, then=r"(?!\s+(?:à|aux?)\b)"),
)

_WORD_RE = re.compile(r"[^\W\d_]+")


def _phrase_pattern(form: str, then: str) -> re.Pattern:
    body = re.escape(form).replace(r"\ ", r"\s+").replace("'", "['’]")
    end = r"(?![\w-])" if form[-1].isalpha() else ""  # "buy-now-pay-later" is no purchase
    return re.compile(body + end + (f"(?={then})" if then else ""))


def _index_triggers(triggers: tuple[_Trigger, ...]) -> dict[str, list[tuple[re.Pattern, _Trigger]]]:
    """Each trigger phrase, keyed by its first word.

    Looking words up in a dict, then matching the few phrases they start, is many
    times faster than one big alternation in Python's re.
    """
    index: dict[str, list[tuple[re.Pattern, _Trigger]]] = {}
    for trigger in triggers:
        for form in trigger.forms.split("|"):
            form = " ".join(form.split())
            first = _WORD_RE.match(form).group()
            index.setdefault(first, []).append((_phrase_pattern(form, trigger.then), trigger))
    return index


_TRIGGER_INDEX = _index_triggers(_TRIGGERS)

#: Cues that make an amount something other than a new investment even when a
#: trigger is near: rejected whenever they share the amount's clause.
_STRONG_NEGATIVE = re.compile(
    r"(?<![\w-])(?:fined|fines?\b(?!-)|penalt(?:y|ies)|amendes?|sanctionn(?:é|ée|és|ées|er|e)|sanctions?"
    r"|condamn(?:é|ée|és|ées)\s+à\s+(?:payer|verser)|settle(?:s|d|ment|ments)?|settling|payouts?|compensation"
    r"|indemnis(?:ation|er|é|ée)|indemnités?|dommages(?:\s+et\s+intérêts)?|damages|lawsuits?|sues|sued|suing"
    r"|class\s+action|poursuites?|donat(?:e|es|ed|ion|ions|ing)|charit(?:y|ies|able)|philanthrop\w*"
    r"|faire\s+un\s+don|fait\s+un\s+don|loans?|prêts?\b(?!\s+à)|lend(?:s|ing)?|emprunts?"
    r"|crédits?\s+d['’]impôt|layoffs?|lay\s+off|job\s+cuts|cut(?:s|ting)?\s+[\d,. ]+\s*jobs"
    r"|suppressions?\s+de\s+postes|supprim(?:e|er|era|ent)\s+[\d   ]+\s*postes|licenciements?|plan\s+social"
    r"|restructuring|restructuration|buy\s?backs?|share\s+repurchases?|rachats?\s+d['’]actions"
    r"|propres\s+actions|dividends?|dividendes?|tax(?:es)?\b|impôts?|taxe\b|tariffs?|droits\s+de\s+douane"
    r"|ransom|rançon|bribes?|salary|salaries|salaires?|wages|pay\s+package|rémunération|bonus(?:es)?"
    r"|bail-?outs?|renflouement"
    # Lending verbs, gifts and relief: money lent or given away is no investment.
    r"|lent|lends?|lenders|prête(?!\s+à)|prêtent|prêtera|prêteront|prêter|prêté|credit\s+facility"
    r"|gives?\s+away|gave\s+away|giving\s+away|donner|donnera|gifts?|mécénat"
    # A stock-market listing raises money from the market, no investor commits it.
    r"|ipo|initial\s+public\s+offering|introduction\s+en\s+bourse|entrée\s+en\s+bourse|flotation"
    r"|emergency\s+aid|disaster\s+relief|relief\s+(?:fund|package)|humanitarian|humanitaire"
    r"|aides?\s+d['’]urgence|associations?\s+(?:caritatives?|d['’]aide|humanitaires?)|aide\s+alimentaire"
    r"|nonprofits?|non-profits?|ngos?|ong|refunds?|rembourse\w*|reimburse\w*"
    # Cancelled or cut plans: "scraps a $1.2bn investment", "réduit ses investissements de".
    r"|scrap(?:s|ped|ping)?|cancel(?:s|led|ed|ling|ing)?|shelve[sd]?|abandon(?:s|ed|ne|nent|né)?|annul(?:e|é|ée)"
    r"|renonce\w*|won['’]t\s+go\s+ahead|not\s+go\s+ahead|put\s+on\s+hold|on\s+hold|gèle|gel\s+de"
    r"|suspend\w*|postpone\w*|delay(?:s|ed|ing)?|reporte|reporté|reportée|repousse\w*|halt(?:s|ed|ing)?"
    r"|(?:met|mis|mise|mettre)\s+en\s+pause|paus(?:es|ed|ing)"
    r"|cut(?:s|ting)?\s+(?:its\s+|their\s+)?(?:investment|spending|capex)|réduit\s+ses\s+investissements"
    r")(?!\w)",
)
#: Debt is no equity investment, unless equity is raised in the same breath ("€600m in equity and debt").
_DEBT = re.compile(  # "a deal worth $22.8bn including debt" is a price, not debt raised
    r"(?<![\w-])(?<!including\s)(?<!y\scompris\s)(?<!y\scompris\sla\s)(?<!dette\s)"
    r"(?:debt(?!\s+included)|dette(?!\s+comprise)|bonds?|obligations?\s+(?:vertes|convertibles)|bond\s+(?:sale|issue)"
    r"|green\s+bonds?|emprunt\s+obligataire|financement\s+bancaire)(?!\w)"
)
_EQUITY = re.compile(r"(?<![\w-])(?:equity|capital|fonds\s+propres|série|series|round|tour\s+de)(?!\w)")
#: The amount is a reduction: "$1.5bn less", "2 milliards de moins".
_LESS_AFTER = re.compile(r"\s*(?:\w+\s+){0,1}(?:less|fewer|moins|de\s+moins)\b")
#: Lenders to states: what they provide is a loan ("secures $2.25bn World Bank financing").
_LENDERS = re.compile(
    r"\b(?:World\s+Bank|Banque\s+mondiale|International\s+Monetary\s+Fund|IMF|FMI|Fonds\s+monétaire\s+international"
    r"|European\s+Investment\s+Bank|EIB|BEI|Banque\s+européenne\s+d['’]investissement|EBRD|BERD|AfDB|BAD"
    r"|Asian\s+Development\s+Bank|ADB|Agence\s+française\s+de\s+développement|AFD|Paris\s+Club|Club\s+de\s+Paris)\b"
)
_GRANTS = re.compile(r"(?<![\w-])grants?\b")
#: A charity's name: what it pledges is given away.
_CHARITY_NAME = re.compile(r"\b(?:Foundation|Fondation|Stiftung|Charitable|Charity|Philanthrop\w*)\b")
#: The size of a venture fund being closed is no investment: "closes $950m fund".
_FUND_BEFORE = re.compile(r"\b(?:funds?|fonds)\s+(?:[\w-]+\s+){0,2}?(?:worth|of|de|doté\s+de|totall?ing)\s+"
                          r"(?:(?:a\s+combined|a\s+total\s+of|au\s+total)\s+)?$")
_FUND_AFTER = re.compile(
    r"\s*(?:(?:for|pour)\s+(?:its|their|a|the|son|sa|un|une|ses|leur)\s+)?"
    r"(?:(?!(?:from|auprès|du|de|des|with|avec|led|by|par|in|dans|for|pour|to)\b)[\w-]+\s+){0,3}?"
    r"(?:funds?|fonds|vehicles?)\b"
)

#: Cues that win over a trigger only when nearer to the amount than it.
_WEAK_NEGATIVE = re.compile(
    r"(?<![\w-])(?:revenues?|sales|turnover|chiffres?\s+d['’]affaires|ventes|profits?|earnings|net\s+income"
    r"|bénéfices?|résultats?\s+nets?|ebitda|operating\s+income|margins?|marges?|losses|loss\b|pertes?"
    r"|deficits?|déficits?|valu(?:es|ed|ing|ation|ations)\b|valoris\w*"
    r"|market\s+(?:cap(?:italis|italiz)ation|cap|value)|capitalisation\s+boursière|stock\s+price|share\s+price"
    r"|shares?\s+(?:fell|rose|jumped|dropped|slid|gained|climbed|tumbled|plunged|soared)|wip(?:ed|ing|es)\b"
    r"|cours\s+de\s+bourse|prices?\b|priced|pricing|costs\b(?!\s+of)|cost\b(?=\s+(?:just|only|about|around|roughly|[$€£¥]|\d))"
    r"|coût(?:e|ent|era)\b|prix|tarifs?|retails?\s+for|sells?\s+for|se\s+vend|vendue?s?\s+(?:à|pour)"
    r"|(?:market|marché)\b[^.;]{0,60}?\b(?:reach|hit|grow|exceed|surpass|worth|atteindre|atteindra|dépasser"
    r"|dépassera|représenter|représentera|peser|pèsera)\b|market\s+size|taille\s+du\s+marché"
    r"|consumers|shoppers|households|consommateurs|ménages|savings?|saves?\b|saved\b|cost[- ]cutting"
    r"|cost\s+reductions?|cut(?:s|ting)?\s+(?:its\s+|their\s+)?costs|réduire\s+(?:ses|les|leurs)\s+coûts|économies|économiser|réductions?\s+(?:des|de)\s+coûts|contracts?|contrats?"
    r"|orders?\b(?!\s+to)|commandes?|appels?\s+d['’]offres|gdp|pib|fortune|net\s+worth|patrimoine"
    r"|exports?|imports?|manag(?:es|ed|ing)\b|under\s+management|in\s+assets|assets\s+of|gère|gèrent|sous\s+gestion"
    r"|d['’]actifs|encours|cash\s+flow|flux\s+de\s+trésorerie|trésorerie|cash\s+pile|liquidités"
    # Expectations are forecasts: "expected to add €8.8bn of private investment".
    r"|expected\s+to|projected\s+to|forecast\w*|could\s+(?:reach|add|attract|unlock)|to\s+unlock|leverage"
    r"|devrai(?:t|ent)\s+(?:atteindre|attirer|générer)|prévisions?)",
)

#: Signs that an amount was committed before this story.
_STRONG_PAST = re.compile(
    r"(?<![\w-])(?:last\s+(?:year|month|week|fall|spring|summer|autumn|winter)|l['’]an\s+(?:dernier|passé)"
    r"|l['’]année\s+(?:dernière|passée)|le\s+mois\s+dernier|la\s+semaine\s+dernière|previously|précédemment"
    r"|auparavant|earlier\s+this\s+year|plus\s+tôt\s+cette\s+année|in\s+the\s+past|par\s+le\s+passé"
    r"|years?\s+ago|(?:a|one|two|three|[0-9]+)\s+years?\s+after|(?:un|deux|trois|[0-9]+)\s+ans?\s+après"
    r"|il\s+y\s+a\s+\w+\s+ans|prior\b|previous\b|précédente?s?\b|already|déjà"
    r"|(?:since|depuis)\s+(?:19|20)\d\d"
    # Cumulative totals: "has raised $300m to date", "depuis sa création".
    r"|to\s+date|so\s+far|thus\s+far|à\s+ce\s+jour|jusqu['’]à\s+présent|jusqu['’]ici|depuis\s+sa\s+création"
    r"|since\s+(?:its\s+)?(?:founding|inception|launch|creation)"
    r"|comes\s+after|came\s+after|follows|following\s+(?:its|their|his|her|the\s+company['’]s)|in\s+the\s+wake\s+of"
    r"|après\s+avoir|à\s+la\s+suite\s+de"
    r"|dans\s+la\s+foulée\s+de|fait\s+suite\s+à|au\s+cours\s+de\s+l['’]année\s+(?:(?:19|20)\d\d|dernière|écoulée|passée)"
    # Habitual spending is no new commitment: "investit chaque année 7 milliards".
    r"|every\s+year|each\s+year|chaque\s+année|tous\s+les\s+ans)",
)
#: The past perfect tells what came before the news ("had pledged $12.6bn in 2023", "avait
#: promis"), except in reported speech, where it tells the news: "said it had invested".
_PAST_PERFECT = re.compile(
    r"(?<![\w-])(?:had\s+(?:already\s+|previously\s+|also\s+)?(?:pledged|committed|invested|announced|promised"
    r"|raised|agreed|secured|earmarked|spent|put)|avai(?:t|ent)\s+(?:déjà\s+)?(?:promis|investi|annoncé|levé"
    r"|engagé|injecté|débloqué|mis))\b"
)
_REPORTED = re.compile(
    r"\b(?:said|says|announced|told\s+\w+|confirmed|stated|disclosed|revealed)\s+(?:on\s+\w+\s+)?(?:that\s+)?"
    r"(?:it|they|he|she|the\s+\w+(?:\s+\w+)?)\s+$"
)


def _past_perfect(sentence: str, start: int, end: int) -> bool:
    for m in _PAST_PERFECT.finditer(sentence, start, end):
        if not _REPORTED.search(sentence, max(0, m.start() - 60), m.start()):
            return True
    return False


_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    r"|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
)
_WEAK_PAST = re.compile(
    rf"(?<![\w-])(?:recent(?:ly)?|récemment|récente?s?|earlier|plus\s+tôt|(?:in|en|since|depuis)\s+(?:{_MONTHS}))\b"
)
#: A relative clause with a past verb is background: "X, which raised $20m in 2023, ...".
_RELATIVE_START = re.compile(r"\s*(?:which|who|that|qui|lequel|laquelle|dont)\b")
_YEAR_MENTION = re.compile(r"(?<![\w-])(?:in|en|during|back\s+in|courant)\s+((?:19|20)\d\d)\b")

#: Sums of several commitments ("together", "au total").
_AGGREGATE = re.compile(
    r"(?<![\w-])(?:collectively|combined(?!\s+(?:company|group|entity|network|business|firm|operations))"
    r"|altogether|in\s+total|a\s+total\s+of|total(?:ling|ing|led|ed)?\b"
    r"|together\b(?!\s+with\b(?!\s+other))|au\s+total|including\s+debt|y\s+compris\s+(?:de\s+la\s+)?dette"
    r"|en\s+tout|au\s+cumul|cumulé(?:e|s|es)?|ensemble\b(?!\s+avec)"
    r"|tous\s+confondus|bringing\b[^.;]{0,60}?\bto\b|portant\b[^.;]{0,60}?\bà\b|soit\s+un\s+total"
    r"|overall|in\s+all\b|\brecord\b|combining|combinant|mêlant|y\s+compris"
    # Many recipients: "dans une trentaine de sociétés", "in dozens of startups".
    r"|(?:dizaine|vingtaine|trentaine|quarantaine|cinquantaine|centaine)s?\s+de|dozens\s+of|hundreds\s+of"
    # A plural subject: "the two companies", "les deux groupes".
    r"|(?:two|three|four|both|deux|trois|quatre)\s+(?:[\w.-]+\s+){0,3}?(?:companies|groups|firms|giants"
    r"|investors|groupes|entreprises|sociétés|géants|investisseurs)\b)",
)

#: Cues that say the amount is a stake, a funding round, or backed by a public body.
_STAKE_CUE = re.compile(
    r"\bstakes?\b|participation|au\s+capital|\b(?!100\b)\d{1,2}(?:[.,]\d+)?\s?(?:%|per\s?cent|pour\s+cent)\s+"
    r"(?:of|du|de|d['’]|stake|interest|holding|equity|of\s+the\s+capital)|\b(?:minority|majority|controlling)\s+"
    r"(?:stake|interest|holding)|\bshares\s+in\b|\bholding\b",
)
_FUNDING_CUE = re.compile(
    r"\bseries\s+[a-h]\b|\bsérie\s+[a-h]\b|\bfunding\s+round|\bround\s+of\s+funding|\bseed\s+(?:round|funding)"
    r"|\btour\s+de\s+table|\blevées?\s+de\s+fonds|\bamorçage|\bventure\s+capital|\bcapital-risque|\bled\s+by\b"
    r"|\bmenée?\s+par\b|\bfinancing\b|\bround\b|\bseed\b|\bpre-seed\b|\btour\s+de\s+financement",
)
_LEAD_INVESTOR = re.compile(
    r"(?:co-)?led\s+by|backed\s+by|from|with\s+participation\s+from|including|(?:menée?|emmenée?|conduite?"
    r"|pilotée?|soutenue?|codirigée?|co-?menée?|dirigée?|menés|menées|emmenés|conduits|pilotés)\s+par|\bdont\b|\bnotamment\b|auprès\s+(?:de|du|des|d['’])|avec\s+(?:la\s+participation|le\s+soutien)\s+d(?:e|['’])",
)
_BY_AGENT = re.compile(r"\s*(?:,\s*)?(?:by|par)\s+")
_STAKE_TARGET = re.compile(
    r"(?:stake|participation|capital)\b[^.;]{0,30}?\b(?:in|dans|de|du|d['’])\s*"
)
_CONVERSION_GAP = re.compile(
    r"\s*[(\[/,]?\s*(?:(?:about|around|roughly|approximately|approx\.|some|nearly|almost|or|i\.e\.|ou|soit|environ"
    r"|près\s+de|quelque|≈|~)\s*)*",
)
#: "fait un don": lower-case only, "Don" is a first name.
_DONATION_NOUN = re.compile(r"(?<![\w-])dons?\b")
_DEFINITE_BEFORE = re.compile(r"(?:\b(?:the|this|these|those|les|le|la|ce|cet|cette|ces)\s+|\bl['’]\s*)$")

# --- names and places -------------------------------------------------------

_CAP = r"(?:[A-ZÀ-ÖØ-Þ][\w&'’.\-]*|[a-z]{1,3}[A-Z][\w\-]*)"
_NAME_RE = re.compile(
    rf"(?<![\w])(?:{_CAP})(?:(?:\s(?:of|de|du|des|la|le|the|del|von|van|der|di)\s|\sd['’]|\s&\s|\s|-)(?:{_CAP}))*"
)
_COMPOUND_JOIN = re.compile(r"\s+(and|et|&)\s+(?:(?:the|la|le|l['’])\s*)?")

#: Capitalised words that are not names: sentence starters, days, months, roles...
_NOT_NAMES = {
    "the", "a", "an", "in", "on", "at", "for", "but", "and", "as", "it", "its", "this", "that", "these",
    "those", "he", "she", "they", "we", "i", "his", "her", "their", "our", "le", "la", "les", "l'", "l’",
    "un", "une", "des", "du", "de", "ce", "cet", "cette", "ces", "il", "elle", "ils", "elles", "en", "au",
    "aux", "dans", "pour", "par", "sur", "avec", "selon", "according", "after", "before", "since", "while",
    "when", "if", "mais", "et", "ou", "si", "lors", "après", "avant", "depuis", "alors", "c'est", "c’est",
    "ainsi", "additionally", "meanwhile", "however", "also", "today", "yesterday", "aujourd'hui", "hier",
    "so", "thus", "then", "there", "here", "what", "which", "who", "why", "how", "new", "both", "each",
    "all", "several", "plusieurs", "some", "many", "most", "moreover", "furthermore", "still", "yet",
    "separately", "similarly", "finally", "elsewhere", "earlier", "later", "now", "next", "first",
    "second", "third", "overall", "instead", "notably", "specifically", "importantly", "officially",
    "parallèlement", "ailleurs", "ensuite", "également", "aussi", "cependant", "toutefois", "néanmoins",
    "pourtant", "désormais", "officiellement", "concrètement", "initially", "initialement",
    "d'après", "d’après", "outre", "enfin", "car", "donc", "puis", "que", "qui", "quand", "où", "not",
    "breaking", "exclusive", "update", "news", "report", "with", "from", "by", "to", "of", "under",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "lundi", "mardi",
    "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december", "janvier", "février",
    "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    "mr", "mrs", "ms", "m.", "mme", "dr", "mister", "monsieur", "madame", "sir",
    "reuters", "afp", "ap", "bloomberg", "cnbc", "techcrunch", "ft", "wsj",
    "euros", "euro", "dollars", "eur", "usd", "gbp", "ceo", "pdg", "cfo", "cto",
    "together", "ensemble", "analysts", "analystes", "investors", "investisseurs", "officials", "sources",
    "critics", "experts", "observers", "economists", "economistes", "économistes", "shares", "only", "seul",
}
#: Words that are no name when they stand alone ("French AI" -> "AI"), fine inside one ("Mistral AI").
_GENERIC = {
    "ai", "ia", "r&d", "gpu", "gpus", "cpu", "llm", "llms", "cloud", "series", "seed", "ipo", "tech",
    "french tech", "data", "big tech", "internet", "web",
}
_ROUND_NAME = re.compile(r"(?:Series|Série|Serie|Round)\s+[A-H]\d?", _I)
#: Job titles: "Microsoft President Brad Smith" names the company before the title.
_ROLES = {
    "ceo", "president", "président", "présidente", "pdg", "chairman", "chairwoman", "chair", "chief",
    "founder", "co-founder", "cofounder", "fondateur", "fondatrice", "cofondateur", "co-fondateur",
    "director", "directeur", "directrice", "minister", "ministre", "secretary", "chancellor",
    "chancelier", "chancelière", "premier", "prime", "spokesperson", "spokesman", "spokeswoman",
    "porte-parole", "head", "patron", "boss", "executive", "vp", "cfo", "cto", "coo", "md", "manager",
    "vice-president", "vice-président", "governor", "gouverneur", "mayor", "maire",
}
_PUBLIC_ROLES = {"president", "président", "présidente", "minister", "ministre", "chancellor",
                 "chancelier", "chancelière", "premier", "prime", "governor", "gouverneur", "mayor", "maire"}

#: Public bodies are found from a key word in lower-cased text, then widened to
#: their full name: "the French government", "la région Grand Est", "l'État".
_PUBLIC_KEY = re.compile(
    r"(?<![\w-])(?:government|administration|ministry|treasury|state(?![\w-])|commission|union|eu(?!\w)"
    r"|bpifrance|banque\s+des\s+territoires|caisse\s+des\s+dépôts|état|etat|gouvernement|exécutif"
    r"|région|département|ministère|métropole|ville\s+de|matignon|élysée|elysée|bercy|city\s+of|county"
    r"|municipality|mairie|conseil\s+(?:régional|départemental|municipal)|collectivité)"
)
#: Key words that are public bodies only when capitalised ("a commission", "en bon état", "il a eu").
_PUBLIC_CAPITALISED = {"commission", "union", "eu", "état", "etat", "treasury", "matignon", "bercy"}
_PUBLIC_BEFORE = re.compile(
    r"(?:(?i:the|le|la|l['’])\s*)?(?:[A-Z][\w.'’-]*\s+)?(?:(?:federal|regional|national|local)\s+)?$"
)
_PUBLIC_AFTER = re.compile(
    r"(?:\s+(?:of|de|du|des)\s+(?:la\s+|l['’])?[A-ZÉÎ][\w'’-]*"
    r"|\s+(?:français|allemand|britannique|américain|fédéral|espagnol|italien|européenne)"
    r"|\s+[A-ZÉÎ][\w'’-]+(?:[\s-](?:de\s+|du\s+|la\s+)?[A-ZÉÎ][\w'’-]+)*)?"
)


def _public_bodies(text: str, low: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each public body named in text."""
    found = []
    for key in _PUBLIC_KEY.finditer(low):
        word = key.group()
        if word in _PUBLIC_CAPITALISED and not text[key.start()].isupper():
            continue
        if word in ("commission", "union") and "europ" not in low[max(0, key.start() - 10) : key.end() + 12]:
            continue
        before = _PUBLIC_BEFORE.search(text, max(0, key.start() - 40), key.start())
        after = _PUBLIC_AFTER.match(text, key.end())
        start = before.start() if before else key.start()
        end = after.end() if after else key.end()
        name = _ARTICLE.sub("", text[start:end].strip())
        if word in ("état", "etat"):
            name = "État" + text[key.end() : end]
        found.append((start, end, name))
    return found


_ARTICLE = re.compile(r"^(?:the|le|la|les|l['’])\s*", _I)

#: Words that point back at a company named before (matched in lower-cased text).
_REFERENCE_RE = re.compile(
    r"(?<![\w])(?:(?P<anaphor>(?:the|this|le|la|l['’]|ce|cette)\s*"
    r"(?:(?:tech|us|american|chinese|french|german|software|chip|e-commerce)\s+)?"
    r"(?:company|firm|group|giant|groupe|firme|entreprise|société|géant(?:\s+\w+)?|start-?up|jeune\s+pousse"
    r"|retailer|maker|manufacturer|constructeur|fabricant|operator|opérateur|américain|californien)\b)"
    r"|(?P<pronoun>it|il|elle)\b|(?P<plural>they|ils|elles)\b)"
)

_GAZETTEER_TEXT = """
France: France | Hexagone | hexagone
Germany: Germany | Allemagne | Deutschland
United Kingdom: United Kingdom | UK | U.K. | Britain | Great Britain | Royaume-Uni | Grande-Bretagne
United States: United States | US | U.S. | USA | U.S.A. | America | États-Unis | Etats-Unis | Amérique
Spain: Spain | Espagne | España
Italy: Italy | Italie | Italia
Belgium: Belgium | Belgique
Netherlands: Netherlands | Holland | Pays-Bas
Luxembourg: Luxembourg
Switzerland: Switzerland | Suisse
Austria: Austria | Autriche
Portugal: Portugal
Ireland: Ireland | Irlande
Poland: Poland | Pologne
Czech Republic: Czech Republic | Czechia | République tchèque | Tchéquie
Slovakia: Slovakia | Slovaquie
Hungary: Hungary | Hongrie
Romania: Romania | Roumanie
Bulgaria: Bulgaria | Bulgarie
Greece: Greece | Grèce
Croatia: Croatia | Croatie
Slovenia: Slovenia | Slovénie
Serbia: Serbia | Serbie
Sweden: Sweden | Suède
Norway: Norway | Norvège
Denmark: Denmark | Danemark
Finland: Finland | Finlande
Iceland: Iceland | Islande
Estonia: Estonia | Estonie
Latvia: Latvia | Lettonie
Lithuania: Lithuania | Lituanie
Ukraine: Ukraine
Russia: Russia | Russie
Turkey: Turkey | Türkiye | Turquie
Morocco: Morocco | Maroc
Algeria: Algeria | Algérie
Tunisia: Tunisia | Tunisie
Egypt: Egypt | Égypte | Egypte
Nigeria: Nigeria | Nigéria
Kenya: Kenya
Senegal: Senegal | Sénégal
Ivory Coast: Ivory Coast | Côte d'Ivoire | Côte d’Ivoire
Ghana: Ghana
Ethiopia: Ethiopia | Éthiopie
Rwanda: Rwanda
South Africa: South Africa | Afrique du Sud
Saudi Arabia: Saudi Arabia | Arabie saoudite | Arabie Saoudite
United Arab Emirates: United Arab Emirates | UAE | Émirats arabes unis | Emirats arabes unis
Qatar: Qatar
Kuwait: Kuwait | Koweït
Israel: Israel | Israël
Lebanon: Lebanon | Liban
India: India | Inde
Pakistan: Pakistan
Bangladesh: Bangladesh
China: China | Chine
Japan: Japan | Japon
South Korea: South Korea | Korea | Corée du Sud
Taiwan: Taiwan | Taïwan
Hong Kong: Hong Kong
Singapore: Singapore | Singapour
Malaysia: Malaysia | Malaisie
Indonesia: Indonesia | Indonésie
Thailand: Thailand | Thaïlande
Vietnam: Vietnam | Viêt Nam | Viet Nam
Philippines: Philippines
Australia: Australia | Australie
New Zealand: New Zealand | Nouvelle-Zélande
Canada: Canada
Mexico: Mexico | Mexique
Brazil: Brazil | Brésil
Argentina: Argentina | Argentine
Chile: Chile | Chili
Colombia: Colombia | Colombie
Peru: Peru | Pérou
Kazakhstan: Kazakhstan
Uzbekistan: Uzbekistan | Ouzbékistan
Oman: Oman
Bahrain: Bahrain | Bahreïn
Jordan: Jordan | Jordanie
Uganda: Uganda | Ouganda
Tanzania: Tanzania | Tanzanie
Mozambique: Mozambique
Angola: Angola
Cameroon: Cameroon | Cameroun
Democratic Republic of the Congo: Democratic Republic of the Congo | DRC | RDC | République démocratique du Congo
Sri Lanka: Sri Lanka
Europe: Europe
European Union: European Union | Union européenne | EU
Africa: Africa | Afrique
Asia: Asia | Asie
Latin America: Latin America | Amérique latine
Middle East: Middle East | Moyen-Orient
Île-de-France: Île-de-France | Ile-de-France | Paris region | région parisienne | Région parisienne
Grand Est: Grand Est | Grand-Est
Hauts-de-France: Hauts-de-France
Auvergne-Rhône-Alpes: Auvergne-Rhône-Alpes
Occitania: Occitania | Occitanie
Nouvelle-Aquitaine: Nouvelle-Aquitaine
Brittany: Brittany | Bretagne
Normandy: Normandy | Normandie
Provence-Alpes-Côte d'Azur: Provence-Alpes-Côte d'Azur | PACA | Provence
Pays de la Loire: Pays de la Loire
Centre-Val de Loire: Centre-Val de Loire
Burgundy-Franche-Comté: Bourgogne-Franche-Comté | Burgundy
Alsace: Alsace
Corsica: Corsica | Corse
Bavaria: Bavaria | Bavière | Bayern
Saxony: Saxony | Saxe | Sachsen
Lower Saxony: Lower Saxony | Basse-Saxe | Niedersachsen
Saxony-Anhalt: Saxony-Anhalt | Saxe-Anhalt | Sachsen-Anhalt
Baden-Württemberg: Baden-Württemberg | Bade-Wurtemberg
North Rhine-Westphalia: North Rhine-Westphalia | Rhénanie-du-Nord-Westphalie | Nordrhein-Westfalen | NRW
Hesse: Hesse | Hessen
Brandenburg: Brandenburg | Brandebourg
Thuringia: Thuringia | Thuringe | Thüringen
Scotland: Scotland | Écosse | Ecosse
Wales: Wales | pays de Galles | Pays de Galles
England: England | Angleterre
Northern Ireland: Northern Ireland | Irlande du Nord
Catalonia: Catalonia | Catalogne | Cataluña
Andalusia: Andalusia | Andalousie
Lombardy: Lombardy | Lombardie
Flanders: Flanders | Flandre | Flandres
Wallonia: Wallonia | Wallonie
Quebec: Quebec | Québec
Ontario: Ontario
Texas: Texas
California: California | Californie
Arizona: Arizona
Ohio: Ohio
New York: New York
Virginia: Virginia | Virginie
North Carolina: North Carolina | Caroline du Nord
Indiana: Indiana
Oregon: Oregon
Louisiana: Louisiana | Louisiane
Michigan: Michigan
Pennsylvania: Pennsylvania | Pennsylvanie
Wisconsin: Wisconsin
Silicon Valley: Silicon Valley
Tamil Nadu: Tamil Nadu
Gujarat: Gujarat
Maharashtra: Maharashtra
Karnataka: Karnataka
Paris: Paris
Marseille: Marseille | Marseilles
Lyon: Lyon | Lyons
Toulouse: Toulouse
Bordeaux: Bordeaux
Lille: Lille
Nantes: Nantes
Strasbourg: Strasbourg
Mulhouse: Mulhouse
Grenoble: Grenoble
Dunkirk: Dunkirk | Dunkerque
Rennes: Rennes
Montpellier: Montpellier
Le Havre: Le Havre
Rouen: Rouen
Metz: Metz
Saclay: Saclay | Paris-Saclay
Fos-sur-Mer: Fos-sur-Mer
Douai: Douai
Clermont-Ferrand: Clermont-Ferrand
Sophia Antipolis: Sophia Antipolis | Sophia-Antipolis
Berlin: Berlin
Munich: Munich | München
Hamburg: Hamburg | Hambourg
Frankfurt: Frankfurt | Francfort
Dresden: Dresden | Dresde
Magdeburg: Magdeburg | Magdebourg
Cologne: Cologne | Köln
Düsseldorf: Düsseldorf | Dusseldorf
Stuttgart: Stuttgart
Leipzig: Leipzig
London: London | Londres
Manchester: Manchester
Cambridge: Cambridge
Oxford: Oxford
Edinburgh: Edinburgh | Édimbourg
Glasgow: Glasgow
Birmingham: Birmingham
Madrid: Madrid
Barcelona: Barcelona | Barcelone
Milan: Milan | Milano
Rome: Rome | Roma
Turin: Turin | Torino
Amsterdam: Amsterdam
Rotterdam: Rotterdam
Eindhoven: Eindhoven
Brussels: Brussels | Bruxelles
Antwerp: Antwerp | Anvers
Dublin: Dublin
Lisbon: Lisbon | Lisbonne
Warsaw: Warsaw | Varsovie
Prague: Prague
Vienna: Vienna | Vienne
Zurich: Zurich | Zürich
Geneva: Geneva | Genève
Stockholm: Stockholm
Copenhagen: Copenhagen | Copenhague
Oslo: Oslo
Helsinki: Helsinki
San Francisco: San Francisco
Seattle: Seattle
Austin: Austin
Boston: Boston
Chicago: Chicago
Phoenix: Phoenix
Tokyo: Tokyo
Osaka: Osaka
Seoul: Seoul | Séoul
Beijing: Beijing | Pékin
Shanghai: Shanghai
Shenzhen: Shenzhen
Taipei: Taipei
Bangalore: Bangalore | Bengaluru
Mumbai: Mumbai
New Delhi: New Delhi | Delhi
Dubai: Dubai | Dubaï
Abu Dhabi: Abu Dhabi
Riyadh: Riyadh | Riyad
Doha: Doha
Tel Aviv: Tel Aviv
Montreal: Montreal | Montréal
Toronto: Toronto
Sydney: Sydney
Melbourne: Melbourne
São Paulo: São Paulo | Sao Paulo
Johannesburg: Johannesburg
Lagos: Lagos
Nairobi: Nairobi
Cairo: Cairo | Le Caire
Istanbul: Istanbul
North Sea: North Sea | mer du Nord
Baltic Sea: Baltic Sea | mer Baltique
Mediterranean: Mediterranean | Méditerranée
Gulf of Mexico: Gulf of Mexico | golfe du Mexique
Atlanta: Atlanta
Dallas: Dallas
Houston: Houston
Denver: Denver
Miami: Miami
Los Angeles: Los Angeles
San Diego: San Diego
San Jose: San Jose
Detroit: Detroit
Philadelphia: Philadelphia | Philadelphie
Pittsburgh: Pittsburgh
Nashville: Nashville
Tennessee: Tennessee
Kentucky: Kentucky
South Carolina: South Carolina | Caroline du Sud
Alabama: Alabama
Georgia: Georgia | Géorgie
Utah: Utah
Nevada: Nevada
Colorado: Colorado
Florida: Florida | Floride
Massachusetts: Massachusetts
Minnesota: Minnesota
Illinois: Illinois
New Jersey: New Jersey
Maryland: Maryland
Kansas: Kansas
Iowa: Iowa
Oklahoma: Oklahoma
Mississippi: Mississippi
Vancouver: Vancouver
Calgary: Calgary
Ottawa: Ottawa
Alberta: Alberta
British Columbia: British Columbia | Colombie-Britannique
Monterrey: Monterrey
Nuevo León: Nuevo León | Nuevo Leon
Guadalajara: Guadalajara
Bogotá: Bogotá | Bogota
Buenos Aires: Buenos Aires
Rio de Janeiro: Rio de Janeiro
Gothenburg: Gothenburg | Göteborg | Goteborg
Malmö: Malmö | Malmo
Bergen: Bergen
Aarhus: Aarhus
Odense: Odense
Porto: Porto
Valencia: Valencia
Seville: Seville | Séville | Sevilla
Bilbao: Bilbao
Naples: Naples | Napoli
Bologna: Bologna | Bologne
Catania: Catania | Catane
Sicily: Sicily | Sicile
Sardinia: Sardinia | Sardaigne
Kraków: Krakow | Kraków | Cracovie
Wrocław: Wroclaw | Wrocław
Gdańsk: Gdansk | Gdańsk
Brno: Brno
Budapest: Budapest
Bucharest: Bucharest | Bucarest
Athens: Athens | Athènes
Debrecen: Debrecen
Kyiv: Kyiv | Kiev
Tallinn: Tallinn
Riga: Riga
Vilnius: Vilnius
Belfast: Belfast
Cardiff: Cardiff
Bristol: Bristol
Leeds: Leeds
Liverpool: Liverpool
Newcastle: Newcastle
Sheffield: Sheffield
Nottingham: Nottingham
Southampton: Southampton
Oxfordshire: Oxfordshire
Northumberland: Northumberland
Nice: Nice
Toulon: Toulon
Amiens: Amiens
Reims: Reims
Dijon: Dijon
Besançon: Besançon
Orléans: Orléans | Orleans
Caen: Caen
Brest: Brest
Angers: Angers
Le Mans: Le Mans
Limoges: Limoges
Poitiers: Poitiers
Bayonne: Bayonne
Perpignan: Perpignan
Nîmes: Nîmes
Avignon: Avignon
Aix-en-Provence: Aix-en-Provence
Saint-Étienne: Saint-Étienne | Saint-Etienne
Annecy: Annecy
Chambéry: Chambéry
Valenciennes: Valenciennes
Dieppe: Dieppe
Calais: Calais
Lorient: Lorient
Saint-Nazaire: Saint-Nazaire
Cherbourg: Cherbourg
Flamanville: Flamanville
Cambrai: Cambrai
Roubaix: Roubaix
Colmar: Colmar
Belfort: Belfort
Troyes: Troyes
La Rochelle: La Rochelle
Essonne: Essonne
Yvelines: Yvelines
Seine-et-Marne: Seine-et-Marne
Seine-Saint-Denis: Seine-Saint-Denis
Hauts-de-Seine: Hauts-de-Seine
Moselle: Moselle
Isère: Isère
Gironde: Gironde
Bouches-du-Rhône: Bouches-du-Rhône
Alpes-Maritimes: Alpes-Maritimes
Loire-Atlantique: Loire-Atlantique
Seine-Maritime: Seine-Maritime
Pas-de-Calais: Pas-de-Calais
Hangzhou: Hangzhou
Guangzhou: Guangzhou
Chengdu: Chengdu
Wuhan: Wuhan
Nanjing: Nanjing | Nankin
Suzhou: Suzhou
Hsinchu: Hsinchu
Kaohsiung: Kaohsiung
Busan: Busan
Yokohama: Yokohama
Nagoya: Nagoya
Kumamoto: Kumamoto
Hokkaido: Hokkaido
Hyderabad: Hyderabad
Chennai: Chennai
Pune: Pune
Noida: Noida
Kolkata: Kolkata
Ho Chi Minh City: Ho Chi Minh City | Hô Chi Minh-Ville
Hanoi: Hanoi
Bangkok: Bangkok
Jakarta: Jakarta
Kuala Lumpur: Kuala Lumpur
Johor: Johor
Penang: Penang
Manila: Manila | Manille
Karachi: Karachi
Dhaka: Dhaka
Jeddah: Jeddah | Djeddah
Muscat: Muscat | Mascate
Amman: Amman
Casablanca: Casablanca
Tangier: Tangier | Tanger
Rabat: Rabat
Algiers: Algiers | Alger
Tunis: Tunis
Dakar: Dakar
Abidjan: Abidjan
Accra: Accra
Addis Ababa: Addis Ababa | Addis-Abeba
Kigali: Kigali
Kampala: Kampala
Cape Town: Cape Town | Le Cap
Durban: Durban
"""

#: Adjectives of nationality: a weaker hint of place than a name ("French startup").
_DEMONYMS_TEXT = """
France: French | français | française | françaises | Français | Française | Françaises
Germany: German | allemand | allemande | allemands | allemandes
United Kingdom: British | britannique | britanniques
United States: American | américain | américaine | américains | américaines
Spain: Spanish | espagnol | espagnole | espagnols | espagnoles
Italy: Italian | italien | italienne | italiens | italiennes
China: Chinese | chinois | chinoise | chinoises
Japan: Japanese | japonais | japonaise | japonaises
India: Indian | indien | indienne | indiens | indiennes
Canada: Canadian | canadien | canadienne | canadiens | canadiennes
Netherlands: Dutch | néerlandais | néerlandaise | néerlandaises
Belgium: Belgian | belge | belges
Switzerland: Swiss | suisse | suisses
Ireland: Irish | irlandais | irlandaise | irlandaises
Poland: Polish | polonais | polonaise | polonaises
Sweden: Swedish | suédois | suédoise | suédoises
South Korea: Korean | South Korean | coréen | coréenne | coréens | coréennes
Saudi Arabia: Saudi | saoudien | saoudienne | saoudiens
United Arab Emirates: Emirati | émirien | émirienne | émiratie
Qatar: Qatari | qatarien | qatarienne | qatari
Mexico: Mexican | mexicain | mexicaine | mexicains
Brazil: Brazilian | brésilien | brésilienne | brésiliens
Australia: Australian | australien | australienne | australiens
Israel: Israeli | israélien | israélienne | israéliens
Europe: European | européen | européenne | européens | européennes
Denmark: Danish | danois | danoise
Norway: Norwegian | norvégien | norvégienne
Finland: Finnish | finlandais | finlandaise
Austria: Austrian | autrichien | autrichienne
Portugal: Portuguese | portugais | portugaise
Turkey: Turkish | turc | turque
Taiwan: Taiwanese | taïwanais | taïwanaise
Singapore: Singaporean | singapourien | singapourienne
Nigeria: Nigerian | nigérian | nigériane | nigérians
Kenya: Kenyan | kényan | kényane
Senegal: Senegalese | sénégalais | sénégalaise
Morocco: Moroccan | marocain | marocaine | marocains
Egypt: Egyptian | égyptien | égyptienne
South Africa: South African | sud-africain | sud-africaine
Vietnam: Vietnamese | vietnamien | vietnamienne
Indonesia: Indonesian | indonésien | indonésienne
Thailand: Thai | thaïlandais | thaïlandaise
Malaysia: Malaysian | malaisien | malaisienne
Hungary: Hungarian | hongrois | hongroise
Czech Republic: Czech | tchèque | tchèques
Greece: Greek | grec | grecque
Romania: Romanian | roumain | roumaine
Argentina: Argentinian | argentin
Estonia: Estonian | estonien | estonienne
Lithuania: Lithuanian | lituanien | lituanienne
Ukraine: Ukrainian | ukrainien | ukrainienne
Paris: Parisian | parisien | parisienne | parisiens | parisiennes
Lyon: lyonnais | lyonnaise | lyonnaises
Marseille: marseillais | marseillaise | marseillaises
Lille: lillois | lilloise | lilloises
Bordeaux: bordelais | bordelaise | bordelaises
Toulouse: toulousain | toulousaine | toulousains | toulousaines
Nantes: nantais | nantaise | nantaises
Grenoble: grenoblois | grenobloise | grenobloises
Nice: niçois | niçoise | niçoises
Strasbourg: strasbourgeois | strasbourgeoise
Rennes: rennais | rennaise
Montpellier: montpelliérain | montpelliéraine
Clermont-Ferrand: clermontois | clermontoise
Roubaix: roubaisien | roubaisienne
London: londonien | londonienne
Berlin: berlinois | berlinoise
Brittany: breton | bretonne | bretons | bretonnes
Alsace: alsacien | alsacienne
Normandy: normand | normande
Quebec: québécois | québécoise
Bavaria: Bavarian | bavarois | bavaroise
Scotland: Scottish | écossais | écossaise
Catalonia: Catalan | catalan | catalane
"""


def _parse_gazetteer(text: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for line in text.strip().splitlines():
        canonical, variants = line.split(":", 1)
        for variant in variants.split("|"):
            table[variant.strip()] = canonical.strip()
    return table


_PLACES = _parse_gazetteer(_GAZETTEER_TEXT)
_DEMONYMS = _parse_gazetteer(_DEMONYMS_TEXT)
_DEMONYMS_LOWER = {d.lower() for d in _DEMONYMS}
#: The canonical names of countries: the gazetteer lists them first, before "Europe".
_COUNTRIES = {line.split(":", 1)[0].strip() for line in _GAZETTEER_TEXT.strip().split("\nEurope:", 1)[0].splitlines()}


def _place_regex(table: dict[str, str]) -> re.Pattern:
    words = sorted(table, key=len, reverse=True)
    body = "|".join(re.escape(w) for w in words)
    # Not inside a longer word, and "US" not as in "US$". The look-ahead on the first
    # letter (names are capitalised, but for "hexagone" and "pays de Galles") only
    # lets the long alternation be tried where a name can start.
    firsts = "".join(sorted({re.escape(w[0]) for w in words}))
    # "Paris-based" names a place; other hyphenated words ("Paris-Saclay" is its own entry) do not.
    return re.compile(rf"(?<![\w-])(?=[{firsts}])(?:{body})(?![\w$])(?!-(?!based\b))")


_PLACE_RE = _place_regex(_PLACES)
_DEMONYM_RE = _place_regex(_DEMONYMS)
_PLACE_PREPOSITION = re.compile(
    r"(?:\b(?:in|into|at|near|across|throughout|en|au|aux|à|dans|outside|around|within|to|for|pour|vers"
    r"|près\s+de|autour\s+de)\s+(?:the\s+|l['’]|la\s+|le\s+|les\s+)?|\bl['’]"
    # "son usine de Dunkerque", "the plant of Douai".
    r"|\b(?:usines?|sites?|plants?|factor(?:y|ies)|campus|entrepôts?|raffinerie|aéroport|port|centres?|hubs?)"
    r"\s+(?:de|d['’]|du|of)\s*)$",
)

#: What the money is for, by keyword (lower-case text); reported in order of appearance.
_PURPOSES = (
    ("AI", r"artificial\s+intelligence|intelligence\s+artificielle|machine\s+learning|\bgenerative\b|\bgénérative\b"),
    ("cloud", r"\bcloud\b|informatique\s+en\s+nuage"),
    ("data centre", r"data\s?cent(?:er|re)s?|datacent(?:er|re)s?|centres?\s+de\s+(?:données|calcul)"
                    r"|server\s+farms?|fermes?\s+de\s+serveurs|hyperscale"),
    ("chips", r"semiconductors?|semi-?conducteurs?|\bchips?\b|chipmaking|\bfabs?\b|\bpuces?\b|\bfoundry\b|fonderie"),
    ("batteries", r"batter(?:y|ies)|\bbatteries?\b|gigafactor(?:y|ies)|cellules?\s+de\s+batterie"),
    ("factory", r"factor(?:y|ies)|\bplants?\b|manufacturing|production\s+(?:site|facility|line|plant)s?"
                r"|\busines?\b|sites?\s+de\s+production|sites?\s+industriels?|lignes?\s+de\s+production"),
    ("logistics", r"logistics?|logistique|warehouses?|entrepôts?|fulfil?ment\s+cent(?:er|re)s?"
                  r"|distribution\s+cent(?:er|re)s?|centres?\s+de\s+distribution|delivery\s+network"),
    ("R&D", r"research\s+and\s+development|recherche\s+et\s+développement|research\s+(?:centre|center|lab)s?"
            r"|centres?\s+de\s+recherche|laboratoires?"),
    ("energy", r"renewables?|renouvelables?|\bsolar\b|solaire|wind\s+(?:farm|power)s?|éolien\w*|hydrogen|hydrogène"
               r"|nuclear|nucléaire"),
    ("telecom", r"\bfib(?:re|er)\b|telecoms?|télécoms?"),
    ("skills", r"skilling|upskilling|\btraining\b|\bformation\b"),
    ("healthcare", r"\bhealth\s?care\b|\bsanté\b|hospitals?|hôpita(?:l|ux)|biotech\w*|pharma\w*"),
    ("defence", r"\bdefen[cs]e\b|\bdéfense\b|military|militaire"),
    ("mobility", r"electric\s+vehicles?|véhicules?\s+électriques?|automotive|automobile"),
)
#: Acronyms read with their case in the original text ("j'ai" is not "AI").
_ACRONYM_PURPOSES = {"AI": "AI", "A.I.": "AI", "IA": "AI", "LLM": "AI", "LLMs": "AI", "R&D": "R&D",
                     "5G": "telecom", "EV": "mobility", "EVs": "mobility"}
_ACRONYM_RE = re.compile(r"(?<![\w&.])(?:A\.I\.|AI|IA|LLMs?|R&D|5G|EVs?)(?![\w&])")

#: "plusieurs milliards d'euros", "billions of dollars": an amount without a figure.
#: Found from the scale word (a cheap scan), then checked around it, in lower-cased text.
_VAGUE_SCALE = re.compile(r"(?:b(?:illion|n)|m(?:illion|illiard))s?(?!\w)")
_VAGUE_QUANTIFIER = re.compile(
    r"(?<![\w])(?:several|multiple|a\s+few|many|tens\s+of|hundreds\s+of|plusieurs|quelques|des\s+dizaines\s+de"
    r"|des\s+centaines\s+de|des)\s+(?:hundred\s+)?$"
)
_VAGUE_CURRENCY = re.compile(
    r"\s*(?P<conn>of\s+|de\s+|d['’]\s*)?(?P<cur>euros?|dollars?|€|\$|pounds|livres\s+sterling|yuan|yen)(?!\w)"
)


def _vague_amounts(low: str) -> list[tuple[int, int, str]]:
    """(start, end, currency word) of each amount given without a figure."""
    found = []
    if "illi" not in low and "bn" not in low:  # no scale word at all: most texts (a C-speed test)
        return found
    for scale in _VAGUE_SCALE.finditer(low):
        j = scale.start() - 1
        while j >= 0 and low[j] == " ":
            j -= 1
        if j >= 0 and low[j].isdigit():
            continue  # "4 billion euros": a figure, find_money's
        currency = _VAGUE_CURRENCY.match(low, scale.end())
        if not currency:
            continue
        quantifier = _VAGUE_QUANTIFIER.search(low, max(0, scale.start() - 30), scale.start())
        if quantifier:
            found.append((quantifier.start(), currency.end(), currency.group("cur")))
        elif scale.group().endswith("s") and currency.group("conn"):
            if not any(c.isdigit() for c in low[max(0, scale.start() - 4) : scale.start()]):
                found.append((scale.start(), currency.end(), currency.group("cur")))  # "billions of dollars"
    return found


# Lexicons of hundreds of words, gathered by first letter (same matches, several times faster).
_STRONG_NEGATIVE = _by_first_letter(_STRONG_NEGATIVE)
_WEAK_NEGATIVE = _by_first_letter(_WEAK_NEGATIVE)
_DEBT = _by_first_letter(_DEBT)
_EQUITY = _by_first_letter(_EQUITY)
_AGGREGATE = _by_first_letter(_AGGREGATE)
_STRONG_PAST = _by_first_letter(_STRONG_PAST)
_WEAK_PAST = _by_first_letter(_WEAK_PAST)
_PLACE_RE = _by_first_letter(_PLACE_RE)
_DEMONYM_RE = _by_first_letter(_DEMONYM_RE)
_PUBLIC_KEY = _by_first_letter(_PUBLIC_KEY)
_VAGUE_QUANTIFIER = _by_first_letter(_VAGUE_QUANTIFIER)
#: Every purpose keyword in one pattern; which purpose a match is, is told by _PURPOSE_EACH.
_PURPOSE_ANY = _by_first_letter(re.compile(r"(?<![\w-])(?:" + "|".join(p for _, p in _PURPOSES) + ")"))
_PURPOSE_EACH = [(label, re.compile(p)) for label, p in _PURPOSES]
#: The first words of the trigger phrases, gathered by first letter: found in one pass.
_TRIGGER_START = _by_first_letter(re.compile(
    r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in sorted(_TRIGGER_INDEX, key=len, reverse=True)) + r")(?!\w)(?!-\w)"))


# --- the per-sentence decision ----------------------------------------------


@dataclass(frozen=True)
class _Amount:
    """An amount in a sentence, with offsets in that sentence."""

    amount: Decimal | None
    currency: str | None
    text: str
    start: int
    end: int
    upper_bound: bool = False


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    trigger: _Trigger


@dataclass(frozen=True)
class _Context:
    """What the sentences of one article share."""

    title: str
    #: The investor of the latest announcement, for "the company" and "il".
    last_investor: str | None
    #: "in 2023" is past when the article is from 2024.
    published_year: int | None


@dataclass(frozen=True)
class _Found:
    """A candidate announcement; place, purpose and confidence are filled in last,
    once repeats are merged, as they cost more than the rest."""

    announcement: Announcement
    #: Offset of the sentence in the article.
    position: int
    #: "the €4bn", "les 4 milliards": points back at an amount said before.
    reference: bool
    #: Several investors summed ("together", "au total").
    aggregate: bool
    #: The sentences that tell it (several once repeats are merged).
    sources: tuple[str, ...]
    #: Names that are not its place ("Bank of America" is no place of investment).
    not_places: tuple[str | None, ...]
    #: Strength of its trigger, characters between trigger and amount.
    strength: int
    distance: int
    #: Confidence gained by being told again (in the title).
    bonus: float = 0.0
    #: The part of the first source that is about this amount (a sentence can tell several).
    window: tuple[int, int] = (0, 1 << 30)


def _amounts(sent: _Sentence, money: list[Money]) -> list[_Amount]:
    """The amounts of a sentence (money found in its source text), converted repeats
    dropped; vague amounts ("plusieurs milliards") when it has no figure."""
    kept: list[_Amount] = []
    previous: _Amount | None = None
    for found in money:
        start, end = found.start - sent.start, found.end - sent.start
        if previous is not None and found.currency != previous.currency:
            if _CONVERSION_GAP.fullmatch(sent.low, previous.end, start):
                continue  # "4 billion euros ($4.3 billion)": the same amount, converted
        lead = _RANGE_LEAD.match(sent.low, start)
        if lead:  # "plan de 2 à 3 milliards": the "de" of the range belongs to the phrase before
            start = lead.end()
        previous = _Amount(found.amount, found.currency, found.text, start, end, found.upper_bound)
        kept.append(previous)
    if not kept:
        for start, end, word in _vague_amounts(sent.low):
            kept.append(_Amount(None, currency_code(word), sent.text[start:end], start, end))
    return kept


_RANGE_LEAD = re.compile(r"(?:de|d['’]|from|von)\s*(?=\d)")


def _gap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    if a_end <= b_start:
        return b_start - a_end
    if b_end <= a_start:
        return a_start - b_end
    return 0


def _triggers(low: str) -> list[_Hit]:
    """The trigger phrases of a lower-cased sentence; the longest wins where several start."""
    hits: list[_Hit] = []
    covered = 0
    for word in _TRIGGER_START.finditer(low):  # only words that can start a phrase ("re-invest" cannot)
        start = word.start()
        if start < covered:
            continue  # inside the previous phrase
        best: _Hit | None = None
        for pattern, trigger in _TRIGGER_INDEX.get(word.group(), ()):
            m = pattern.match(low, start)
            if m and (best is None or m.end() > best.end):
                best = _Hit(start, m.end(), trigger)
        if best:
            if best.trigger.strength == 3 and _DETERMINER_BEFORE.search(low, max(0, start - 8), start):
                # "of pledges", "the backing": a verb form used as a noun tells no new commitment by itself
                best = _Hit(best.start, best.end, dataclasses.replace(best.trigger, strength=1))
            hits.append(best)
            covered = best.end
    return hits


_DETERMINER_BEFORE = re.compile(r"(?<![\w-])(?:of|the|an|its|their|these|those|des|les|ses|leurs)\s+$")


def _is_past(sentence: str, clause: tuple[int, int], strength: int, year: int | None) -> bool:
    """Whether an amount is an earlier commitment mentioned in passing.

    A past cue in the amount's own clause decides; one elsewhere in the sentence
    only when no present or future verb (strength 3) governs the amount:
    "Microsoft, already present in France, will invest €4bn" is new.
    """
    c_start, c_end = clause
    clause_text = sentence[c_start:c_end]
    if _STRONG_PAST.search(clause_text) or _past_perfect(sentence, c_start, c_end):
        return True
    if year is not None:
        for m in _YEAR_MENTION.finditer(clause_text):
            if int(m.group(1)) < year:
                return True
    if strength >= 3:
        return False
    if _RELATIVE_START.match(clause_text):
        return True
    if _STRONG_PAST.search(sentence) or _WEAK_PAST.search(sentence):
        return True
    if year is not None:
        return any(int(m.group(1)) < year for m in _YEAR_MENTION.finditer(sentence))
    return False


_POSSESSIVE = re.compile(r"['’]s$")
_ELIDED_NOUN = re.compile(r"[LlDd]['’][a-zà-ÿ]")
_LEGAL_ONLY = {"inc", "corp", "co", "ltd", "plc", "sa", "group", "llc", "ag", "se"}
#: Words that make a name with a nationality before them: "Belgian Holding", "British Airways".
_CORPORATE = {"holding", "holdings", "airways", "airlines", "telecom", "steel", "railways", "petroleum",
              "bank", "ventures", "capital", "investments", "post", "gas", "power", "water"}
_NAME_STOP = re.compile(r"[;:()]|,\s")
_NAME_LIST_SPLIT = re.compile(r"\s*(?:,|\band\b|\bet\b)\s*")


def _demonym_in_name(tokens: list[str]) -> bool:
    """Whether a nationality word belongs to the name it starts: "Saudi Aramco", "British
    Airways", "Belgian Holding", but not "French Mistral", "Chinese CATL" or "le Japonais Toyota"."""
    if len(tokens) != 2 or tokens[1].lower() in _GENERIC or tokens[1].lower() in _ROLES:
        return False
    if tokens[1].lower() in _CORPORATE:
        return True
    # An English adjective (capitalised in the table) before one capitalised word that is no acronym.
    return tokens[0] in _DEMONYMS and tokens[0] not in _FRENCH_CAPITALISED and not tokens[1].isupper()


#: French nationality words written with a capital in the table: never part of a name.
_FRENCH_CAPITALISED = {"Français", "Française", "Françaises"}


@functools.lru_cache(maxsize=4096)
def _clean_name(raw: str) -> tuple[str | None, bool]:
    """A candidate name without sentence starters, titles or possessives.

    Returns (name, public): public when a head of state or minister is named
    ("French President Emmanuel Macron").
    """
    raw = _POSSESSIVE.sub("", raw.strip()).rstrip(".,")
    if raw.endswith(".") and not _INITIALS.fullmatch(raw.lower()):
        raw = raw[:-1]
    # "Paris-based", "Alphabet-owned": adjectives
    tokens = [t for t in raw.split() if not t.endswith(("-based", "-owned", "-backed", "-listed", "-born"))]
    # "L'assureur Alan", "d'Iliad": an elided article before a common noun is no part of the name.
    tokens = [t for t in tokens if not _ELIDED_NOUN.match(t)]
    # "Saudi Arabia's Public Investment Fund", "Alphabet's Google": the owner is not the actor.
    for i in range(len(tokens) - 2, -1, -1):
        if _POSSESSIVE.search(tokens[i]) and " ".join(tokens[i + 1 :]).rstrip(".").lower() not in _LEGAL_ONLY:
            tokens = tokens[i + 1 :]
            break
    public = False
    for i, token in enumerate(tokens):
        if token.lower() in _ROLES:
            before = [t for t in tokens[:i] if t.lower() not in _NOT_NAMES and t not in _DEMONYMS]
            if before:
                tokens = tokens[:i]
            else:
                public = token.lower() in _PUBLIC_ROLES
                tokens = tokens[i + 1 :]
            break
    while tokens and (tokens[0].lower() in _NOT_NAMES
                      or (tokens[0].lower() in _DEMONYMS_LOWER and not _demonym_in_name(tokens))
                      or tokens[0].lower() in _ROLES or tokens[0].lower() in ("of", "de", "du", "des", "la", "le")):
        tokens = tokens[1:]
    while tokens and (tokens[-1].lower() in _NOT_NAMES or tokens[-1].lower() in _ROLES
                      or tokens[-1].lower() in ("of", "de", "du", "des", "la", "le", "the")):
        tokens = tokens[:-1]
    if not tokens or " ".join(tokens).lower() in _GENERIC or _ROUND_NAME.fullmatch(" ".join(tokens)):
        return None, False
    if " ".join(tokens) in _DEMONYMS:  # "South Korean": an adjective, not a name
        return None, False
    name = " ".join(tokens)
    name = _POSSESSIVE.sub("", name)
    return name, public


@dataclass(frozen=True)
class _Mention:
    """Something before a verb that can be its subject."""

    start: int
    end: int
    kind: str  # "name", "public", "pronoun", "plural", "anaphor"
    text: str | None
    public: bool = False


_PREPOSITIONS = {
    "in", "into", "at", "on", "of", "for", "from", "to", "with", "by", "near", "than", "about", "over", "under",
    "between", "across", "via", "per", "like", "de", "du", "des", "à", "au", "aux", "en", "dans", "pour", "par",
    "avec", "sur", "chez", "vers", "près", "entre", "selon", "contre", "comme",
}


def _after_preposition(segment: str, start: int) -> bool:
    """Whether the word before start is a preposition ("in France", "d'Iliad"): what
    follows one is no subject. (A set lookup: a regex anchored at the end costs more.)"""
    before = segment[max(0, start - 12) : start]
    if before[-2:].lower() in ("d'", "d’") and (len(before) < 3 or not before[-3].isalnum()):
        return True
    words = before.rsplit(None, 2)
    if not before[-1:].isspace() or not words:
        return False
    return words[-1].lower() in _PREPOSITIONS and (len(words) > 1 or start - len(before) == 0 or
                                                    before[0].isspace() or len(before) < 12)


def _mentions(segment: str) -> list[_Mention]:
    """The names, public bodies and references ("it", "la firme") of a sentence."""
    low = _lower(segment)
    entities = [_Mention(start, end, "public", name, True) for start, end, name in _public_bodies(segment, low)]
    for m in _NAME_RE.finditer(segment):
        if any(e.start < m.end() and m.start() < e.end for e in entities):
            continue  # "Banque des Territoires" is read as a public body
        if _after_preposition(segment, m.start()):
            continue
        name, public = _clean_name(m.group())
        if name:
            entities.append(_Mention(m.start(), m.end(), "name", name, public))
    # Countries and regions act too: "Les Émirats arabes unis vont investir", "Le Qatar investira".
    for m in _PLACE_RE.finditer(segment):
        if segment.startswith("-", m.end()) or _after_preposition(segment, m.start()):
            continue
        inside = [e for e in entities if e.start < m.end() and m.start() < e.end]
        if all(e.end - e.start < m.end() - m.start() for e in inside):
            entities = [e for e in entities if e not in inside]
            entities.append(_Mention(m.start(), m.end(), "name", _PLACES[m.group()], False))
    entities.sort(key=lambda e: e.start)
    joined: list[_Mention] = []
    for e in entities:
        join = _COMPOUND_JOIN.fullmatch(segment, joined[-1].end, e.start) if joined else None
        if join:  # "Microsoft and Amazon", "Bpifrance et la Banque des Territoires": one joint subject
            last = joined.pop()
            kind = "public" if last.kind == e.kind == "public" else "name"
            text = f"{last.text} {join.group(1)} {e.text}"
            e = _Mention(last.start, e.end, kind, text, last.public or e.public)
        joined.append(e)
    return joined + [_Mention(m.start(), m.end(), m.lastgroup, None) for m in _REFERENCE_RE.finditer(low)]


_SUBJECT_BREAK = re.compile(r"[;:«“\"]")


def _subject(sentence: str, mentions: list[_Mention], end: int, ctx: _Context) -> tuple[str | None, bool]:
    """The subject of a verb at end: the last name (or public body) before it, in
    the same clause-group. mentions: those of the whole sentence.

    Returns (subject, public). Pronouns and "the company" are resolved.
    """
    start = 0
    for m in _SUBJECT_BREAK.finditer(sentence, 0, end):
        start = m.end()
    mentions = [m for m in mentions if start <= m.start and m.end <= end]
    if not mentions:
        return None, False
    last = max(mentions, key=lambda m: (m.end, m.kind == "public"))
    if last.kind in ("name", "public"):
        return last.text, last.public
    if last.kind == "plural":
        return None, False
    if last.kind == "pronoun":
        before = [m for m in mentions if m.kind in ("name", "public") and m.end <= last.start]
        if before:
            first = min(before, key=lambda m: m.start)
            return first.text, first.public
    # "the company", "la firme": the company the story is about so far.
    return ctx.last_investor or _title_subject(ctx.title), False


@functools.lru_cache(maxsize=4096)
def _is_public(name: str) -> bool:
    """Whether a name is a public body's ("German government", "région Grand Est")."""
    return any(start == 0 and end == len(name) for start, end, _ in _public_bodies(name, _lower(name)))


def _is_place(name: str) -> bool:
    if name + "." in _PLACES:  # "U.S" once its final dot is taken for a full stop
        return True
    return name in _PLACES or name in _DEMONYMS or all(t in _PLACES or t in _DEMONYMS for t in name.split())


def _name_after(sentence: str, pos: int, limit: int = 70) -> str | None:
    """The first name (not a place) after pos, before the next clause break."""
    end = pos + limit
    while end < len(sentence) and (sentence[end].isalnum() or sentence[end] in "-&'’"):
        end += 1  # a name is never cut in the middle of a word
    segment = sentence[pos:end]
    cut = _NAME_STOP.search(segment)
    if cut:
        segment = segment[: cut.start()]
    for m in _NAME_RE.finditer(segment):
        name, _ = _clean_name(m.group())
        if name and not _is_place(name):
            return name
        if name:
            return None
    public = _public_bodies(segment, _lower(segment))
    return public[0][2] if public else None


def _attached(sentence: str, start: int, end: int, name: str | None) -> bool:
    """Whether the place at start:end describes name: "Norway's Equinor", "the German
    group Bosch", "le fonds américain Summit Partners", "Holcim, the Swiss group"."""
    if not name:
        return False
    first = name.split()[0]
    for at in (m.start() for m in re.finditer(re.escape(first), sentence)):
        if at >= end and _ATTACHED_BEFORE.fullmatch(sentence, end, at):
            return True
        if at < start:
            name_end = at + len(name) if sentence.startswith(name, at) else at + len(first)
            if _ATTACHED_AFTER.fullmatch(sentence, name_end, start):
                return True
    return False


# Between a place and the name it describes: "'s", and a few lower-case words.
_ATTACHED_BEFORE = re.compile(r"(?:['’]s)?(?:[\s-]+(?:[a-zà-ÿ][\w'’-]*|based|listed))*?\s+(?:(?:the|le|la|l['’])\s*)?")
# Between a name and the place of its appositive: ", the Swiss group", ", le motoriste français".
_ATTACHED_AFTER = re.compile(r",\s+(?:the|a|an|le|la|l['’]|un|une)\s*(?:[a-zà-ÿ][\w'’-]*\s+){0,3}")
_COUNTRY_THEN_REGION = re.compile(r",\s+")


@functools.lru_cache(maxsize=1024)
def _location(sentence: str, exclude: tuple[str | None, ...], investor: str | None = None,
              recipient: str | None = None, kind: str = _CAPEX) -> str | None:
    """The place the money goes.

    Ranked: a place after "in"/"en"/"à"; a place describing the company funded
    ("Paris-based X", "la start-up lyonnaise X"); any other place; a nationality
    adjective. Places describing the investor ("Norway's Equinor", "le japonais
    Toyota") are where the money comes from, and are skipped, unless the investor
    is public ("la région Grand Est" spends in the Grand Est).
    """
    skip = [e for e in exclude if e]
    low = _lower(sentence)
    best: tuple[int, int, str] | None = None  # (rank, -position, place)
    origin_matters = kind != _PUBLIC_PROGRAMME
    matches = [(m, _PLACES[m.group()], False) for m in _PLACE_RE.finditer(sentence)]
    spans = [(m.start(), m.end()) for m, _, _ in matches]
    # "Saudi" inside "Saudi Arabia's" is the place already read.
    matches += [(m, _DEMONYMS[m.group()], True) for m in _DEMONYM_RE.finditer(sentence)
                if not any(s < m.end() and m.start() < e for s, e in spans)]
    for i, (m, place, demonym) in enumerate(matches):
        if any(m.group() in e for e in skip):
            continue
        if origin_matters and _attached(sentence, m.start(), m.end(), investor):
            continue
        if demonym and kind in (_CAPEX, _PUBLIC_PROGRAMME) and _INVESTOR_NOUN_BEFORE.search(
                sentence, max(0, m.start() - 16), m.start()):
            continue  # "le groupe américain va injecter": where the investor comes from
        if origin_matters and investor and m.group() in investor:
            continue  # "Belgian Holding", "Qatar Investment Authority": part of a name
        if not demonym:
            # "Lebanon, Indiana": a town named after a country; the region that follows is the place.
            after = _COUNTRY_THEN_REGION.match(sentence, m.end())
            if after and place in _COUNTRIES:
                nxt = _PLACE_RE.match(sentence, after.end())
                if nxt and _PLACES[nxt.group()] not in _COUNTRIES:
                    continue
        if _PLACE_PREPOSITION.search(low, max(0, m.start() - 20), m.start()) or (
                demonym and _ECONOMY_BEFORE.search(low, max(0, m.start() - 30), m.start())):
            rank = 4
        elif sentence.startswith("-based", m.end()) or _attached(sentence, m.start(), m.end(), recipient):
            rank = 3
        elif not demonym:
            rank = 2
        else:
            rank = 1
        if best is None or (rank, -m.start()) > best[:2]:
            best = (rank, -m.start(), place)
    return best[2] if best else None


_INVESTOR_NOUN_BEFORE = re.compile(
    r"\b(?:groupe|group|company|firm|géant|giant|constructeur|fabricant|opérateur|industriel|énergéticien"
    r"|pétrolier|distributeur|carmaker|automaker|chipmaker|conglomerate|conglomérat)\s+$", _I
)
#: "dans l'économie française", "into the British market": a nationality after these is a place.
_ECONOMY_BEFORE = re.compile(
    r"(?:in|into|dans|sur)\s+(?:the\s+|l['’]|le\s+|la\s+)?(?:économie|economy|marché|market|industrie|industry"
    r"|tissu\s+\w+|écosystème|ecosystem)\s*$"
)


@functools.lru_cache(maxsize=1024)
def _purpose(sentence: str) -> str | None:
    found = []
    for m in _PURPOSE_ANY.finditer(_lower(sentence)):
        label = next((label for label, p in _PURPOSE_EACH if p.fullmatch(m.group())), None)
        if label:
            found.append((m.start(), label))
    found += [(m.start(), _ACRONYM_PURPOSES[m.group()]) for m in _ACRONYM_RE.finditer(sentence)]
    labels: list[str] = []
    for _, label in sorted(found):
        if label not in labels:
            labels.append(label)
    return ", ".join(labels) if labels else None


def _confidence(strength: int, has_amount: bool, investor: bool, location: bool, purpose: bool,
                distance: int) -> float:
    """0..1 from how many signals agree: a verb rather than a noun, a named party,
    a place, an aim, a figure, a trigger close to the amount."""
    score = 0.3 + {3: 0.25, 2: 0.15, 1: 0.05}[strength]
    score += 0.15 if investor else 0.0
    score += 0.1 if location else 0.0
    score += 0.05 if purpose else 0.0
    score -= 0.0 if has_amount else 0.15
    score -= 0.1 if distance > 60 else 0.0
    return round(min(0.95, max(0.05, score)), 2)


#: Words that may stand between "in"/"dans" and the company funded: "in French startup X",
#: "dans la jeune pousse lyonnaise X", "into its subsidiary X".
_COMPANY_NOUNS = {
    "start-up", "startup", "start-ups", "startups", "company", "firm", "group", "groupe", "société", "entreprise",
    "firme", "filiale", "subsidiary", "unit", "arm", "maker", "developer", "lender", "bank", "banque", "insurer",
    "assureur", "fintech", "biotech", "medtech", "healthtech", "edtech", "proptech", "deeptech", "insurtech",
    "scale-up", "scaleup", "jeune", "pousse", "pépite", "licorne", "unicorn", "platform", "plateforme",
    "specialist", "spécialiste", "éditeur", "operator", "opérateur", "retailer", "distributeur", "brand", "marque",
    "label", "chipmaker", "carmaker", "automaker", "rival", "competitor", "concurrent", "champion", "provider",
    "fournisseur", "manufacturer", "fabricant", "constructeur", "airline", "compagnie", "utility", "producer",
    "producteur", "chain", "chaîne", "app", "application", "owner", "venture", "joint", "coentreprise",
    "néobanque", "neobank", "laboratoire", "lab", "labo", "business", "outfit", "player", "acteur", "maison",
}
_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "le", "la", "les", "l'", "l’", "un", "une", "sa",
                "son", "ses", "leur", "leurs", "du", "de", "des", "d'", "d’"}
#: Words that, between "in" and a name, say the money goes to something other than a company.
_NOT_COMPANY_NOUNS = {
    "network", "networks", "réseau", "réseaux", "plant", "plants", "factory", "factories", "usine", "usines", "site",
    "sites", "store", "stores", "magasin", "magasins", "facility", "facilities", "operations", "infrastructure",
    "campus", "fleet", "flotte", "warehouse", "warehouses", "entrepôt", "entrepôts", "project", "projects",
    "projet", "projets", "programme", "programmes", "program", "programs", "research", "recherche", "expansion",
    "extension", "region", "région", "country", "pays", "city", "ville", "state", "area", "zone", "territory",
    "sector", "secteur", "industry", "industrie", "economy", "économie", "market", "marché", "capacity", "capacité",
    "development", "développement", "called", "named", "baptisé", "baptisée", "nommé", "nommée", "centre", "center",
    "centres", "centers", "data", "hub", "hubs", "lab", "laboratoire", "fab", "fabs", "gigafactory", "mine",
    "port", "airport", "aéroport", "line", "lines", "ligne", "lignes", "raffinerie", "refinery",
}
#: A name followed by one of these is an asset of that company, not the company: "ScottishPower networks".
_ASSET_AFTER = re.compile(
    r"\s+(?:networks?|réseaux?|plants?|factor(?:y|ies)|usines?|sites?|stores?|magasins?|facilit(?:y|ies)"
    r"|operations|infrastructure|campus|fleet|flotte|data\s?cent(?:er|re)s?|warehouses?|entrepôts?)\b"
)
_RECIPIENT_PREP = re.compile(
    r"(?:\s+(?:supplémentaires?|additionnels?|additional|more|extra|de\s+plus|over\s+\w+\s+years|sur\s+\w+\s+ans))*"
    r"[^.;,]{0,12}?\b(?:in|into|dans|sur|au\s+capital\s+d(?:e|u|es|['’]))\s*")
_DESCRIPTOR_TOKEN = re.compile(r"[^\s]+")
_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s?(?:%|per\s?cent|pour\s+cent)")
_CONTROL = re.compile(
    r"\b(?:majority|controlling|control|full\s+ownership|remaining|rest\s+of|does\s+not\s+already|majoritaire"
    r"|contrôle|solde|reste\s+du|ne\s+détenait\s+pas|qu['’]il\s+ne\s+détenait|100\s?%)"
)


def _company_after(sentence: str, pos: int) -> str | None:
    """The company right after pos ("in Mistral", "dans la start-up lyonnaise Zymna"), or None
    when what follows is a place, a facility or anything but a company."""
    end = pos + 90
    while end < len(sentence) and (sentence[end].isalnum() or sentence[end] in "-&'’"):
        end += 1
    segment = sentence[pos:end]
    cut = _NAME_STOP.search(segment)
    if cut:
        segment = segment[: cut.start()]
    first = _NAME_RE.search(segment)
    if not first:
        return None
    between = segment[: first.start()].split()
    if len(between) > 5 or any(t.lower().strip(",") in _NOT_COMPANY_NOUNS or any(c.isdigit() for c in t)
                               for t in between):
        return None
    name, _ = _clean_name(first.group())
    if not name or _is_place(name) or _is_public(name):
        return None
    return name


def _without_appositives(sentence: str, end: int) -> int:
    """end moved before the appositives that end at it: in "Tallyo, a Toronto startup,
    has raised", the subject of "has raised" is Tallyo, not Toronto."""
    seg = _AUXILIARIES.sub("", sentence[:end].rstrip())
    moved = False
    while seg.endswith(","):
        body = seg[:-1]
        k = body.rfind(", ")
        if k < 0:
            break
        appositive = body[k + 2 :]
        if not appositive or len(appositive) > 120:
            break
        if not (appositive[0].islower() or _APPOSITIVE_START.match(appositive)):
            break
        seg, moved = body[:k], True
    return len(seg) if moved else end


#: Auxiliaries and adverbs between a subject and its verb: "X, a startup, has just raised".
_AUXILIARIES = re.compile(
    r"(?:\s+(?:has|have|had|will|would|is|was|are|were|been|also|just|now|recently|finally|said\s+it|says\s+it"
    r"|a|ont|va|vont|vient\s+de|viennent\s+de|est|sont|avait|aurait|annonce|annoncé|prévoit\s+de|compte"
    r"|également|aussi|d['’]|de|to|plans\s+to|agreed\s+to|is\s+set\s+to|managed|failed|tried|sought|struggled"
    r"|hoped|wanted|aimed|expects|expected|plans|planned|wants|aims|seeks|hopes|intends|decided|agreed|continues"
    r"|continued|able|unable))+$",
    _I,
)

_APPOSITIVE_START = re.compile(r"(?:the|a|an|its|le|la|les|l['’]|un|une|sa|son)\b", _I)


def _percent(low: str, start: int, end: int) -> Decimal | None:
    m = _PERCENT.search(low, start, end)
    return Decimal(m.group(1).replace(",", ".")) if m else None


class _Cues:
    """The negative and context cues of one sentence, found once and then looked up per
    amount (a sentence with three amounts would otherwise be scanned three times).
    Cues inside a trigger phrase ("commande" in "passe commande") are left out."""

    def __init__(self, low: str, text: str, hits: list[_Hit]) -> None:
        spans = [(h.start, h.end) for h in hits]

        def scan(pattern: re.Pattern, s: str) -> list[tuple[int, int]]:
            return [(m.start(), m.end()) for m in pattern.finditer(s)
                    if not any(a <= m.start() < b for a, b in spans)]

        self._found = {
            "strong": scan(_STRONG_NEGATIVE, low), "weak": scan(_WEAK_NEGATIVE, low),
            "debt": scan(_DEBT, low), "equity": scan(_EQUITY, low), "donation": scan(_DONATION_NOUN, text),
        }

    def within(self, name: str, start: int, end: int) -> list[tuple[int, int]]:
        return [(s, e) for s, e in self._found[name] if start <= s and e <= end]

    def any_in(self, name: str, start: int, end: int) -> bool:
        return any(start <= s and e <= end for s, e in self._found[name])


def _sentence_announcements(
    sent: _Sentence, money: list[Money], ctx: _Context, rejected: list[tuple[Decimal | None, str | None]] | None = None
) -> list[_Found]:
    """The announcements one sentence makes; money is what find_money saw in it.

    rejected, when given, receives the amounts a negative or past cue ruled out:
    a headline amount the body explains as a loan is no announcement either.
    """
    text, low = sent.text, sent.low
    amounts = _amounts(sent, money)
    if not amounts:
        return []
    hits = _triggers(low)
    if not hits:
        if rejected is not None:  # the headline may tell the same amount with a trigger
            for amount in amounts:
                clause = _clause(text, amount.start)
                if _STRONG_NEGATIVE.search(low, *clause) or _DEBT.search(low, *clause) or (
                        _GRANTS.search(low, *clause) and not _public_bodies(text, low)):
                    rejected.append((amount.amount, amount.currency))
        return []
    mentions: list[_Mention] | None = None  # computed once, when an amount gets that far
    cues: _Cues | None = None
    results: list[_Found] = []
    for index, amount in enumerate(amounts):
        clause = _clause(text, amount.start)
        window_of_amount = (_clause(text, amounts[index - 1].start)[1] if index else 0,
                            amounts[index + 1].start if index + 1 < len(amounts) else len(text))

        # The trigger that governs the amount: the nearest one, one after the amount
        # counting as a little farther ("4 milliards seront investis"), and only in
        # the amount's own clause ("..., après l'annonce d'un plan" governs nothing).
        best: _Hit | None = None
        best_d = 10**6
        for hit in hits:
            if hit.start < amount.end and amount.start < hit.end:
                continue
            if hit.start >= amount.end and hit.start >= clause[1]:
                continue
            if hit.end <= amount.start and hit.start < clause[0] and any(
                    hit.end <= o.start and o.end <= clause[0] for o in amounts):
                continue  # "spend $1.5bn less..., redirecting $10bn": the verb governs its own amount
            d = amount.start - hit.end if hit.end <= amount.start else hit.start - amount.end + 15
            if d < best_d or (d == best_d and best is not None and hit.trigger.strength > best.trigger.strength):
                best, best_d = hit, d
        if best is None or best_d > 150:
            continue
        in_clause = [h for h in hits if clause[0] <= h.start < clause[1]]
        strength = max([h.trigger.strength for h in in_clause] + [best.trigger.strength])

        # A fine, a loan, a donation... in the amount's clause; or revenue, a price,
        # a valuation... nearer to the amount than its trigger (cues inside a trigger
        # phrase, like "commande" in "passe commande", do not count).
        def reject() -> None:
            if rejected is not None:
                rejected.append((amount.amount, amount.currency))

        if cues is None:  # once per sentence, outside trigger phrases
            cues = _Cues(low, text, hits)
        if cues.any_in("strong", *clause) or cues.any_in("donation", *clause):
            reject()
            continue
        if _LESS_AFTER.match(low, amount.end):
            reject()
            continue
        # After the amount, only its own clause counts: ", valuing the group at..." is a comment.
        window = (max(0, amount.start - best_d - 40), min(amount.end + best_d + 40, max(clause[1], amount.end)))
        near = cues.within("strong", *window) + cues.within("weak", *window)
        if best.trigger.kind == _ACQUISITION:  # "in a deal valuing the company at €6.1bn" is the price
            near = [(s, e) for s, e in near if not low.startswith("valu", s)]
        if not cues.any_in("equity", *clause):
            near += cues.within("debt", *window)
        if any(_gap(s, e, amount.start, amount.end) <= best_d for s, e in near):
            reject()
            continue
        if _is_past(low, clause, strength, ctx.published_year):
            reject()
            continue
        if not in_clause and _RELATIVE_START.match(low, clause[0]):
            continue  # "BlackRock, which manages $10tn, will invest...": a description, not the deal
        funding_before = [h for h in hits if h.trigger.kind == _FUNDING and h.end <= amount.start]
        if funding_before and (_FUND_AFTER.match(low, amount.end)
                               or _FUND_BEFORE.search(low, funding_before[-1].end, amount.start)):
            continue  # "closes $950m fund", "closed two funds worth $950m": a fund's size, not an investment
        aggregate = False
        for m in _AGGREGATE.finditer(low, 0, amount.end + 30):
            s, e = m.start(), m.end()
            if s < amount.start:
                verbs_between = [h for h in hits if e <= h.start < amount.start and h.trigger.strength == 3]
                verbs_in_clause = [h for h in in_clause if h.trigger.strength == 3]
                if not verbs_between and not verbs_in_clause:
                    aggregate = True
            elif _gap(s, e, amount.start, amount.end) <= 12:
                aggregate = True
        if _MIXED_AFTER.search(low, amount.end):
            aggregate = True  # "un financement de 2 milliards, combinant fonds propres et dette"
        if aggregate and strength < 3:
            continue

        # A noun ("a €6m investment") tells the kind less well than the verb before it
        # ("Inventure has backed Skyharbor, ..., with a €6m investment").
        governing = best
        if best.trigger.strength == 1:
            verbs = [h for h in hits if h.trigger.strength >= 2 and h.end <= min(best.start, amount.start)
                     and amount.start - h.end <= 150]
            if verbs:
                governing = verbs[-1]
        trigger = governing.trigger
        kind = trigger.kind
        if trigger.kind == _CAPEX and best.trigger.kind != _CAPEX:
            # "annonce une levée", "has taken ... a stake": the noun is more precise than a
            # generic verb, and says who the subject is.
            trigger = best.trigger
            kind = trigger.kind
        subject_end = governing.start if governing.start < amount.start else amount.start
        subject_end = _without_appositives(text, subject_end)
        if mentions is None:  # a subject stands before its amount: the rest of the sentence is not read
            mentions = _mentions(text[: amounts[-1].start])
        before_verb = _AUXILIARIES.sub("", low[max(0, subject_end - 60) : subject_end].rstrip())
        if _PLURAL_SUBJECT.search(before_verb) or _PLURAL_GROUP.search(before_verb):
            continue  # "European startups raised a combined €45bn": many investments summed
        relative = _RELATIVE_SUBJECT.search(text, 0, subject_end)
        if relative:  # "vient de Microsoft, qui va investir": the name before the relative pronoun
            subject, public = _clean_name(relative.group("name"))
        else:
            subject, public = _subject(text, mentions, subject_end, ctx)
        investor: str | None
        recipient: str | None = None
        if trigger.subject == "seller":  # "Eni sells 25% of Enilive to KKR"
            to = re.compile(r"\s(?:to|à|au)\s").search(low, governing.end, governing.end + 100)
            investor = _name_after(text, to.end(), 50) if to else None
            if investor is None:
                continue
            recipient = _name_after(text, governing.end, to.start() - governing.end) or subject
            public = False
        elif trigger.subject == "recipient":
            recipient = subject
            investor = None
            if kind == _ACQUISITION:
                investor = _name_after(text, governing.end)
            else:
                for m in _LEAD_INVESTOR.finditer(low, governing.start):
                    investor = _name_after(text, m.end(), 50)
                    if investor:
                        break
            public = False
        else:
            investor = subject
            if investor is None:  # "un plan ... annoncé par le gouvernement"
                by = _BY_AGENT.match(low, max(governing.end, amount.end))
                if by:
                    investor = _name_after(text, by.end(), 50)
                    public = bool(investor and _is_public(investor))
            if kind == _ACQUISITION:
                recipient = _name_after(text, governing.end)
            elif kind == _STAKE or _STAKE_CUE.search(low, clause[0], clause[1]):
                target = _STAKE_TARGET.search(low, governing.start)
                recipient = _name_after(text, target.end()) if target else _name_after(text, governing.end)
            elif kind == _FUNDING:  # "SoftBank backs OpenAI with $40bn", "leads a round in X"
                recipient = _company_after(text, governing.end) or _name_after(text, governing.end)
                if recipient is None:
                    m = _RECIPIENT_PREP.match(low, amount.end, amount.end + 40)
                    recipient = _company_after(text, m.end()) if m else None
            else:
                for pos in (amount.end, governing.end):
                    m = _RECIPIENT_PREP.match(low, pos, pos + 40)
                    if m:
                        if not any(w in _NOT_COMPANY_NOUNS for w in m.group().split()):
                            recipient = _company_after(text, m.end())  # not "a campus in Didcot"
                        break
        if kind == _ACQUISITION and _GOODS_AFTER.match(low, amount.end):
            continue  # "to buy $30bn of computing capacity": a purchase of goods, not of a company
        if (investor and _LENDERS.search(investor)) or (kind == _FUNDING and _LENDERS.search(text, *clause)):
            reject()
            continue  # a development bank's money is a loan
        if strength == 1 and _POSSESSIVE_BEFORE.search(low, max(0, amount.start - 30), amount.start):
            continue  # "the company's $13 billion investment in OpenAI": a known one, recalled
        if _GRANTS.search(low, *clause) and not (public or (investor and _is_public(investor))):
            reject()
            continue  # grants are gifts, unless a state gives them ("£500m of grants for nuclear plants")
        if investor and _CHARITY_NAME.search(investor):
            reject()
            continue  # a foundation's pledge is a gift
        if recipient and investor and recipient == investor:
            recipient = None
        asset = bool(recipient) and _recipient_is_asset(text, recipient)

        # The kind (see the module docstring): a share of less than half is a stake, a
        # majority or the remaining shares an acquisition; money into a named company
        # is a funding round when round words are near, else a stake; a public
        # investor's money is a public programme.
        share = _percent(low, clause[0], clause[1])
        control = bool(_CONTROL.search(low, clause[0], clause[1]))
        stake_cue = bool(_STAKE_CUE.search(low, clause[0], clause[1]))
        if kind == _ACQUISITION and stake_cue and not control and (share is None or share < 50):
            kind = _STAKE
        elif kind == _STAKE and (control or (share is not None and share >= 50)):
            kind = _ACQUISITION
        elif kind == _CAPEX and stake_cue and not control and (share is None or share < 50):
            kind = _STAKE
        elif kind == _CAPEX and stake_cue:
            kind = _ACQUISITION
        if kind == _CAPEX and recipient and not asset and _FUNDING_CUE.search(low):
            kind = _FUNDING
        if kind == _CAPEX and investor and (public or _is_public(investor) or investor in _PLACES):
            kind = _PUBLIC_PROGRAMME
        elif kind == _CAPEX and recipient and not asset:
            kind = _STAKE

        # A public investor's own name is its place ("la région Grand Est"); a company's is not.
        not_places = (recipient,) if kind == _PUBLIC_PROGRAMME else (investor, recipient)
        reference = bool(_DEFINITE_BEFORE.search(low, max(0, amount.start - 8), amount.start))
        announcement = Announcement(
            investor=investor,
            amount=amount.amount,
            currency=amount.currency,
            amount_text=amount.text,
            upper_bound=amount.upper_bound,
            recipient=recipient,
            kind=kind,
            evidence=" ".join(text.split()),
        )
        position = sent.start if sent.is_title else len(ctx.title) + 1 + sent.start
        found = _Found(announcement, position, reference, aggregate, (text,), not_places, strength, best_d,
                       window=window_of_amount)
        # "X and Y will each invest $5bn": one announcement per investor.
        names = _names(investor)
        if len(names) > 1 and _EACH.search(low, 0, amount.start):
            for name in sorted(names, key=lambda n: (investor or "").find(n)):
                results.append(dataclasses.replace(
                    found, announcement=dataclasses.replace(announcement, investor=name)))
            continue
        results.append(found)
    return results


_RELATIVE_SUBJECT = re.compile(
    rf"(?P<name>{_NAME_RE.pattern}),\s+(?:qui|which|who|that)(?:\s+(?:has|have|had|will|would|is|was|va|vont|a|ont|"
    rf"compte|prévoit\s+d['’]|prévoit\s+de|entend|also|aussi|également))*\s*$"
)
_PLURAL_SUBJECT = re.compile(
    r"(?<![\w-])(?:startups|start-ups|companies|firms|jeunes\s+pousses|entreprises|sociétés|investors"
    r"|investisseurs|scale-ups|fintechs|licornes|unicorns)\s*(?:,\s*)?$"
)
_GOODS_AFTER = re.compile(r"\s+(?:worth\s+)?(?:of\b|de\b|d['’])\s*(?!l['’]|la\s|le\s)[a-zà-ÿ]")
_MIXED_AFTER = re.compile(
    r"(?<![\w-])(?:combining|combinant|mêlant|mixing|including\s+debt|y\s+compris\s+(?:de\s+la\s+)?dette)"
)
_POSSESSIVE_BEFORE = re.compile(r"(?:['’]s|\b(?:its|their|his|her|son|sa|ses|leur|leurs))\s+(?:[\w-]+\s+){0,2}$")
_PLURAL_GROUP = re.compile(
    r"\b(?:les|des|ces|leurs|nos|the|many|several|plusieurs|some|certaines?)\s+(?:[\w-]+\s+)?"
    r"(?:start-?ups?|jeunes\s+pousses|entreprises|sociétés|companies|firms|pme)(?:\s+[a-zà-ÿ-]+){0,3}\s*$"
)
_EACH = re.compile(r"(?<![\w-])(?:each|chacun|chacune|respectively|respectivement)(?!\w)")


def _recipient_is_asset(sentence: str, recipient: str) -> bool:
    at = sentence.find(recipient)
    return at >= 0 and _ASSET_AFTER.match(sentence, at + len(recipient)) is not None


_COMPANY_PLACE_AFTER = re.compile(
    r"-based\b|\s+(?:company|startup|start-up|firm|business|fintech|biotech|outfit|scale-up|group)\b"
)


_THE_COUNTRY = re.compile(r"(?<![\w-])(?:in|into|across)\s+the\s+(?:country|kingdom|region)\b"
                          r"|(?:dans|en)\s+(?:le|ce)\s+pays\b|\bau\s+pays\b|\bdans\s+la\s+région\b")


def _company_place(body: str) -> str | None:
    """The place a story gives its company elsewhere: "the Dublin company", "Paris-based",
    "la start-up parisienne"."""
    for m in _PLACE_RE.finditer(body):
        if _COMPANY_PLACE_AFTER.match(body, m.end()):
            return _PLACES[m.group()]
    for m in _DEMONYM_RE.finditer(body):
        if _COMPANY_NOUN_BEFORE.search(body, max(0, m.start() - 25), m.start()):
            return _DEMONYMS[m.group()]
    return None


_COMPANY_NOUN_BEFORE = re.compile(
    r"\b(?:start-?up|société|jeune\s+pousse|entreprise|fintech|biotech|pépite|licorne|scale-?up|PME)\s+$", _I
)


def _finish(found: _Found, title: str, body: str = "") -> Announcement:
    """The announcement with its place, purpose and confidence.

    title is "" unless the headline may complete this announcement (when the
    article tells only one): the headline's place or aim belongs to no second company.
    """
    a = found.announcement
    first = found.sources[0][found.window[0] : found.window[1]]
    location = next(filter(None, (_location(s, found.not_places, a.investor, a.recipient, a.kind)
                                  for s in (first,) + found.sources)), None)
    if location is None and a.kind == _FUNDING and title:  # one round in the story: its company's place
        location = _company_place(body)
    location = location or (_location(title, found.not_places, a.investor, a.recipient, a.kind) if title else None)
    purpose = next(filter(None, (_purpose(s) for s in found.sources)), None) or (_purpose(title) if title else None)
    confidence = _confidence(found.strength, a.amount is not None, a.investor is not None or a.recipient is not None,
                             location is not None, purpose is not None, found.distance)
    return dataclasses.replace(a, location=location, purpose=purpose,
                               confidence=round(min(0.99, confidence + found.bonus), 2))


# --- merging ----------------------------------------------------------------


def _names(investor: str | None) -> set[str]:
    if not investor:
        return set()
    return {p.strip() for p in _NAME_LIST_SPLIT.split(investor) if p.strip()}


def _shares_investor(a: str | None, b: str | None) -> bool:
    """Whether two investor strings name a common investor ("Microsoft" in "Microsoft and Amazon")."""
    for x in _names(a):
        for y in _names(b):
            if re.search(rf"(?<!\w){re.escape(x)}(?!\w)", y) or re.search(rf"(?<!\w){re.escape(y)}(?!\w)", x):
                return True
    return False


def _same_investor(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b or a in b or b in a


def _combine(kept: _Found, other: _Found, bonus: float = 0.0) -> _Found:
    """kept, with the fields it lacks taken from other, which tells the same investment."""
    a, b = kept.announcement, other.announcement
    return dataclasses.replace(
        kept,
        announcement=dataclasses.replace(a, investor=a.investor or b.investor, recipient=a.recipient or b.recipient),
        reference=kept.reference and other.reference,
        sources=kept.sources + other.sources,
        strength=max(kept.strength, other.strength),
        distance=min(kept.distance, other.distance),
        bonus=max(kept.bonus, other.bonus) + bonus,
    )


def _merge_repeats(found: list[_Found]) -> list[_Found]:
    """One item per investment told several times (the same amount, or a vague
    amount and a figure for the same investor)."""
    merged: list[_Found] = []
    for item in found:
        new = item.announcement
        for i, old in enumerate(merged):
            a = old.announcement
            same_amount = new.amount is not None and new.amount == a.amount and new.currency == a.currency
            vague_same = (new.amount is None or a.amount is None) and _shares_investor(new.investor, a.investor)
            if (same_amount and _same_investor(a.investor, new.investor)) or vague_same:
                # The figure wins over "plusieurs milliards".
                merged[i] = _combine(item, old) if a.amount is None and new.amount is not None else _combine(old, item)
                break
        else:
            merged.append(item)
    return merged


_ADDITIONAL = re.compile(
    r"(?<![\w-])(?:also|additionally|in\s+addition|another|further|separately|as\s+well|aussi|également"
    r"|en\s+outre|par\s+ailleurs|supplémentaires?|additionnels?|additional)\b"
)


def _drop_breakdowns(found: list[_Found], title: str) -> list[_Found]:
    """Drop the parts of an investment told after its whole.

    "Google will invest up to $2bn in X. It invested $500m upfront and will add
    $1.5bn": a later sentence giving the same investor a smaller amount, in the
    same place, details the earlier commitment, unless it says it adds to it
    ("will also spend", "en outre").
    """
    kept: list[_Found] = []
    for item in found:
        new = item.announcement
        if any(_ADDITIONAL.search(_lower(source)) for source in item.sources):
            kept.append(item)
            continue
        part_of = [
            old for old in kept
            if old.position < item.position
            and old.announcement.amount is not None and new.amount is not None
            and new.amount < old.announcement.amount
            and new.currency == old.announcement.currency
            and new.investor is not None and _shares_investor(new.investor, old.announcement.investor)
        ]
        if part_of:
            place = _finish(item, "").location
            if any(place in (None, _finish(old, "").location) for old in part_of):
                continue
        kept.append(item)
    return kept


def _merge(title_found: list[_Found], body: list[_Found], title: str,
           rejected: list[tuple[Decimal | None, str | None]] = (), text: str = "") -> list[Announcement]:
    # A headline amount the body rules out ("débloque 1,2 milliard" that the body calls a loan).
    title_found = [f for f in title_found
                   if (f.announcement.amount, f.announcement.currency) not in rejected
                   or f.announcement.amount is None]
    body = _drop_breakdowns(_merge_repeats(body), title)
    if any(not f.reference for f in body):
        body = [f for f in body if not f.reference]
    # A joint or summed commitment of investors who each announced their own share.
    singles = {f.announcement.investor for f in body if len(_names(f.announcement.investor)) == 1}
    body = [
        f for f in body
        if not (len(_names(f.announcement.investor)) > 1 and (_names(f.announcement.investor) & singles or f.aggregate))
        and not (f.aggregate and f.announcement.investor is None and len(body) > 1)
    ]
    body_investors = " and ".join(set().union(*(_names(f.announcement.investor) for f in body))) if body else ""
    for item in _merge_repeats(title_found):
        t = item.announcement
        matches = [
            i for i, f in enumerate(body)
            if _shares_investor(t.investor, f.announcement.investor)
            or (t.amount is not None and t.amount == f.announcement.amount and t.currency == f.announcement.currency)
        ]
        if len(matches) == 1 and len(_names(t.investor)) <= 1:
            body[matches[0]] = _combine(body[matches[0]], item, bonus=0.1)
        elif matches or (body and (t.investor is None or _shares_investor(t.investor, body_investors))):
            continue  # a headline total or a vaguer telling of what the body details
        else:
            body.insert(0, item)
    # The headline completes the place or the aim of the announcement only when
    # there is one: it does not give a second company the first one's aims.
    finished = [_finish(f, title if len(body) == 1 else "", text) for f in body]
    # "in the country", "dans le pays": the country named before, in the story or its headline.
    known = _location(title, ()) if title else None
    for i, a in enumerate(finished):
        if a.location is None and known and _THE_COUNTRY.search(_lower(a.evidence)):
            finished[i] = dataclasses.replace(a, location=known)
        known = finished[i].location or known
    return finished


# --- entry point ------------------------------------------------------------


#: A wire dateline: "FRANKFURT (Reuters) -", "PARIS, May 13 (AFP) —", "BERLIN -".
_DATELINE = re.compile(
    r"(?m)^[ \t]*[A-ZÀ-Ý][A-ZÀ-Ý.'’ /-]{1,40}(?:,\s*[A-Z][a-zé]{2,9}\.?\s+\d{1,2})?"
    r"(?:\s*\([^)\n]{1,40}\))?\s*[-–—]\s+"
)


def _blank_datelines(text: str) -> str:
    """text with its datelines replaced by spaces (offsets kept): the city a story is
    filed from is neither an investor nor where the money goes."""
    if not text:
        return text
    return _DATELINE.sub(lambda m: " " * len(m.group()), text)


_LEAD_AFTER = re.compile(
    r"(?:(?:co-)?led|headed)\s+by\s+|(?:menée?|emmenée?|conduite?|pilotée?|codirigée?|co-?menée?)\s+par\s+"
    r"|auprès\s+(?:de|du|des|d['’])\s*"
    r"|(?:tour\s+de\s+table|round|levée|opération)\s+(?:réunit|rassemble|associe|inclut|includes|included)\s+"
)
_LEAD_BEFORE = re.compile(
    r"\s+(?:co-led|led|leads|headed|a\s+mené|mène|a\s+conduit|a\s+piloté)\s+(?:the|this|le|ce|cette|la)\s+"
    r"(?:round|investment|financing|raise|tour|levée|opération|financement)"
)


def _with_lead(found: _Found, text: str, start: int, end: int) -> _Found:
    """found with the lead investor named between start and end, for a round that lacks one."""
    a = found.announcement
    if a.kind != _FUNDING or a.investor is not None or end <= start:
        return found
    region = text[start:end]
    low = _lower(region)
    m = _LEAD_AFTER.search(low)
    investor = _name_after(region, m.end(), 60) if m else None
    if investor is None:
        b = _LEAD_BEFORE.search(region)
        if b:
            names = [n for n in _NAME_RE.finditer(region, 0, b.start()) if n.end() == b.start()]
            investor = _clean_name(names[-1].group())[0] if names else None
    if investor is None or investor == a.recipient:
        return found
    return dataclasses.replace(found, announcement=dataclasses.replace(a, investor=investor))


@functools.lru_cache(maxsize=64)
def _title_subject(title: str) -> str | None:
    """The company the headline is about: what "the company" means until another is named."""
    for mention in _mentions(title):
        if mention.kind == "name" and mention.text and not _is_place(mention.text):
            return None if len(_names(mention.text)) > 1 else mention.text
    return None


def _in_sentences(sentences: list[_Sentence], money: list[Money]) -> list[list[Money]]:
    """The money of each sentence (both lists are in text order)."""
    per_sentence: list[list[Money]] = [[] for _ in sentences]
    i = 0
    for k, sent in enumerate(sentences):
        end = sent.start + len(sent.text)
        while i < len(money) and money[i].start < sent.start:
            i += 1  # spans a sentence break: belongs to no sentence
        while i < len(money) and money[i].end <= end:
            per_sentence[k].append(money[i])
            i += 1
    return per_sentence


#: "3 milliards" without a currency: French copy often leaves the euros to the context
#: ("Free va investir 3 milliards dans la fibre"). Only before punctuation or a
#: preposition, never before a noun ("3 millions de clients", "2 millions d'habitants").
_BARE_SCALE = re.compile(r"milli(?:ard|on)s?(?=\s*(?:[,.;:)»]|$)|\s+(?:dans|pour|en|à|au|aux|sur|et|supplémentaires?"
                         r"|de\s+plus|d['’]ici|afin|auprès)\b)")
_BARE_NUMBER_BEFORE = re.compile(r"(?<![\w.,$€£¥])(?:\d+(?:[.,]\d+)?|un|une)\s+$")
_CURRENCY_WORDS = {"EUR": "d'euros", "USD": "de dollars", "GBP": "de livres sterling", "CHF": "de francs suisses"}


def _bare_money(text: str, low: str, money: list[Money], currency: str) -> list[Money]:
    """The amounts of text written without a currency, read in the article's one currency."""
    found = []
    word = _CURRENCY_WORDS.get(currency)
    if word is None or ("illi" not in low):
        return found
    for scale in _BARE_SCALE.finditer(low):
        number = _BARE_NUMBER_BEFORE.search(low, max(0, scale.start() - 16), scale.start())
        if not number:
            continue
        start, end = number.start(), scale.end()
        if any(x.start <= start < x.end for x in money):
            continue
        parsed = find_money(f"{text[start:end]} {word}", "fr")
        if parsed:
            found.append(Money(parsed[0].amount, currency, text[start:end], start, end))
    return found


def _scan(text: str, is_title: bool, lang: str | None,
          hint: str | None = None) -> list[tuple[_Sentence, list[Money]]]:
    """The sentences of text that hold an amount, with their money.

    hint: the currency of the rest of the article, for amounts written without one.
    """
    money = find_money(text, lang)
    low = _lower(text)
    currencies = {m.currency for m in money}
    currency = next(iter(currencies)) if len(currencies) == 1 else (hint if not currencies else None)
    if currency:
        bare = _bare_money(text, low, money, currency)
        if bare:
            money = sorted(money + bare, key=lambda m: m.start)
    vague = [start for start, _, _ in _vague_amounts(low)]
    if not money and not vague:
        return []  # most articles: nothing to read further
    # Only the lines (paragraphs) holding an amount are split into sentences.
    wanted = sorted([m.start for m in money] + vague)
    sentences: list[_Sentence] = []
    line_start = 0
    k = 0
    while k < len(wanted):
        line_start = text.rfind("\n", 0, wanted[k]) + 1
        line_end = text.find("\n", wanted[k])
        line_end = len(text) if line_end < 0 else line_end
        sentences += _split_sentences(text[line_start:line_end], low[line_start:line_end], is_title, line_start)
        while k < len(wanted) and wanted[k] < line_end:
            k += 1
    return [
        (sent, found)
        for sent, found in zip(sentences, _in_sentences(sentences, money))
        if found or any(sent.start <= v < sent.start + len(sent.text) for v in vague)
    ]


def find_announcements(
    title: str, text: str, lang: str | None = None, published: datetime | None = None
) -> list[Announcement]:
    """The new investments an article announces, in reading order (see the module docstring).

    lang (ISO 639-1) helps read amounts ("1,200" vs "1.200"); published dates
    "in 2023" as past. Never raises on odd input: returns [] instead.
    """
    title = title if isinstance(title, str) else ""
    text = text if isinstance(text, str) else ""
    lang = lang.strip().lower()[:2] if isinstance(lang, str) and lang.strip() else None
    year = published.year if isinstance(published, datetime) else None
    text = _blank_datelines(text)
    body_sentences = _scan(text, False, lang)
    body_currencies = {m.currency for _, found in body_sentences for m in found}
    hint = next(iter(body_currencies)) if len(body_currencies) == 1 else None
    title_sentences = _scan(title, True, lang, hint)
    if not title_sentences and not body_sentences:
        return []
    ctx = _Context(title, None, year)

    body_found: list[_Found] = []
    rejected: list[tuple[Decimal | None, str | None]] = []
    for k, (sent, money) in enumerate(body_sentences):
        found = _sentence_announcements(sent, money, ctx, rejected)
        # A round's lead investor is often named in the next sentence: "General Catalyst led the round".
        upto = body_sentences[k + 1][0].start if k + 1 < len(body_sentences) else len(text)
        found = [_with_lead(f, text, sent.start + len(sent.text), upto) for f in found]
        body_found += found
        for f in found:
            investor = f.announcement.investor
            if investor and len(_names(investor)) == 1 and not f.reference:
                ctx = dataclasses.replace(ctx, last_investor=investor)
    # The headline is read last, and fully only when the body announced nothing: a
    # headline then only confirms (and completes) what the body told.
    title_found: list[_Found] = []
    if not body_found or any(f.announcement.investor is None for f in body_found):
        for sent, money in title_sentences:
            title_found += _sentence_announcements(sent, money, ctx)
    return _merge(title_found, body_found, title, rejected, text)

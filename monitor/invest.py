"""Investment announcements in an article: who commits how much, to what, where.

Owns find_announcements(title, text, lang, published) -> [Announcement]. It is a
pure function built from rules and bilingual (English/French) lexicons, with no
rule keyed to a particular story. The steps:

1. Split the title and the body into sentences (not on "4.3", "U.S.", "M. Macron",
   "Mrd.").
2. Find the amounts of each sentence with money.find_money and drop converted
   repeats ("4 billion euros ($4.3 billion)": the first currency is the original).
3. Keep an amount only when an investment trigger ("invests", "va investir",
   "raises", "lève", "acquires", "rachète", "takes a stake", "débloque"...) governs
   it more closely than a negative cue (fines, revenue, prices, valuations,
   savings, loans, donations...), and it is neither a past mention ("last year",
   "récemment", "déjà", "en 2023") nor an aggregate ("together", "au total").
4. Fill investor, recipient, location and purpose from the sentence (subject
   before the verb, "led by", "in France", "data centre"...), falling back to the
   title for the location, the purpose and "the company"/"la firme".
5. Merge repeats: the title and the body telling the same investment, the same
   amount restated, "the €4bn" pointing back at an amount already given, and a
   joint total of investors who each announced their own share.

Only sentences holding an amount are examined closely, so an article costs little
more than one regex pass over its text.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .money import Money, currency_code, find_money
from .types import Announcement

__all__ = ["find_announcements"]

_I = re.IGNORECASE

# --- sentences --------------------------------------------------------------

#: Words whose final dot does not end a sentence (compared lower-case, without the dot).
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "inc", "corp", "ltd", "co", "no", "vs", "jr", "sr", "prof",
    "gen", "gov", "sen", "rep", "approx", "fig", "cf", "p", "pp", "av", "bd", "ste", "cie",
    "mme", "mlle", "me", "mgr", "env", "réf", "ref", "dept", "est", "vol", "art",
    "jan", "feb", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "janv", "févr", "fév",
    "avr", "juil", "déc", "mrd", "mrds", "mio", "md", "mds", "tsd", "bzw", "usw", "etc",
}
_SENTENCE_END = re.compile(r"[.!?…]+[\"»”’')\]]*(?=\s)|\n")
_LAST_TOKEN = re.compile(r"([^\s\"'«“(\[]+)$")
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")


@dataclass(frozen=True)
class _Sentence:
    text: str
    #: text lower-cased, same length: the lexicons are matched against it.
    low: str
    #: Offset of text in the title or the body it comes from.
    start: int
    is_title: bool = False


def _lower(text: str) -> str:
    """text lower-cased without changing any offset ("İ" lower-cases to two characters)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _is_abbreviation(text: str, dot: int) -> bool:
    m = _LAST_TOKEN.search(text, max(0, dot - 24), dot)
    if not m:
        return False
    token = m.group(1).lower()
    return token in _ABBREVIATIONS or (_INITIALS.fullmatch(token) is not None and len(token) <= 7)


def _split_sentences(text: str, low: str, is_title: bool = False) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    start = 0

    def emit(end: int) -> None:
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            first = start + len(piece) - len(piece.lstrip())
            last = first + len(stripped)
            sentences.append(_Sentence(stripped, low[first:last], first, is_title))

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
    """A word or phrase that announces a commitment."""

    pattern: str
    kind: str
    #: 3: present/future verb ("invests", "va investir"); 2: past verb; 1: noun.
    strength: int
    #: Who the grammatical subject is: the "investor" ("X acquires"), or the
    #: "recipient" ("X raises $50m", "X was acquired by Y").
    subject: str = "investor"


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
    r"(?:funding|round|series\s+[a-h]\b|seed|financing|investors|tour\s+de\s+table|levée|"
    r"financement|série\s+[a-h]\b|amorçage|fundrais)"
)
_MONEY_AHEAD = r"(?=\s+(?:a\s+|an\s+|une?\s+)?(?:us|c|a|hk)?[$€£¥₹]|\s+\d)"

_CAPEX, _FUNDING, _ACQUISITION, _STAKE = "capex", "funding_round", "acquisition", "equity_stake"
_PUBLIC_PROGRAMME = "public_programme"

_TRIGGERS = (
    # Capital expenditure and commitments in general; the subject is the investor.
    _Trigger(r"(?:sera|seront|va\s+être|vont\s+être|will\s+be|to\s+be)\s+(?:investie?s?|invested)\b", _CAPEX, 3),
    _Trigger(r"invest(?:s|ing)?\b|investi(?:t|ra|ront|ssent|ssons|r)\b", _CAPEX, 3),
    _Trigger(r"invested\b|investi\b", _CAPEX, 2),
    _Trigger(r"investments?\b|investissements?\b", _CAPEX, 1),
    _Trigger(r"commit(?:s|ting)?\b|s['’]engag(?:e|ent|era|eront)\s+à", _CAPEX, 3),
    _Trigger(r"committed\b", _CAPEX, 2),
    _Trigger(r"commitments?\b|engagements?\s+(?:de|d['’])", _CAPEX, 1),
    _Trigger(r"pledg(?:e|es|ing)\b|earmark(?:s|ing)?\b|allocat(?:e|es|ing)\b", _CAPEX, 3),
    _Trigger(r"pledged\b|earmarked\b|allocated\b", _CAPEX, 2),
    _Trigger(r"inject(?:s|ing)?\b|inject(?:e|ent|era|eront|er)\b", _CAPEX, 3),
    _Trigger(r"injected\b|injecté\b", _CAPEX, 2),
    _Trigger(r"injection\b", _CAPEX, 1),
    _Trigger(r"débloqu(?:e|ent|era|eront|er)\b|consacr(?:e|ent|era|eront|er)\b|mobilis(?:e|ent|era|eront|er)\b", _CAPEX, 3),
    _Trigger(r"débloqué\b|consacré\b|mobilisé\b", _CAPEX, 2),
    _Trigger(r"(?:to|will|would|plans?\s+to)\s+spend\b|pour(?:s|ing)?\b(?=[^.;]{0,60}\binto\b)", _CAPEX, 3),
    _Trigger(r"poured\b(?=[^.;]{0,60}\binto\b)", _CAPEX, 2),
    _Trigger(r"(?:to|will|would)\s+finance\b|financ(?:es|era|eront|ent)\b|va\s+financer\b|(?:pour|to)\s+financer\b", _CAPEX, 3),
    _Trigger(r"financed\b|financé\b", _CAPEX, 2),
    _Trigger(
        r"(?:announc(?:e|es|ing)|unveil(?:s|ing)?|launch(?:es|ing)?|set(?:s|ting)?\s+up|annonc(?:e|ent|er)"
        r"|dévoil(?:e|ent|er)|lanc(?:e|ent|er)|présent(?:e|ent|er))\b(?=[^.;]{0,60}\b" + _INVEST_NOUNS + r"\b)",
        _CAPEX, 3,
    ),
    _Trigger(
        r"(?:announced|unveiled|launched|annoncé|dévoilé|lancé|présenté)\b(?=[^.;]{0,60}\b" + _INVEST_NOUNS + r"\b)",
        _CAPEX, 2,
    ),
    _Trigger(
        r"(?:build(?:s|ing)?|open(?:s|ing)?|expand(?:s|ing)?|construi(?:re|ra|ront|t|sent)|ouvr(?:e|ir|ira|iront)"
        r"|implant(?:e|er|era))\b(?=[^.;]{0,60}\b" + _FACILITY + r")",
        _CAPEX, 3,
    ),
    # "un plan de 2 milliards", "a fund of $1bn": the noun alone is too common to count.
    _Trigger(
        r"(?:plan|programme|program|scheme|fund|fonds|enveloppe)\s+(?:de|d['’]|of|worth)"
        r"(?=\s+(?:\d|[$€£¥]|plus|près|quelque|up|about|some|over|more|un|une|one|a\s))",
        _CAPEX, 1,
    ),
    # Funding rounds: the subject raises, the lead investor comes after "led by".
    _Trigger(r"rais(?:e|es|ing)\b|lèv(?:e|ent)\b|lever\b|lèvera\b|lèveront\b", _FUNDING, 3, "recipient"),
    _Trigger(r"raised\b|levé\b", _FUNDING, 2, "recipient"),
    _Trigger(
        r"(?:secur(?:e|es|ing)|land(?:s|ing)?|bag(?:s|ging)?|nab(?:s|bing)?|snag(?:s|ging)?|scores?|clos(?:e|es|ing)"
        r"|obtien(?:t|nent)|décroch(?:e|ent)|récolt(?:e|ent)|sécuris(?:e|ent)|boucl(?:e|ent|era))\b"
        r"(?:(?=[^.;]{0,60}" + _FUNDING_WORDS + r")|" + _MONEY_AHEAD + r")",
        _FUNDING, 3, "recipient",
    ),
    _Trigger(
        r"(?:secured|landed|bagged|nabbed|snagged|closed|obtenu|décroché|récolté|sécurisé|bouclé)\b"
        r"(?=[^.;]{0,60}" + _FUNDING_WORDS + r")",
        _FUNDING, 2, "recipient",
    ),
    _Trigger(
        r"funding\s+round|round\s+of\s+funding|financing\s+round|series\s+[a-h]\b|seed\s+(?:round|funding)|pre-seed"
        r"|fundrais(?:e|ing)|levées?\s+de\s+fonds|levée\b|tour\s+de\s+table|série\s+[a-h]\b|amorçage",
        _FUNDING, 1, "recipient",
    ),
    _Trigger(r"back(?:s|ing)?\b(?!\s+(?:down|up|off|out|away))(?!\s+by)", _FUNDING, 3),
    _Trigger(r"(?:leads?|leading|co-leads?)\b(?=[^.;]{0,40}(?:round|series|funding|financing|tour|levée))", _FUNDING, 3),
    # Acquisitions: the subject buys, the object is the target; passives swap them.
    _Trigger(r"(?:acquired|bought|purchased|taken\s+over)\s+by\b|(?:rachetée?s?|acquise?s?)\s+par\b", _ACQUISITION, 2, "recipient"),
    _Trigger(
        r"acquir(?:e|es|ing)\b|buy(?:s|ing)?\b(?!\s*back)|purchas(?:e|es|ing)\b|take(?:s)?\s+over\b|taking\s+over\b"
        r"|snap(?:s|ping)?\s+up\b|rachèt(?:e|ent|era|eront)\b|racheter\b|acqui(?:ert|èrent|erra|erront|érir)\b"
        r"|(?:met|mettent|mettra|mettre)\s+la\s+main\s+sur\b|s['’](?:offr(?:e|ent|ira)|empar(?:e|ent|era))\b"
        r"|absorb(?:e|ent|era)\b|merg(?:e|es|ing)\s+with\b",
        _ACQUISITION, 3,
    ),
    _Trigger(r"acquired\b|bought\b|purchased\b|took\s+over\b|racheté\b|acquis\b", _ACQUISITION, 2),
    _Trigger(
        r"acquisitions?\b|takeovers?\b|rachat\b(?!\s+d['’]actions)|buyouts?\b|mergers?\b|offre\s+publique\s+d['’]achat"
        r"|prise\s+de\s+contrôle",
        _ACQUISITION, 1,
    ),
    # Equity stakes.
    _Trigger(
        r"take(?:s)?\b(?=[^.;]{0,30}\bstake\b)|pren(?:d|nent|dra|dre)\s+une\s+participation\b"
        r"|(?:entr|mont)(?:e|ent|era|er)\s+au\s+capital\b",
        _STAKE, 3,
    ),
    _Trigger(r"took\b(?=[^.;]{0,30}\bstake\b)|pris\s+une\s+participation\b|entré\s+au\s+capital\b", _STAKE, 2),
    _Trigger(r"stakes?\b|prise\s+de\s+participation|participations?\b(?!\s+(?:à|aux?)\b)|entrée\s+au\s+capital", _STAKE, 1),
)


def _compile_triggers(triggers: tuple[_Trigger, ...]) -> re.Pattern:
    groups = "|".join(f"(?P<t{i}>{t.pattern})" for i, t in enumerate(triggers))
    return re.compile(rf"(?<![\w-])(?:{groups})")


_TRIGGER_RE = _compile_triggers(_TRIGGERS)

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
    r"|bail-?outs?|renflouement)",
)

#: Cues that win over a trigger only when nearer to the amount than it.
_WEAK_NEGATIVE = re.compile(
    r"(?<![\w-])(?:revenues?|sales|turnover|chiffres?\s+d['’]affaires|ventes|profits?|earnings|net\s+income"
    r"|bénéfices?|résultats?\s+nets?|ebitda|operating\s+income|margins?|marges?|losses|loss\b|pertes?"
    r"|deficits?|déficits?|debts?|dettes?|bonds?\b|valu(?:es|ed|ing|ation|ations)\b|valoris\w*"
    r"|market\s+(?:cap(?:italis|italiz)ation|cap|value)|capitalisation\s+boursière|stock\s+price|share\s+price"
    r"|shares?\s+(?:fell|rose|jumped|dropped|slid|gained|climbed|tumbled|plunged|soared)|wip(?:ed|ing|es)\b"
    r"|cours\s+de\s+bourse|prices?\b|priced|pricing|costs\b(?!\s+of)|cost\b(?=\s+(?:just|only|about|around|roughly|[$€£¥]|\d))"
    r"|coût(?:e|ent|era)\b|prix|tarifs?|retails?\s+for|sells?\s+for|se\s+vend|vendue?s?\s+(?:à|pour)"
    r"|(?:market|marché)\b[^.;]{0,60}?\b(?:reach|hit|grow|exceed|surpass|worth|atteindre|atteindra|dépasser"
    r"|dépassera|représenter|représentera|peser|pèsera)\b|market\s+size|taille\s+du\s+marché"
    r"|consumers?|shoppers?|households?|consommateurs?|ménages|savings?|saves?\b|saved\b|cost[- ]cutting"
    r"|cost\s+reductions?|cut(?:s|ting)?\s+(?:its\s+|their\s+)?costs|réduire\s+(?:ses|les|leurs)\s+coûts|économies|économiser|réductions?\s+(?:des|de)\s+coûts|contracts?|contrats?"
    r"|orders?\b(?!\s+to)|commandes?|appels?\s+d['’]offres|gdp|pib|fortune|net\s+worth|patrimoine"
    r"|exports?|imports?)",
)

#: Signs that an amount was committed before this story.
_STRONG_PAST = re.compile(
    r"(?<![\w-])(?:last\s+(?:year|month|week|fall|spring|summer|autumn|winter)|l['’]an\s+(?:dernier|passé)"
    r"|l['’]année\s+(?:dernière|passée)|le\s+mois\s+dernier|la\s+semaine\s+dernière|previously|précédemment"
    r"|auparavant|earlier\s+this\s+year|plus\s+tôt\s+cette\s+année|in\s+the\s+past|par\s+le\s+passé"
    r"|years?\s+ago|il\s+y\s+a\s+\w+\s+ans|prior\b|previous\b|précédente?s?\b|already|déjà"
    r"|(?:since|depuis)\s+(?:19|20)\d\d"
    # Habitual spending is no new commitment: "investit chaque année 7 milliards".
    r"|every\s+year|each\s+year|chaque\s+année|tous\s+les\s+ans)",
)
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
    r"(?<![\w-])(?:collectively|combined|altogether|in\s+total|a\s+total\s+of|total(?:ling|ing|led|ed)?\b"
    r"|together\b(?!\s+with)|au\s+total|en\s+tout|au\s+cumul|cumulé(?:e|s|es)?|ensemble\b(?!\s+avec)"
    r"|tous\s+confondus|bringing\s+(?:the|its|their)\s+(?:total|overall)|portant\s+(?:le\s+total|ses|son|leurs?)"
    r"|overall|in\s+all\b|\brecord\b)",
)

#: Cues that say the amount is a stake, a funding round, or backed by a public body.
_STAKE_CUE = re.compile(
    r"\bstakes?\b|participation|au\s+capital|\b(?!100\b)\d{1,2}(?:[.,]\d+)?\s?%\s+(?:of|du|de|stake|of\s+the\s+capital)",
)
_FUNDING_CUE = re.compile(
    r"\bseries\s+[a-h]\b|\bsérie\s+[a-h]\b|\bfunding\s+round|\bround\s+of\s+funding|\bseed\s+(?:round|funding)"
    r"|\btour\s+de\s+table|\blevées?\s+de\s+fonds|\bamorçage|\bventure\s+capital|\bcapital-risque|\bled\s+by\b"
    r"|\bmenée?\s+par\b",
)
_LEAD_INVESTOR = re.compile(
    r"(?:co-)?led\s+by|backed\s+by|from|with\s+participation\s+from|including|(?:menée?|emmenée?|conduite?"
    r"|pilotée?|soutenue?)\s+par|auprès\s+(?:de|du|des|d['’])|avec\s+(?:la\s+participation|le\s+soutien)\s+d(?:e|['’])",
)
_BY_AGENT = re.compile(r"\s*(?:,\s*)?(?:by|par)\s+")
#: "invests €1bn in Mistral": the company funded follows "in".
_IN_AFTER = re.compile(r"[^.;,]{0,25}?\b(?:in|into|dans)\s+")
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
_COMPOUND_JOIN = re.compile(r"\s+(?:and|et|&)\s+")
_PREPOSITION_BEFORE = re.compile(
    r"(?:\b(?:in|into|at|on|of|for|from|to|with|by|near|than|about|over|under|between|across|via|per|like"
    r"|de|du|des|à|au|aux|en|dans|pour|par|avec|sur|chez|vers|près|entre|selon|contre|comme|than)\s+|\bd['’]\s*)$",
    _I,
)

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

_PUBLIC_RE = re.compile(
    r"(?<![\w])(?:(?:the|le|la|l['’])\s+)?(?:[A-Z][\w.'’]*\s+)?(?:(?:federal|regional|national|local)\s+)?"
    r"(?:government|administration|ministry(?:\s+of\s+[A-Z]\w+)?|Treasury|state\b(?!-)(?:\s+of\s+[A-Z]\w+)?)"
    r"|(?:the\s+)?European\s+(?:Commission|Union)|(?<![\w])EU\b|(?<![\w])Bpifrance\b"
    r"|Banque\s+des\s+[Tt]erritoires|Caisse\s+des\s+[Dd]épôts|[Ll]['’]([ÉE]tat)(?:\s+français)?"
    r"|(?:le\s+)?gouvernement(?:\s+(?:français|allemand|britannique|américain|fédéral|espagnol|italien))?"
    r"|l['’]exécutif|(?:la\s+)?[Rr]égion(?:\s+(?:[A-ZÉÎ][\w'’-]+)(?:[\s-](?:de\s+|du\s+|la\s+)?[A-ZÉÎ][\w'’-]+)*)?"
    r"|(?:le\s+)?[Dd]épartement\s+(?:de\s+(?:la\s+|l['’])?|du\s+|des\s+)?[A-Z][\w-]+|(?:la\s+)?[Cc]ommission\s+européenne"
    r"|l['’]Union\s+européenne|(?:le\s+)?ministère(?:\s+de\s+(?:la\s+|l['’])?\w+)?|la\s+[Mm]étropole(?:\s+de\s+[A-Z][\w-]+)?"
    r"|la\s+ville\s+de\s+[A-Z][\w-]+|Matignon|l['’]Élysée|l['’]Elysée|Bercy",
)
_ARTICLE = re.compile(r"^(?:the|le|la|les|l['’])\s*", _I)

_PRONOUN_RE = re.compile(r"(?<![\w])(?:it|il|elle)\b", _I)
_PLURAL_PRONOUN_RE = re.compile(r"(?<![\w])(?:they|ils|elles)\b", _I)
_NOMINAL_ANAPHOR_RE = re.compile(
    r"(?<![\w])(?:the|this|le|la|l['’]|ce|cette)\s*(?:(?:tech|US|American|Chinese|French|German|software|chip|e-commerce)\s+)?"
    r"(?:company|firm|group|giant|groupe|firme|entreprise|société|géant(?:\s+\w+)?|start-?up|jeune\s+pousse"
    r"|retailer|maker|manufacturer|constructeur|fabricant|operator|opérateur|américain|californien)\b",
    _I,
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


def _place_regex(table: dict[str, str]) -> re.Pattern:
    words = sorted(table, key=len, reverse=True)
    body = "|".join(re.escape(w) for w in words)
    # Not inside a longer word, and "US" not as in "US$". The look-ahead on the first
    # letter (names are capitalised, but for "hexagone" and "pays de Galles") only
    # lets the long alternation be tried where a name can start.
    firsts = "".join(sorted({re.escape(w[0]) for w in words}))
    return re.compile(rf"(?<![\w-])(?=[{firsts}])(?:{body})(?![\w$-])")


_PLACE_RE = _place_regex(_PLACES)
_DEMONYM_RE = _place_regex(_DEMONYMS)
_PLACE_PREPOSITION = re.compile(
    r"(?:\b(?:in|into|at|near|across|throughout|en|au|aux|à|dans|outside|around|within|to|for|pour|vers"
    r"|près\s+de|autour\s+de)\s+(?:the\s+|l['’]|la\s+|le\s+|les\s+)?|\bl['’])$",
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
# Every keyword starts a word: the look-behind rejects other positions cheaply.
_PURPOSE_RE = re.compile(r"(?<![\w-])(?:" + "|".join(f"(?P<p{i}>{p})" for i, (_, p) in enumerate(_PURPOSES)) + ")")
#: Acronyms read with their case in the original text ("j'ai" is not "AI").
_ACRONYM_PURPOSES = {"AI": "AI", "A.I.": "AI", "IA": "AI", "LLM": "AI", "LLMs": "AI", "R&D": "R&D",
                     "5G": "telecom", "EV": "mobility", "EVs": "mobility"}
_ACRONYM_RE = re.compile(r"(?<![\w&.])(?:A\.I\.|AI|IA|LLMs?|R&D|5G|EVs?)(?![\w&])")

#: "plusieurs milliards d'euros", "billions of dollars": an amount without a figure.
_VAGUE_AMOUNT = re.compile(
    r"(?<![\w])(?:several|multiple|a\s+few|many|tens\s+of|hundreds\s+of|plusieurs|quelques|des\s+dizaines\s+de"
    r"|des\s+centaines\s+de|des)\s+(?:hundred\s+)?(?:billions?|millions?|milliards?|bn)\s*"
    r"(?:of\s+|de\s+|d['’]\s*)?(?P<cur>euros?|dollars?|€|\$|pounds|livres\s+sterling|yuan|yen)"
    r"|(?<![\w])(?:billions|millions|milliards)\s+(?:of\s+|de\s+|d['’]\s*)(?P<cur2>euros?|dollars?|pounds|yuan|yen)",
)


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
    title_subject: str | None
    last_investor: str | None
    published_year: int | None
    lang: str | None


@dataclass(frozen=True)
class _Found:
    announcement: Announcement
    #: Offset of the sentence in the article.
    position: int
    from_title: bool
    #: "the €4bn", "les 4 milliards": points back at an amount said before.
    reference: bool
    #: Several investors summed ("together", "au total").
    aggregate: bool


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
        previous = _Amount(found.amount, found.currency, found.text, start, end, found.upper_bound)
        kept.append(previous)
    if not kept:
        for m in _VAGUE_AMOUNT.finditer(sent.low):
            word = m.group("cur") or m.group("cur2")
            kept.append(_Amount(None, currency_code(word), sent.text[m.start() : m.end()], m.start(), m.end()))
    return kept


def _gap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    if a_end <= b_start:
        return b_start - a_end
    if b_end <= a_start:
        return a_start - b_end
    return 0


def _triggers(sentence: str) -> list[_Hit]:
    hits = []
    for m in _TRIGGER_RE.finditer(sentence):
        trigger = _TRIGGERS[int(m.lastgroup[1:])]
        hits.append(_Hit(m.start(), m.end(), trigger))
    return hits


def _is_past(sentence: str, clause: tuple[int, int], strength: int, year: int | None) -> bool:
    c_start, c_end = clause
    clause_text = sentence[c_start:c_end]
    if _STRONG_PAST.search(clause_text):
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


def _clean_name(raw: str) -> tuple[str | None, bool]:
    """A candidate name without sentence starters, titles or possessives.

    Returns (name, public): public when a head of state or minister is named
    ("French President Emmanuel Macron").
    """
    raw = re.sub(r"['’]s$", "", raw.strip()).rstrip(".,")
    if raw.endswith(".") and not _INITIALS.fullmatch(raw.lower()):
        raw = raw[:-1]
    tokens = [t for t in raw.split() if not t.endswith("-based")]  # "Paris-based": an adjective
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
    while tokens and (tokens[0].lower() in _NOT_NAMES or tokens[0] in _DEMONYMS
                      or tokens[0].lower() in _ROLES or tokens[0].lower() in ("of", "de", "du", "des", "la", "le")):
        tokens = tokens[1:]
    while tokens and (tokens[-1].lower() in _NOT_NAMES or tokens[-1].lower() in _ROLES
                      or tokens[-1].lower() in ("of", "de", "du", "des", "la", "le", "the")):
        tokens = tokens[:-1]
    if not tokens or " ".join(tokens).lower() in _GENERIC or _ROUND_NAME.fullmatch(" ".join(tokens)):
        return None, False
    name = " ".join(tokens)
    name = re.sub(r"['’]s$", "", name)
    return name, public


@dataclass(frozen=True)
class _Mention:
    """Something before a verb that can be its subject."""

    start: int
    end: int
    kind: str  # "name", "public", "pronoun", "plural", "anaphor"
    text: str | None
    public: bool = False


def _mentions(segment: str) -> list[_Mention]:
    found: list[_Mention] = []
    for m in _PUBLIC_RE.finditer(segment):
        text = _ARTICLE.sub("", m.group().strip())
        if m.group(1):
            text = "État"
        found.append(_Mention(m.start(), m.end(), "public", text, True))
    names: list[_Mention] = []
    for m in _NAME_RE.finditer(segment):
        if _PREPOSITION_BEFORE.search(segment, max(0, m.start() - 12), m.start()):
            continue
        name, public = _clean_name(m.group())
        if name:
            if names and _COMPOUND_JOIN.fullmatch(segment[names[-1].end : m.start()]):
                last = names.pop()  # "Microsoft and Amazon": one joint subject
                name = f"{last.text}{segment[last.end:m.start()]}{name}"
                names.append(_Mention(last.start, m.end(), "name", name, public or last.public))
                continue
            names.append(_Mention(m.start(), m.end(), "name", name, public))
    found += names
    for m in _NOMINAL_ANAPHOR_RE.finditer(segment):
        found.append(_Mention(m.start(), m.end(), "anaphor", None))
    for m in _PRONOUN_RE.finditer(segment):
        found.append(_Mention(m.start(), m.end(), "pronoun", None))
    for m in _PLURAL_PRONOUN_RE.finditer(segment):
        found.append(_Mention(m.start(), m.end(), "plural", None))
    return found


def _usable(mention: _Mention) -> bool:
    # A public body's name also matches as a name; prefer the public reading.
    return mention.kind != "name" or mention.text is not None


def _subject(sentence: str, end: int, ctx: _Context) -> tuple[str | None, bool]:
    """The subject of a verb at end: the last name (or public body) before it.

    Returns (subject, public). Pronouns and "the company" are resolved.
    """
    start = 0
    for m in re.finditer(r"[;:«“\"]", sentence[:end]):
        start = m.end()
    segment = sentence[start:end]
    mentions = [m for m in _mentions(segment) if _usable(m)]
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
    return ctx.last_investor or ctx.title_subject, False


def _is_place(name: str) -> bool:
    return name in _PLACES or name in _DEMONYMS or all(t in _PLACES or t in _DEMONYMS for t in name.split())


def _name_after(sentence: str, pos: int, limit: int = 70) -> str | None:
    """The first name (not a place) after pos, before the next clause break."""
    segment = sentence[pos : pos + limit]
    cut = re.search(r"[;:()]|,\s", segment)
    if cut:
        segment = segment[: cut.start()]
    for m in _NAME_RE.finditer(segment):
        name, _ = _clean_name(m.group())
        if name and not _is_place(name):
            return name
        if name:
            return None
    public = _PUBLIC_RE.search(segment)
    return _ARTICLE.sub("", public.group()) if public else None


def _location(sentence: str, exclude: tuple[str | None, ...]) -> str | None:
    """The place the investment goes: a place after "in"/"en" first, then any place,
    then a nationality adjective."""
    skip = [e for e in exclude if e]
    plain = None
    low = _lower(sentence)
    for m in _PLACE_RE.finditer(sentence):
        if any(m.group() in e for e in skip):
            continue
        if _PLACE_PREPOSITION.search(low, max(0, m.start() - 20), m.start()):
            return _PLACES[m.group()]
        plain = plain or _PLACES[m.group()]
    if plain:
        return plain
    for m in _DEMONYM_RE.finditer(sentence):
        if not any(m.group() in e for e in skip):
            return _DEMONYMS[m.group()]
    return None


def _purpose(sentence: str) -> str | None:
    found = [(m.start(), _PURPOSES[int(m.lastgroup[1:])][0]) for m in _PURPOSE_RE.finditer(_lower(sentence))]
    found += [(m.start(), _ACRONYM_PURPOSES[m.group()]) for m in _ACRONYM_RE.finditer(sentence)]
    labels: list[str] = []
    for _, label in sorted(found):
        if label not in labels:
            labels.append(label)
    return ", ".join(labels) if labels else None


def _confidence(strength: int, has_amount: bool, investor: bool, location: bool, purpose: bool,
                distance: int) -> float:
    score = 0.3 + {3: 0.25, 2: 0.15, 1: 0.05}[strength]
    score += 0.15 if investor else 0.0
    score += 0.1 if location else 0.0
    score += 0.05 if purpose else 0.0
    score -= 0.0 if has_amount else 0.15
    score -= 0.1 if distance > 60 else 0.0
    return round(min(0.95, max(0.05, score)), 2)


def _sentence_announcements(sent: _Sentence, money: list[Money], ctx: _Context) -> list[_Found]:
    """The announcements one sentence makes; money is what find_money saw in it."""
    text, low = sent.text, sent.low
    amounts = _amounts(sent, money)
    if not amounts:
        return []
    hits = _triggers(low)
    if not hits:
        return []
    strong_neg = [(m.start(), m.end()) for m in _STRONG_NEGATIVE.finditer(low)]
    strong_neg += [(m.start(), m.end()) for m in _DONATION_NOUN.finditer(text)]
    weak_neg = [(m.start(), m.end()) for m in _WEAK_NEGATIVE.finditer(low)]
    aggregates = [(m.start(), m.end()) for m in _AGGREGATE.finditer(low)]
    results: list[_Found] = []
    for amount in amounts:
        clause = _clause(text, amount.start)

        # The trigger that governs the amount: the nearest one, one after the amount
        # counting as a little farther ("4 milliards seront investis").
        best: _Hit | None = None
        best_d = 10**6
        for hit in hits:
            if hit.start < amount.end and amount.start < hit.end:
                continue
            d = amount.start - hit.end if hit.end <= amount.start else hit.start - amount.end + 15
            if d < best_d or (d == best_d and best is not None and hit.trigger.strength > best.trigger.strength):
                best, best_d = hit, d
        if best is None or best_d > 150:
            continue
        in_clause = [h for h in hits if clause[0] <= h.start < clause[1]]
        strength = max([h.trigger.strength for h in in_clause] + [best.trigger.strength])

        if any(clause[0] <= s < clause[1] or clause[0] < e <= clause[1] for s, e in strong_neg):
            continue
        if any(_gap(s, e, amount.start, amount.end) <= best_d for s, e in weak_neg + strong_neg):
            continue
        if _is_past(low, clause, strength, ctx.published_year):
            continue
        aggregate = False
        for s, e in aggregates:
            if s < amount.start:
                verbs_between = [h for h in hits if e <= h.start < amount.start and h.trigger.strength == 3]
                verbs_in_clause = [h for h in in_clause if h.trigger.strength == 3]
                if not verbs_between and not verbs_in_clause:
                    aggregate = True
            elif _gap(s, e, amount.start, amount.end) <= 12:
                aggregate = True
        if aggregate and strength < 3:
            continue

        trigger = best.trigger
        kind = trigger.kind
        subject_end = min(best.start, amount.start) if best.start < amount.start else amount.start
        subject, public = _subject(text, subject_end, ctx)
        investor: str | None
        recipient: str | None = None
        if trigger.subject == "recipient":
            recipient = subject
            investor = None
            if kind == _ACQUISITION:
                investor = _name_after(text, best.end)
            else:
                for m in _LEAD_INVESTOR.finditer(low, best.start):
                    investor = _name_after(text, m.end(), 50)
                    if investor:
                        break
            public = False
        else:
            investor = subject
            if investor is None:  # "un plan ... annoncé par le gouvernement"
                by = _BY_AGENT.match(low, max(best.end, amount.end))
                if by:
                    investor = _name_after(text, by.end(), 50)
                    public = bool(investor and _PUBLIC_RE.fullmatch(investor))
            if kind == _ACQUISITION:
                recipient = _name_after(text, best.end)
            elif kind == _STAKE or _STAKE_CUE.search(low, clause[0], clause[1]):
                target = _STAKE_TARGET.search(low, best.start)
                recipient = _name_after(text, target.end()) if target else _name_after(text, best.end)
            elif kind == _FUNDING:  # "SoftBank backs OpenAI with $40bn", "leads a round in X"
                recipient = _name_after(text, best.end) or _name_after(text, amount.end)
            else:
                for pos in (amount.end, best.end):
                    m = _IN_AFTER.match(low, pos, pos + 40)
                    if m:
                        recipient = _name_after(text, m.end(), 50)
                        break
        if recipient and investor and recipient == investor:
            recipient = None

        if kind in (_CAPEX, _ACQUISITION) and _STAKE_CUE.search(low, clause[0], clause[1]):
            kind = _STAKE
        if kind == _CAPEX and _FUNDING_CUE.search(low):
            kind = _FUNDING
        if kind == _CAPEX and investor and (public or _PUBLIC_RE.fullmatch(investor) or investor in _PLACES):
            kind = _PUBLIC_PROGRAMME
        elif kind == _CAPEX and recipient:
            kind = _STAKE

        # The headline often names the place or the aim the body leaves implicit.
        # A public investor's own name is its place ("la région Grand Est"); a company's is not ("Bank of America").
        exclude = (recipient,) if kind == _PUBLIC_PROGRAMME else (investor, recipient)
        location = _location(text, exclude) or _location(ctx.title, exclude)
        purpose = _purpose(text) or _purpose(ctx.title)
        reference = bool(_DEFINITE_BEFORE.search(low, max(0, amount.start - 8), amount.start))
        announcement = Announcement(
            investor=investor,
            amount=amount.amount,
            currency=amount.currency,
            amount_text=amount.text,
            upper_bound=amount.upper_bound,
            recipient=recipient,
            location=location,
            purpose=purpose,
            kind=kind,
            evidence=" ".join(text.split()),
            confidence=_confidence(strength, amount.amount is not None, investor is not None or recipient is not None,
                                   location is not None, purpose is not None, best_d),
        )
        position = sent.start if sent.is_title else len(ctx.title) + 1 + sent.start
        results.append(_Found(announcement, position, sent.is_title, reference, aggregate))
    return results


# --- merging ----------------------------------------------------------------


def _names(investor: str | None) -> set[str]:
    if not investor:
        return set()
    return {p.strip() for p in re.split(r"\s*(?:,|\band\b|\bet\b)\s*", investor) if p.strip()}


def _shares_investor(a: str | None, b: str | None) -> bool:
    """Whether two investor strings name a common investor ("Microsoft" in "Microsoft and Amazon")."""
    for x in _names(a):
        for y in _names(b):
            if re.search(rf"(?<!\w){re.escape(x)}(?!\w)", y) or re.search(rf"(?<!\w){re.escape(y)}(?!\w)", x):
                return True
    return False


def _same_investor(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b or a in b or b in a


def _fill(kept: Announcement, other: Announcement, bonus: float = 0.0) -> Announcement:
    """kept, with the fields it lacks taken from other."""
    return dataclasses.replace(
        kept,
        investor=kept.investor or other.investor,
        recipient=kept.recipient or other.recipient,
        location=kept.location or other.location,
        purpose=kept.purpose or other.purpose,
        confidence=round(min(0.99, max(kept.confidence, other.confidence) + bonus), 2),
    )


def _merge_repeats(found: list[_Found]) -> list[_Found]:
    merged: list[_Found] = []
    for item in found:
        new = item.announcement
        for i, old in enumerate(merged):
            a = old.announcement
            same_amount = new.amount is not None and new.amount == a.amount and new.currency == a.currency
            vague_same = (new.amount is None or a.amount is None) and _shares_investor(new.investor, a.investor)
            if (same_amount and _same_investor(a.investor, new.investor)) or vague_same:
                if a.amount is None and new.amount is not None:
                    merged[i] = dataclasses.replace(item, announcement=_fill(new, a), reference=False)
                else:
                    merged[i] = dataclasses.replace(old, announcement=_fill(a, new), reference=old.reference and item.reference)
                break
        else:
            merged.append(item)
    return merged


def _drop_breakdowns(found: list[_Found]) -> list[_Found]:
    """Drop the parts of an investment told after its whole.

    "Google will invest up to $2bn in X. It invested $500m upfront and will add
    $1.5bn": a later sentence giving the same investor a smaller amount, in the
    same place, details the earlier commitment.
    """
    kept: list[_Found] = []
    for item in found:
        new = item.announcement
        whole = any(
            old.position < item.position
            and old.announcement.amount is not None and new.amount is not None
            and new.amount < old.announcement.amount
            and new.currency == old.announcement.currency
            and new.investor is not None and new.investor == old.announcement.investor
            and new.location in (None, old.announcement.location)
            for old in kept
        )
        if not whole:
            kept.append(item)
    return kept


def _merge(title: list[_Found], body: list[_Found]) -> list[Announcement]:
    body = _drop_breakdowns(_merge_repeats(body))
    if any(not f.reference for f in body):
        body = [f for f in body if not f.reference]
    # A joint or summed commitment of investors who each announced their own share.
    singles = {f.announcement.investor for f in body if len(_names(f.announcement.investor)) == 1}
    body = [
        f for f in body
        if not (len(_names(f.announcement.investor)) > 1 and (_names(f.announcement.investor) & singles or f.aggregate))
        and not (f.aggregate and f.announcement.investor is None and len(body) > 1)
    ]
    result = [f.announcement for f in body]
    body_investors = set().union(*(_names(a.investor) for a in result)) if result else set()
    for item in _merge_repeats(title):
        t = item.announcement
        matches = [
            i for i, a in enumerate(result)
            if _shares_investor(t.investor, a.investor)
            or (t.amount is not None and t.amount == a.amount and t.currency == a.currency)
        ]
        if len(matches) == 1 and len(_names(t.investor)) <= 1:
            result[matches[0]] = _fill(result[matches[0]], t, bonus=0.1)
        elif matches or (result and (t.investor is None or _shares_investor(t.investor, " and ".join(body_investors)))):
            continue  # a headline total or a vaguer telling of what the body details
        else:
            result.insert(0, t)
    return result


# --- entry point ------------------------------------------------------------


def _title_subject(title: str) -> str | None:
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


def _scan(text: str, is_title: bool, lang: str | None) -> list[tuple[_Sentence, list[Money]]]:
    """The sentences of text that hold an amount, with their money."""
    low = _lower(text)
    money = find_money(text, lang)
    if not money and not _VAGUE_AMOUNT.search(low):
        return []  # most articles: nothing to read further
    sentences = _split_sentences(text, low, is_title)
    return [
        (sent, found)
        for sent, found in zip(sentences, _in_sentences(sentences, money))
        if found or _VAGUE_AMOUNT.search(sent.low)
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
    title_sentences = _scan(title, True, lang)
    body_sentences = _scan(text, False, lang)
    if not title_sentences and not body_sentences:
        return []
    ctx = _Context(title, _title_subject(title), None, year, lang)

    title_found: list[_Found] = []
    for sent, money in title_sentences:
        title_found += _sentence_announcements(sent, money, ctx)
    body_found: list[_Found] = []
    for sent, money in body_sentences:
        found = _sentence_announcements(sent, money, ctx)
        body_found += found
        for f in found:
            investor = f.announcement.investor
            if investor and len(_names(investor)) == 1 and not f.reference:
                ctx = dataclasses.replace(ctx, last_investor=investor)
    return _merge(title_found, body_found)

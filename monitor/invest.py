"""Investment announcements in an article: who commits how much, to what, where.

Owns find_announcements(title, text, lang, published) -> [Announcement]. It is a
pure function built from rules and bilingual (English/French) lexicons, with no
rule keyed to a particular story. The steps:

1. Find every amount of the title and of the body with one money.find_money pass
   (and "plusieurs milliards d'euros"-style amounts without a figure); an article
   without any stops here, which is most of them.
2. Split the paragraphs that hold an amount into sentences (not on "4.3", "U.S.",
   "M. Macron", "Mrd."), and drop converted repeats ("4 billion euros ($4.3
   billion)": the first currency is the original).
3. Keep an amount only when an investment trigger ("invests", "va investir",
   "raises", "lève", "acquires", "rachète", "takes a stake", "débloque"...) governs
   it more closely than a negative cue (fines, revenue, prices, valuations,
   savings, loans, donations...), and it is neither a past mention ("last year",
   "récemment", "déjà", "en 2023") nor an aggregate ("together", "au total").
4. Fill investor and recipient from the sentence (the subject before the verb,
   "led by", "auprès de"; "the company"/"la firme" is the headline's company or
   the last investor named) and the kind (capex, funding_round, equity_stake,
   public_programme, acquisition).
5. Merge repeats: the title and the body telling the same investment, the same
   amount restated, "the €4bn" pointing back at an amount already given, the
   parts of an amount told after it, and a joint total of investors who each
   announced their own share.
6. Last, for what is left: location and purpose from gazetteer and keyword
   lexicons (falling back to the title), and a confidence from how many signals
   agree.

Lexicons are matched against lower-cased text without IGNORECASE, and the
trigger words through a dict keyed by first word: Python's re is slow on large
case-insensitive alternations, and this module must cost much less than HTML
extraction.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .money import Money, currency_code, find_money, lower_keeping_offsets
from .types import Announcement

__all__ = ["find_announcements"]

_I = re.IGNORECASE

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
    r"(?:funding|round|series\s+[a-h]\b|seed|financing|investors|tour\s+de\s+table|levée|"
    r"financement|série\s+[a-h]\b|amorçage|fundrais)"
)
_NEAR_INVEST_NOUN = rf"[^.;]{{0,60}}\b{_INVEST_NOUNS}\b"
_NEAR_FACILITY = rf"[^.;]{{0,60}}\b{_FACILITY}"
_NEAR_FUNDING = rf"[^.;]{{0,60}}{_FUNDING_WORDS}"
#: An amount right after the verb: "lands $50m", "spend up to €1bn".
_MONEY_AHEAD = (
    r"(?:\s+(?:up\s+to|about|around|some|nearly|almost|more\s+than|over|another|an\s+additional|a\s+further"
    r"|between|entre|from|de|a|an|une?|plus\s+de|près\s+de|environ|jusqu['’]à))*\s+(?:(?:us|c|a|hk)?[$€£¥₹]|\d)"
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
    _Trigger("spend | spends | spending", _CAPEX, 3, then=_MONEY_AHEAD),
    _Trigger("pour | pours | pouring", _CAPEX, 3, then=r"[^.;]{0,60}\binto\b"),
    _Trigger("poured", _CAPEX, 2, then=r"[^.;]{0,60}\binto\b"),
    _Trigger("to finance | will finance | would finance | finances | financera | financeront | financent"
             " | va financer | pour financer", _CAPEX, 3),
    _Trigger("financed | financé", _CAPEX, 2),
    _Trigger("announce | announces | announcing | unveil | unveils | unveiling | launch | launches | launching"
             " | set up | sets up | setting up | annonce | annoncent | annoncer | dévoile | dévoilent | dévoiler"
             " | lance | lancent | lancer | présente | présentent | présenter", _CAPEX, 3, then=_NEAR_INVEST_NOUN),
    _Trigger("announced | unveiled | launched | annoncé | dévoilé | lancé | présenté", _CAPEX, 2,
             then=_NEAR_INVEST_NOUN),
    _Trigger("build | builds | building | open | opens | opening | expand | expands | expanding | construire"
             " | construira | construiront | construit | construisent | ouvre | ouvrir | ouvrira | ouvriront"
             " | implante | implanter | implantera", _CAPEX, 3, then=_NEAR_FACILITY),
    # "un plan de 2 milliards", "a fund of $1bn": the noun alone is too common to count.
    _Trigger("plan de | plan d' | plan of | plan worth | programme de | programme d' | programme of"
             " | program of | scheme of | fund of | fonds de | enveloppe de | enveloppe d'", _CAPEX, 1,
             then=r"\s*(?:\d|[$€£¥]|plus|près|quelque|up|about|some|over|more|un|une|one|a\s)"),
    # Funding rounds: the subject raises, the lead investor comes after "led by".
    _Trigger("raise | raises | raising | lève | lèvent | lever | lèvera | lèveront", _FUNDING, 3, "recipient"),
    _Trigger("raised | levé", _FUNDING, 2, "recipient"),
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
    _Trigger("back | backs | backing", _FUNDING, 3, then=r"(?!\s+(?:down|up|off|out|away|by)\b)"),
    _Trigger("lead | leads | leading | co-lead | co-leads", _FUNDING, 3,
             then=r"[^.;]{0,40}(?:round|series|funding|financing|tour|levée)"),
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
    end = r"(?!\w)" if form[-1].isalpha() else ""
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
    r"|exports?|imports?|manag(?:es|ed|ing)\b|under\s+management|in\s+assets|assets\s+of|gère|gèrent|sous\s+gestion"
    r"|d['’]actifs|encours)",
)

#: Signs that an amount was committed before this story.
_STRONG_PAST = re.compile(
    r"(?<![\w-])(?:last\s+(?:year|month|week|fall|spring|summer|autumn|winter)|l['’]an\s+(?:dernier|passé)"
    r"|l['’]année\s+(?:dernière|passée)|le\s+mois\s+dernier|la\s+semaine\s+dernière|previously|précédemment"
    r"|auparavant|earlier\s+this\s+year|plus\s+tôt\s+cette\s+année|in\s+the\s+past|par\s+le\s+passé"
    r"|years?\s+ago|il\s+y\s+a\s+\w+\s+ans|prior\b|previous\b|précédente?s?\b|already|déjà"
    r"|(?:since|depuis)\s+(?:19|20)\d\d"
    # Cumulative totals: "has raised $300m to date", "depuis sa création".
    r"|to\s+date|so\s+far|thus\s+far|à\s+ce\s+jour|jusqu['’]à\s+présent|jusqu['’]ici|depuis\s+sa\s+création"
    r"|since\s+(?:its\s+)?(?:founding|inception|launch|creation)"
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
    r"|tous\s+confondus|bringing\b[^.;]{0,60}?\bto\b|portant\b[^.;]{0,60}?\bà\b|soit\s+un\s+total"
    r"|overall|in\s+all\b|\brecord\b"
    # A plural subject: "the two companies", "les deux groupes".
    r"|(?:two|three|four|both|deux|trois|quatre)\s+(?:[\w.-]+\s+){0,3}?(?:companies|groups|firms|giants"
    r"|investors|groupes|entreprises|sociétés|géants|investisseurs)\b)",
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
_COMPOUND_JOIN = re.compile(r"\s+(and|et|&)\s+(?:(?:the|la|le|l['’])\s*)?")
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

#: Public bodies are found from a key word in lower-cased text, then widened to
#: their full name: "the French government", "la région Grand Est", "l'État".
_PUBLIC_KEY = re.compile(
    r"(?<![\w-])(?:government|administration|ministry|treasury|state(?![\w-])|commission|union|eu(?!\w)"
    r"|bpifrance|banque\s+des\s+territoires|caisse\s+des\s+dépôts|état|etat|gouvernement|exécutif"
    r"|région|département|ministère|métropole|ville\s+de|matignon|élysée|elysée|bercy)"
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
#: Found from the scale word (a cheap scan), then checked around it, in lower-cased text.
_VAGUE_SCALE = re.compile(r"(?:billion|million|milliard)s?(?!\w)|bn(?!\w)")
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
    for scale in _VAGUE_SCALE.finditer(low):
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
    #: The company the headline is about: what "the company" means until another is named.
    title_subject: str | None
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
        for start, end, word in _vague_amounts(sent.low):
            kept.append(_Amount(None, currency_code(word), sent.text[start:end], start, end))
    return kept


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
    for word in _WORD_RE.finditer(low):
        start = word.start()
        if start < covered or (start and low[start - 1] == "-"):
            continue  # inside the previous phrase, or "re-invest"
        best: _Hit | None = None
        for pattern, trigger in _TRIGGER_INDEX.get(word.group(), ()):
            m = pattern.match(low, start)
            if m and (best is None or m.end() > best.end):
                best = _Hit(start, m.end(), trigger)
        if best:
            hits.append(best)
            covered = best.end
    return hits


def _is_past(sentence: str, clause: tuple[int, int], strength: int, year: int | None) -> bool:
    """Whether an amount is an earlier commitment mentioned in passing.

    A past cue in the amount's own clause decides; one elsewhere in the sentence
    only when no present or future verb (strength 3) governs the amount:
    "Microsoft, already present in France, will invest €4bn" is new.
    """
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


_POSSESSIVE = re.compile(r"['’]s$")
_NAME_STOP = re.compile(r"[;:()]|,\s")
_NAME_LIST_SPLIT = re.compile(r"\s*(?:,|\band\b|\bet\b)\s*")


def _clean_name(raw: str) -> tuple[str | None, bool]:
    """A candidate name without sentence starters, titles or possessives.

    Returns (name, public): public when a head of state or minister is named
    ("French President Emmanuel Macron").
    """
    raw = _POSSESSIVE.sub("", raw.strip()).rstrip(".,")
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


def _mentions(segment: str) -> list[_Mention]:
    """The names, public bodies and references ("it", "la firme") of a sentence."""
    low = _lower(segment)
    entities = [_Mention(start, end, "public", name, True) for start, end, name in _public_bodies(segment, low)]
    for m in _NAME_RE.finditer(segment):
        if any(e.start < m.end() and m.start() < e.end for e in entities):
            continue  # "Banque des Territoires" is read as a public body
        if _PREPOSITION_BEFORE.search(segment, max(0, m.start() - 12), m.start()):
            continue
        name, public = _clean_name(m.group())
        if name:
            entities.append(_Mention(m.start(), m.end(), "name", name, public))
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
    return ctx.last_investor or ctx.title_subject, False


def _is_public(name: str) -> bool:
    """Whether a name is a public body's ("German government", "région Grand Est")."""
    return any(start == 0 and end == len(name) for start, end, _ in _public_bodies(name, _lower(name)))


def _is_place(name: str) -> bool:
    return name in _PLACES or name in _DEMONYMS or all(t in _PLACES or t in _DEMONYMS for t in name.split())


def _name_after(sentence: str, pos: int, limit: int = 70) -> str | None:
    """The first name (not a place) after pos, before the next clause break."""
    segment = sentence[pos : pos + limit]
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
    """0..1 from how many signals agree: a verb rather than a noun, a named party,
    a place, an aim, a figure, a trigger close to the amount."""
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
    mentions: list[_Mention] | None = None  # computed once, when an amount gets that far
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

        # A fine, a loan, a donation... in the amount's clause; or revenue, a price,
        # a valuation... nearer to the amount than its trigger.
        if _STRONG_NEGATIVE.search(low, *clause) or _DONATION_NOUN.search(text, *clause):
            continue
        window = (max(0, amount.start - best_d - 40), amount.end + best_d + 40)
        near = [(m.start(), m.end()) for m in _STRONG_NEGATIVE.finditer(low, *window)]
        near += [(m.start(), m.end()) for m in _WEAK_NEGATIVE.finditer(low, *window)]
        if any(_gap(s, e, amount.start, amount.end) <= best_d for s, e in near):
            continue
        if _is_past(low, clause, strength, ctx.published_year):
            continue
        if not in_clause and _RELATIVE_START.match(low, clause[0]):
            continue  # "BlackRock, which manages $10tn, will invest...": a description, not the deal
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
        if aggregate and strength < 3:
            continue

        trigger = best.trigger
        kind = trigger.kind
        subject_end = min(best.start, amount.start) if best.start < amount.start else amount.start
        if mentions is None:
            mentions = _mentions(text)
        subject, public = _subject(text, mentions, subject_end, ctx)
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
                    public = bool(investor and _is_public(investor))
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
        if kind == _CAPEX and investor and (public or _is_public(investor) or investor in _PLACES):
            kind = _PUBLIC_PROGRAMME
        elif kind == _CAPEX and recipient:
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
        results.append(_Found(announcement, position, reference, aggregate, (text,), not_places, strength, best_d))
    return results


def _finish(found: _Found, title: str) -> Announcement:
    """The announcement with its place, purpose and confidence.

    The headline often names the place or the aim the body leaves implicit.
    """
    location = next(filter(None, (_location(s, found.not_places) for s in found.sources)), None)
    location = location or (_location(title, found.not_places) if title else None)
    purpose = next(filter(None, (_purpose(s) for s in found.sources)), None) or (_purpose(title) if title else None)
    a = found.announcement
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
            and new.investor is not None and new.investor == old.announcement.investor
        ]
        if part_of:
            place = _finish(item, "").location
            if any(place in (None, _finish(old, "").location) for old in part_of):
                continue
        kept.append(item)
    return kept


def _merge(title_found: list[_Found], body: list[_Found], title: str) -> list[Announcement]:
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
    return [_finish(f, title) for f in body]


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
    money = find_money(text, lang)
    low = _lower(text)
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
    title_sentences = _scan(title, True, lang)
    body_sentences = _scan(text, False, lang)
    if not title_sentences and not body_sentences:
        return []
    ctx = _Context(title, _title_subject(title), None, year)

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
    return _merge(title_found, body_found, title)

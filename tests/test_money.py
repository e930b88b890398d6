"""Amounts of money in text: exact Decimals, both decimal conventions, ranges and bounds."""

from decimal import Decimal

import pytest

from monitor.money import Money, currency_code, find_money, lower_keeping_offsets

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    "text, lang, amount, currency",
    [
        ("4 milliards d'euros", "fr", "4000000000", "EUR"),
        ("4 milliards d’euros", None, "4000000000", "EUR"),
        ("1,2 milliard d'euros", "fr", "1200000000", "EUR"),
        ("1,2 milliard d'euros", None, "1200000000", "EUR"),
        ("4 Md€", "fr", "4000000000", "EUR"),
        ("600 M EUR", None, "600000000", "EUR"),
        ("600 M€", "fr", "600000000", "EUR"),
        ("15 millions de dollars", "fr", "15000000", "USD"),
        ("5.000 millions d'euros", "es", "5000000000", "EUR"),
        ("5.000 Millionen Euro", "de", "5000000000", "EUR"),
        ("4 000 000 €", "fr", "4000000", "EUR"),
        (f"4{NNBSP}000{NNBSP}000 €", "fr", "4000000", "EUR"),
        (f"4{NBSP}000{NBSP}000{NBSP}€", "fr", "4000000", "EUR"),
        ("$4.3 billion", "en", "4300000000", "USD"),
        ("$4.3 billion", None, "4300000000", "USD"),
        ("€4bn", "en", "4000000000", "EUR"),
        ("£11.5m", "en", "11500000", "GBP"),
        ("US$ 2 bn", None, "2000000000", "USD"),
        ("2.5 billion yuan", "en", "2500000000", "CNY"),
        ("1,5 Mrd. Euro", "de", "1500000000", "EUR"),
        ("2.000 millones de euros", "es", "2000000000", "EUR"),
        ("CHF 300 million", "en", "300000000", "CHF"),
        ("¥50 billion", "en", "50000000000", "JPY"),
        ("Rs 1,000 crore", "en", "10000000000", "INR"),
        ("₹500 crore", "en", "5000000000", "INR"),
        ("un milliard d'euros", "fr", "1000000000", "EUR"),
        ("a billion dollars", "en", "1000000000", "USD"),
        ("$1,200", "en", "1200", "USD"),
        ("€1.200", "en", "1200", "EUR"),
        ("1.234.567,89 €", "fr", "1234567.89", "EUR"),
        ("$1,234.56", "en", "1234.56", "USD"),
        ("4,3 milliards de dollars", "fr", "4300000000", "USD"),
        ("4 milliards $US", "fr", "4000000000", "USD"),
        ("C$750 million", "en", "750000000", "CAD"),
        ("a 4-billion-euro plan", "en", "4000000000", "EUR"),
        ("$2B", "en", "2000000000", "USD"),
        ("€50k", "en", "50000", "EUR"),
        ("300 millions de livres sterling", "fr", "300000000", "GBP"),
        ("2 trillion won", "en", "2000000000000", "KRW"),
    ],
)
def test_an_amount_reads_into_an_exact_decimal_and_an_iso_code(text, lang, amount, currency):
    found = find_money(text, lang)
    assert len(found) == 1, found
    assert found[0].amount == Decimal(amount)
    assert str(found[0].amount) == amount  # exact, and no "1.2E+9" or trailing ".0"
    assert found[0].currency == currency


def test_one_comma_two_milliard_is_exact_and_never_a_float():
    (money,) = find_money("une enveloppe de 1,2 milliard d'euros", "fr")
    assert isinstance(money.amount, Decimal)
    assert money.amount == Decimal("1200000000")
    assert money.text == "1,2 milliard d'euros"
    assert money.start == len("une enveloppe de ")


def test_three_digits_after_a_separator_follow_the_language_when_a_scale_word_is_there():
    (en,) = find_money("$1.250 billion", "en")
    (fr,) = find_money("1.250 milliards d'euros", "fr")
    (fr_comma,) = find_money("1,250 milliard d'euros", "fr")
    assert en.amount == Decimal("1250000000")
    assert fr.amount == Decimal("1250000000000")
    assert fr_comma.amount == Decimal("1250000000")


def test_billion_means_a_million_millions_in_french_and_a_thousand_millions_in_english():
    assert find_money("1 billion d'euros", "fr")[0].amount == Decimal(10) ** 12
    assert find_money("1 billion euros", "en")[0].amount == Decimal(10) ** 9
    assert find_money("$1 billion", "fr")[0].amount == Decimal(10) ** 9


def test_up_to_marks_an_upper_bound_in_both_languages():
    (en,) = find_money("It could spend up to $2 billion on the site.", "en")
    (fr,) = find_money("Il pourrait investir jusqu'à 2 milliards d'euros.", "fr")
    assert en.upper_bound and fr.upper_bound
    assert en.amount == fr.amount == Decimal("2000000000")
    assert en.text == "up to $2 billion"


@pytest.mark.parametrize(
    "text, lang, low, high, currency",
    [
        ("between €1bn and €2bn", "en", "1000000000", "2000000000", "EUR"),
        ("between $1 and $2 billion", "en", "1000000000", "2000000000", "USD"),
        ("de 1 à 2 milliards d'euros", "fr", "1000000000", "2000000000", "EUR"),
        ("entre 1,5 et 2 milliards d'euros", "fr", "1500000000", "2000000000", "EUR"),
        ("$1-2 billion", "en", "1000000000", "2000000000", "USD"),
        ("€500m to €1bn", "en", "500000000", "1000000000", "EUR"),
    ],
)
def test_a_range_is_one_amount_with_its_low_end(text, lang, low, high, currency):
    (money,) = find_money(text, lang)
    assert (money.low, money.amount, money.currency) == (Decimal(low), Decimal(high), currency)
    assert money.text == text


def test_a_converted_amount_in_parentheses_is_a_second_money_value():
    found = find_money("4 billion euros ($4.3 billion)", "en")
    assert [(m.amount, m.currency) for m in found] == [
        (Decimal("4000000000"), "EUR"),
        (Decimal("4300000000"), "USD"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "It will create 3,000 jobs.",
        "The cluster holds 25 000 GPU.",
        "Shares rose 15% in 2024.",
        "Il y a 2 500 start-ups.",
        "In 2023 it had 1.2 million users.",
        "un million d'emplois",
        "le 13 mai 2024 à 12:55",
        "Version 4.3 ships on 12/05.",
        "500 livres vendus",
        "They won 3 matches.",
        "",
    ],
)
def test_numbers_without_a_currency_are_not_money(text):
    assert find_money(text, "en") == []
    assert find_money(text, "fr") == []


def test_amounts_come_back_in_text_order_with_offsets():
    text = "Amazon adds €1.2bn, after Microsoft's €4bn."
    found = find_money(text, "en")
    assert [text[m.start : m.end] for m in found] == ["€1.2bn", "€4bn"]
    assert all(isinstance(m, Money) for m in found)


def test_currency_code_reads_symbols_and_words():
    assert currency_code("€") == "EUR"
    assert currency_code("euros") == "EUR"
    assert currency_code("US$") == "USD"
    assert currency_code("Livres Sterling") == "GBP"
    assert currency_code("bananas") is None


def test_offsets_survive_letters_that_lengthen_when_lower_cased():
    text = "İİ €4bn"  # "İ".lower() is two characters
    (money,) = find_money(text, "en")
    assert text[money.start : money.end] == "€4bn"
    assert len(lower_keeping_offsets(text)) == len(text)

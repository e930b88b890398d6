"""monitor.charset: every body becomes text, with the right accents when they can be found."""

from __future__ import annotations

import codecs
import random

import pytest

from monitor.charset import decode_body

FRENCH = "Le télétravail à Besançon : « déjà 40 % des salariés », selon l'étude. Ça progresse."
#: Only windows-1252 has the curly apostrophe, the euro sign and the "œ" ligature.
FRENCH_1252 = "L’usine coûtera 4 milliards d’€ ; les élus saluent un « chef-d’œuvre »."


def page(charset_meta: str, text: str) -> str:
    return f"<!doctype html><html><head>{charset_meta}<title>t</title></head><body><p>{text}</p></body></html>"


def test_utf8_body_with_its_header_is_utf8():
    assert decode_body(FRENCH.encode("utf-8"), "text/html; charset=utf-8") == (FRENCH, "utf-8")


def test_unlabelled_utf8_is_utf8():
    assert decode_body(FRENCH.encode("utf-8"), "text/html") == (FRENCH, "utf-8")


@pytest.mark.parametrize("label", ["windows-1252", "iso-8859-1", "latin-1", "ISO-8859-1", '"windows-1252"'])
def test_windows_1252_body_with_its_header_keeps_accents(label):
    text, encoding = decode_body(FRENCH.encode("cp1252"), f"text/html; charset={label}")
    assert text == FRENCH
    assert encoding == "cp1252"


def test_iso_8859_1_label_is_read_as_windows_1252_like_browsers_do():
    """The curly apostrophe and euro sign are 0x92 and 0x80: control codes in true ISO-8859-1."""
    text, encoding = decode_body(FRENCH_1252.encode("cp1252"), "text/html; charset=iso-8859-1")
    assert text == FRENCH_1252
    assert encoding == "cp1252"


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_unlabelled_french_in_a_legacy_charset_keeps_accents(codec):
    assert decode_body(FRENCH.encode(codec)) == (FRENCH, "cp1252")


def test_unlabelled_windows_1252_only_characters_survive():
    assert decode_body(FRENCH_1252.encode("cp1252"))[0] == FRENCH_1252


def test_short_unlabelled_word_keeps_its_accents():
    assert decode_body("été".encode("cp1252"))[0] == "été"


def test_header_saying_utf8_over_windows_1252_bytes_still_gives_accents():
    text, encoding = decode_body(FRENCH_1252.encode("cp1252"), "text/html; charset=utf-8")
    assert text == FRENCH_1252
    assert encoding == "cp1252"


def test_header_saying_latin1_over_utf8_bytes_gives_utf8():
    """Servers defaulting to iso-8859-1 over UTF-8 files would otherwise give "Ã©"."""
    text, encoding = decode_body(FRENCH.encode("utf-8"), "text/html; charset=iso-8859-1")
    assert text == FRENCH
    assert encoding == "utf-8"


def test_meta_charset_is_used_when_the_header_has_none():
    html = page('<meta charset="windows-1252">', FRENCH_1252)
    assert decode_body(html.encode("cp1252"), "text/html") == (html, "cp1252")


def test_meta_http_equiv_content_type_is_used():
    html = page('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">', FRENCH)
    assert decode_body(html.encode("cp1252"), None) == (html, "cp1252")


def test_meta_charset_of_a_non_latin_page_is_used():
    html = page("<meta charset=koi8-r>", "Москва объявила о новых инвестициях")
    assert decode_body(html.encode("koi8-r"), "text/html") == (html, "koi8-r")


def test_header_charset_beats_meta_charset():
    html = page('<meta charset="koi8-r">', "Москва")
    assert decode_body(html.encode("cp1251"), "text/html; charset=windows-1251") == (html, "cp1251")


def test_xml_declaration_encoding_is_used():
    xml = f'<?xml version="1.0" encoding="ISO-8859-15"?><rss><channel><title>{FRENCH} €</title></channel></rss>'
    assert decode_body(xml.encode("iso-8859-15"), "application/rss+xml") == (xml, "iso8859-15")


def test_meta_saying_utf16_in_an_ascii_compatible_page_means_utf8():
    html = page('<meta charset="utf-16">', FRENCH)
    assert decode_body(html.encode("utf-8"), "text/html") == (html, "utf-8")


def test_utf8_bom_wins_over_a_wrong_header_and_is_dropped():
    body = codecs.BOM_UTF8 + FRENCH.encode("utf-8")
    assert decode_body(body, "text/html; charset=windows-1252") == (FRENCH, "utf-8")


@pytest.mark.parametrize("codec, bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_utf16_with_a_bom_is_decoded(codec, bom):
    assert decode_body(bom + FRENCH.encode(codec), "text/html") == (FRENCH, codec)


def test_utf32_bom_is_not_mistaken_for_utf16():
    body = codecs.BOM_UTF32_LE + FRENCH.encode("utf-32-le")
    assert decode_body(body) == (FRENCH, "utf-32-le")


def test_truncated_utf16_gives_a_replacement_character_not_an_error():
    body = codecs.BOM_UTF16_LE + "été".encode("utf-16-le")[:-1]
    text, encoding = decode_body(body)
    assert text == "ét\ufffd"
    assert encoding == "utf-16-le"


def test_truncated_utf8_multibyte_character_does_not_raise():
    body = FRENCH.encode("utf-8")[:-1] + "é".encode("utf-8")[:1]
    text, _ = decode_body(body, "text/html; charset=utf-8")
    assert text.startswith("Le télétravail")


def test_utf8_page_with_one_stray_latin1_byte_stays_utf8():
    """A UTF-8 template with one field pasted from a latin-1 database: one "�", not mojibake everywhere."""
    body = FRENCH.encode("utf-8") + " Auteur : Hélène".encode("cp1252")
    text, encoding = decode_body(body, "text/html; charset=utf-8")
    assert text == FRENCH + " Auteur : H\ufffdl\ufffdne"
    assert encoding == "utf-8"


def test_pure_ascii_without_label_is_utf8():
    assert decode_body(b"<p>Hello</p>") == ("<p>Hello</p>", "utf-8")


def test_empty_body_is_empty_text():
    assert decode_body(b"") == ("", "utf-8")
    assert decode_body(b"", "text/html; charset=windows-1252") == ("", "cp1252")


@pytest.mark.parametrize("label", ["nonsense-charset", "base64", "zlib", ""])
def test_unknown_or_non_text_labels_are_ignored(label):
    assert decode_body(FRENCH.encode("utf-8"), f"text/html; charset={label}") == (FRENCH, "utf-8")


def test_unlabelled_cyrillic_goes_to_the_detector():
    text = "Москва: правительство объявило о новых инвестициях в размере четырёх миллиардов рублей."
    assert decode_body(text.encode("cp1251")) == (text, "cp1251")


@pytest.mark.parametrize("seed", range(20))
def test_random_binary_never_raises(seed):
    body = random.Random(seed).randbytes(random.Random(seed).randint(1, 5000))
    text, encoding = decode_body(body, random.choice([None, "text/html; charset=utf-8", "image/png"]))
    assert isinstance(text, str)
    assert codecs.lookup(encoding)


def test_a_large_utf8_page_with_stray_bytes_in_its_middle_stays_utf8():
    """A big body is judged on windows of it (start, middle, end), cut at character boundaries."""
    page_text = page('<meta charset="utf-8">', FRENCH * 2000)  # about 200 KB
    body = page_text.encode("utf-8")
    middle = len(body) // 2
    body = body[:middle] + "Hélène".encode("cp1252") + body[middle:]
    text, encoding = decode_body(body)
    assert encoding == "utf-8"
    assert text.count("\ufffd") == 2 and text.count(FRENCH) >= 1999


def test_a_large_windows_1252_page_is_windows_1252():
    body = page("", FRENCH_1252 * 3000).encode("cp1252")
    assert decode_body(body) == (page("", FRENCH_1252 * 3000), "cp1252")


def test_megabytes_of_random_bytes_decode_to_as_many_characters():
    """Garbage costs a bounded amount: the undefined windows-1252 bytes become "?", one by one."""
    body = random.Random(3).randbytes(3_000_000)
    text, encoding = decode_body(body)
    assert (len(text), encoding) == (len(body), "cp1252")

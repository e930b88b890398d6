"""Turning a fetched body into text: which charset, and never an exception.

Owns one pure function, :func:`decode_body`. The fetch stage calls it on every
2xx body; the extractor and the feed parser then work on ``Fetched.text``.

The order follows what browsers do, with two changes for news pages that lie
about their charset (a French page labelled UTF-8 but written in
windows-1252 is common on small sites and must still read "é", not "�"):

1. a byte-order mark wins (UTF-8, UTF-16, UTF-32);
2. a body whose non-ASCII bytes are (nearly all) valid UTF-8 is UTF-8,
   whatever the labels say: legacy-charset text almost never forms valid
   UTF-8 by chance, while servers defaulting to "iso-8859-1" over UTF-8
   files are common (see :func:`_mostly_utf8`);
3. the charset of the Content-Type header, then the one declared in the
   document's first 2 KB (``<meta charset>``, ``<meta http-equiv>``,
   ``<?xml encoding?>``), each used only if it decodes the body strictly;
4. pure ASCII is reported as UTF-8;
5. windows-1252 when the text looks Western European (see
   :func:`_looks_western`), else charset-normalizer's guess;
6. windows-1252 with replacement characters, which cannot fail.

Its cost stays linear and small whatever the body: a body that is not valid
UTF-8 throughout is judged on three windows of it (start, middle, end) rather
than decoded byte by byte with error handling, and the detector reads the
first 64 KB only; 5 MB of random bytes decode in a few tens of milliseconds.

Labels are mapped as browsers map them: "iso-8859-1", "latin-1" and "ascii"
mean windows-1252, a superset that also has the curly quotes, "€" and "œ"
such pages use. The returned encoding is Python's codec name ("utf-8",
"cp1252", "utf-16-le"...), so ``body.decode(encoding)`` works.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

#: Where a document may declare its charset; browsers look this far.
_PRESCAN_BYTES = 2048

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Labels browsers decode with a superset (WHATWG Encoding Standard), keyed
#: by Python's canonical codec name.
_SUPERSETS = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gbk",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}

#: Fewer non-ASCII bytes than this and charset-normalizer guesses at random.
_DETECTOR_MIN_HIGH_BYTES = 16

_ASCII = bytes(range(0x80))
_CP1252_UNDEFINED = bytes.maketrans(b"\x81\x8d\x8f\x90\x9d", b"?????")
_NOT_ASCII_LETTERS = bytes(b for b in range(256) if not (0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A))

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^\s;"']+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9._:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']\s*([a-z0-9._:-]+)""", re.IGNORECASE)


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` for a response body; never raises.

    >>> decode_body("café".encode("cp1252"), "text/html; charset=utf-8")
    ('café', 'cp1252')
    """
    if not body:
        return "", _codec(_header_label(content_type)) or "utf-8"

    for bom, encoding in _BOMS:
        if body.startswith(bom):
            # A BOM is the strongest signal there is; a truncated last
            # character becomes U+FFFD rather than an error.
            return body[len(bom):].decode(encoding, errors="replace"), encoding

    if not body.isascii():  # (pure ASCII goes on to the labels, as before)
        try:
            return body.decode("utf-8"), "utf-8"  # valid throughout: the common case, and the fastest
        except UnicodeDecodeError:
            pass
    if _mostly_utf8(body):
        return body.decode("utf-8", errors="replace"), "utf-8"

    for encoding in _declared(body, content_type):
        text = _strict(body, encoding)
        if text is not None:
            return text, encoding

    if body.isascii():
        return body.decode("ascii"), "utf-8"

    if _looks_western(body):
        text = _strict(body, "cp1252")
        if text is not None:
            return text, "cp1252"

    guess = _detect(body)
    if guess is not None:
        return guess

    # The five bytes windows-1252 leaves undefined become "?" first: a strict decode is
    # several times faster than one with an error handler called on each of them.
    return body.translate(_CP1252_UNDEFINED).decode("cp1252"), "cp1252"


def _declared(body: bytes, content_type: str | None) -> list[str]:
    """The charsets the header and the document declare, header first, known codecs only."""
    declared: list[str] = []
    header = _codec(_header_label(content_type))
    if header:
        declared.append(header)
    head = body[:_PRESCAN_BYTES]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        match = pattern.search(head)
        if match:
            encoding = _codec(match.group(1).decode("ascii"))
            # A document that could be read far enough to find an ASCII
            # <meta> is not UTF-16/32, whatever it says (browsers read UTF-8).
            if encoding and encoding.startswith(("utf-16", "utf-32")):
                encoding = "utf-8"
            if encoding and encoding not in declared:
                declared.append(encoding)
    return declared


def _header_label(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def _codec(label: str | None) -> str | None:
    """Python's name for a charset label, after browser supersets; None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
        # lookup() also knows bytes-to-bytes codecs ("base64", "zlib"), which
        # bytes.decode() refuses with LookupError: weed them out here.
        b"".decode(name)
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly_utf8(body: bytes) -> bool:
    """True when the non-ASCII bytes form valid UTF-8, bar a few stray bytes.

    Text in a legacy charset almost never forms valid UTF-8 sequences by
    chance, so one valid sequence is a strong sign. A few bad bytes are
    tolerated (they become U+FFFD): a character cut at the end of the body,
    or a templated UTF-8 page with one field pasted in from a latin-1 database.
    Judged on _windows(body): decoding megabytes of garbage with an error
    handler costs a call per bad byte.
    """
    good = bad = 0
    for window in _windows(body):
        if window.isascii():
            continue
        text = window.decode("utf-8", errors="replace")
        window_bad = text.count("\ufffd")
        ascii_bytes = len(window) - len(window.translate(None, _ASCII))
        # ASCII bytes decode to themselves even next to bad bytes, so the rest
        # of the text is the non-ASCII characters, good and bad.
        good += len(text) - ascii_bytes - window_bad
        bad += window_bad
    return good > 0 and good >= 4 * bad


#: Bytes of each window a large body is judged on.
_WINDOW = 32_768


def _windows(body: bytes) -> list[bytes]:
    """The body, or three windows of it (start, middle, end) cut at UTF-8 character boundaries."""
    if len(body) <= 3 * _WINDOW:
        return [body]
    windows = []
    for start in (0, (len(body) - _WINDOW) // 2, len(body) - _WINDOW):
        end = start + _WINDOW
        # Move both ends off UTF-8 continuation bytes (10xxxxxx), so that a cut
        # character does not count as a bad one.
        for _ in range(3):
            if start and 0x80 <= body[start] < 0xC0:
                start += 1
            if end < len(body) and 0x80 <= body[end] < 0xC0:
                end -= 1
        windows.append(body[start:end])
    return windows


def _looks_western(body: bytes) -> bool:
    """True when most letters are ASCII, as in French, English or German text.

    charset-normalizer misreads short French text in windows-1252 as a
    Baltic or Central European code page (measured: "Le télétravail à
    Besançon..." came back as cp1257). Western European text in a legacy
    charset is mostly ASCII letters with a few accented ones, while Cyrillic,
    Greek or CJK text is mostly high bytes; those go to the detector.
    """
    # bytes.translate() counts in C: a Python loop over a 5 MB body is slow.
    ascii_letters = high_bytes = 0
    for window in _windows(body):
        ascii_letters += len(window.translate(None, _NOT_ASCII_LETTERS))
        high_bytes += len(window.translate(None, _ASCII))
    if high_bytes < _DETECTOR_MIN_HIGH_BYTES:
        # Too little for the detector to go on (it reads "été" as EBCDIC):
        # bet on windows-1252, the commonest legacy charset on the web.
        return True
    return high_bytes <= 0.3 * (ascii_letters + high_bytes)


#: The detector reads this much: enough to tell charsets apart, and it is slow per byte.
_DETECTOR_BYTES = 65_536


def _detect(body: bytes) -> tuple[str, str] | None:
    best = charset_normalizer.from_bytes(body[:_DETECTOR_BYTES]).best()
    if best is None:
        return None
    encoding = _codec(best.encoding)
    if encoding is None:
        return None
    try:
        return body.decode(encoding, errors="replace"), encoding
    except (LookupError, UnicodeError):  # an encoding Python knows by name but cannot decode with
        return None

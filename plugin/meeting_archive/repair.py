"""Turn a note's bytes into the text its author meant.

Transcript pipelines often pass UTF-8 through a tool that decodes it as Mac Roman, so that
`’` arrives as `‚Äô` and `📅` as `üìÖ`. ftfy repairs most of that family but judges the
Apple-logo character U+F8FF (Mac Roman's 0xF0, the first byte of every 4-byte emoji) to be
ordinary text and leaves the emoji broken, so the Mac Roman case is undone here first, by
re-encoding runs of Mac Roman characters and keeping only complete, plausible UTF-8
sequences; ftfy then handles the Windows-1252 / Latin-1 family.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

import ftfy

# Every character Mac Roman maps bytes 0x80-0xFF to: the alphabet of Mac Roman mojibake.
_MAC_ROMAN_HIGH = bytes(range(0x80, 0x100)).decode("mac_roman")
_MAC_RUN = re.compile("[" + re.escape(_MAC_ROMAN_HIGH) + "]{2,}")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
# The signature of UTF-8 read as Windows-1252 or Latin-1: a lead byte's character followed by
# a continuation byte's. Only text that shows it is handed to ftfy, whose full check is slow.
_CP1252_LEAD = bytes(range(0xC2, 0xF5)).decode("latin-1")
_CP1252_CONT = bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore")
_CP1252_SIGN = re.compile(f"[{re.escape(_CP1252_LEAD)}][{re.escape(_CP1252_CONT)}\x80-\x9f]")


class NotText(ValueError):
    """The file is binary: it has no text to publish."""


@dataclass
class DecodedText:
    text: str
    encoding: str = "utf-8"
    repairs: int = 0
    """How many mojibake sequences were repaired."""
    problems: list[str] = field(default_factory=list)
    """What a user should hear about (a non-UTF-8 encoding)."""


def decode_note(raw: bytes, repair: bool = True) -> DecodedText:
    """Decode a note file: BOM dropped, UTF-16 and Windows-1252 recognised, mojibake repaired.

    Raises NotText for a binary file.
    """
    problems: list[str] = []
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = raw.decode("utf-16", errors="replace")
        encoding = "utf-16"
        problems.append("is UTF-16, not UTF-8: decoded from its byte-order mark")
    else:
        if raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        if b"\x00" in raw:
            raise NotText("contains NUL bytes: a binary file, not a note")
        try:
            text = raw.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as err:
            text = raw.decode("cp1252", errors="replace")
            encoding = "cp1252"
            problems.append(f"is not valid UTF-8 (byte {err.start}): decoded as Windows-1252")
    if len(_CONTROL.findall(text[:4096])) > 16:
        raise NotText("is mostly control characters: a binary file, not a note")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    repairs = 0
    if repair and not text.isascii():
        text, repairs = repair_mojibake(text)
    return DecodedText(text, encoding, repairs, problems)


def repair_mojibake(text: str) -> tuple[str, int]:
    """Repair Mac Roman and Windows-1252 mojibake; return the text and how many runs changed."""
    count = 0

    def fix_run(match: re.Match[str]) -> str:
        nonlocal count
        fixed = _undo_mac_roman(match.group())
        if fixed != match.group():
            count += 1
        return fixed

    text = _MAC_RUN.sub(fix_run, text)
    if _CP1252_SIGN.search(text):
        fixed = ftfy.fix_encoding(text)
        if fixed != text:
            count += 1
            text = fixed
    return text, count


def _undo_mac_roman(run: str) -> str:
    """Decode the complete UTF-8 sequences hidden in a run of Mac Roman characters."""
    data = run.encode("mac_roman")
    out: list[str] = []
    i = 0
    while i < len(data):
        length = _utf8_length(data[i])
        chunk = data[i : i + length]
        if length > 1 and len(chunk) == length:
            try:
                char = chunk.decode("utf-8")
            except UnicodeDecodeError:
                char = ""
            if char and _plausible(char, length):
                out.append(char)
                i += length
                continue
        out.append(run[i])
        i += 1
    return "".join(out)


def _utf8_length(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 1


def _plausible(char: str, length: int) -> bool:
    """Whether a decoded character is one an author meant, not an accident of two real
    Mac Roman characters standing side by side (`«É` would decode to U+01C3)."""
    code = ord(char)
    if length == 2:
        return 0xA0 <= code <= 0x17F
    category = unicodedata.category(char)
    return category not in ("Cn", "Co", "Cs", "Cc")

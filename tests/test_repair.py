"""Text repair: the seed's exact mojibake bytes, Windows-1252 files, BOMs, binary files."""

from __future__ import annotations

import codecs

import pytest

from conftest import SEED
from meeting_archive.repair import NotText, decode_note

# UTF-8 decoded once as Mac Roman and saved as UTF-8 again: the bytes the seed carries.
MAC = {
    "’": b"\xe2\x80\x9a\xc3\x84\xc3\xb4",  # ‚Äô
    "📅": b"\xef\xa3\xbf\xc3\xbc\xc3\xac\xc3\x96",  # U+F8FF ü ì Ö
    "🔺": b"\xef\xa3\xbf\xc3\xbc\xc3\xae\xe2\x88\xab",  # U+F8FF ü î ∫
    "⏫": b"\xe2\x80\x9a\xc3\xa8\xc2\xb4",  # ‚ è ´
}


@pytest.mark.parametrize("meant", list(MAC))
def test_mac_roman_sequences_from_the_seed(meant: str) -> None:
    decoded = decode_note(b"Atlas" + MAC[meant] + b" due")
    assert decoded.text == f"Atlas{meant} due"
    assert decoded.repairs == 1


def test_a_whole_task_line_like_the_seed() -> None:
    raw = b"- [ ] Send the terms. @Ana " + MAC["📅"] + b" 2025-10-07 " + MAC["🔺"] + b" #task"
    assert decode_note(raw).text == "- [ ] Send the terms. @Ana 📅 2025-10-07 🔺 #task"


@pytest.mark.parametrize(
    "text",
    [
        "Café «Écoute» —é naïve résumé “quoted” – dash",
        "Zoë’s 📅 2025-10-07 🔺 ⏫ ✅ — fine",
        "plain ascii",
        "Ελληνικά, русский, 日本語",
    ],
)
def test_good_text_is_left_alone(text: str) -> None:
    decoded = decode_note(text.encode("utf-8"))
    assert decoded.text == text
    assert decoded.repairs == 0


def test_windows_1252_mojibake_is_repaired_by_ftfy() -> None:
    assert decode_note("The team’s café".encode().decode("cp1252").encode()).text == "The team’s café"


def test_windows_1252_file_falls_back_with_a_problem() -> None:
    decoded = decode_note("naïve – “quoted”".encode("cp1252"))
    assert decoded.text == "naïve – “quoted”"
    assert decoded.encoding == "cp1252"
    assert "Windows-1252" in decoded.problems[0]


@pytest.mark.parametrize("bom", [codecs.BOM_UTF8])
def test_bom_is_dropped(bom: bytes) -> None:
    assert decode_note(bom + b"---\ntitle: x\n---\n").text.startswith("---")


def test_utf16_with_bom() -> None:
    decoded = decode_note("# Überblick\n".encode("utf-16"))
    assert decoded.text == "# Überblick\n"
    assert decoded.problems


def test_crlf_becomes_lf() -> None:
    assert decode_note(b"a\r\nb\rc").text == "a\nb\nc"


@pytest.mark.parametrize("raw", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(0, 32)) * 20])
def test_binary_is_not_text(raw: bytes) -> None:
    with pytest.raises(NotText):
        decode_note(raw)


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is not here")
def test_the_seed_note_itself() -> None:
    decoded = decode_note(SEED.read_bytes())
    for meant in ("Apollo’s", "📅", "🔺", "⏫"):
        assert meant in decoded.text
    assert "\uf8ff" not in decoded.text and "‚Äô" not in decoded.text

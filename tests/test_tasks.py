"""Obsidian Tasks lines and decisions, as tables."""

from __future__ import annotations

import datetime as dt

import pytest

from meeting_archive.tasks import parse_decisions, parse_task, parse_tasks

D = dt.date


@pytest.mark.parametrize(
    ("line", "status", "text", "owners", "dates", "priority"),
    [
        ("- [ ] Quantify risks. @Jason 📅 2025-10-07 🔺 #task", "open", "Quantify risks.", ["Jason"],
         {"due": D(2025, 10, 7)}, "highest"),
        ("- [x] Done @Jai Menon ✅ 2025-01-10 📅 2025-01-09", "done", "Done", ["Jai Menon", "Jai"],
         {"done": D(2025, 1, 10), "due": D(2025, 1, 9)}, None),
        ("- [-] Dropped @[[Jai Menon|JM]] ❌ 2025-02-01 ⏫", "cancelled", "Dropped", ["Jai Menon"],
         {"cancelled": D(2025, 2, 1)}, "high"),
        ("* [ ] Variation selectors 📅\ufe0f 2025-03-01 🔼\ufe0f", "open", "Variation selectors", [],
         {"due": D(2025, 3, 1)}, "medium"),
        ("- [ ] Every field ➕ 2025-01-01 🛫 2025-01-02 ⏳ 2025-01-03 🗓 2025-01-04 ⏬", "open", "Every field", [],
         {"created": D(2025, 1, 1), "start": D(2025, 1, 2), "scheduled": D(2025, 1, 3), "due": D(2025, 1, 4)},
         "lowest"),
        ("- [ ] Email ana@example.com 📆 2025-05-05 🔽", "open", "Email ana@example.com", [],
         {"due": D(2025, 5, 5)}, "low"),
        ("- [ ] Impossible date 📅 2025-02-30", "open", "Impossible date", [], {}, None),
        ("  1. [ ] Numbered and nested @Zoë", "open", "Numbered and nested", ["Zoë"], {}, None),
    ],
)
def test_parse_task(line: str, status: str, text: str, owners: list[str], dates: dict[str, D],
                    priority: str | None) -> None:
    task = parse_task(line)
    assert task is not None
    assert (task.status, task.text, task.owner_names, task.dates, task.priority) == (
        status, text, owners, dates, priority)


def test_recurrence_and_block_id() -> None:
    task = parse_task("- [ ] Weekly sync 🔁 every week 📅 2025-01-06 ^sync")
    assert task is not None
    assert (task.recurrence, task.block, task.text) == ("every week", "sync", "Weekly sync")


@pytest.mark.parametrize("line", ["- not a task", "[ ] no bullet", "- [ ]", "text - [ ] inside"])
def test_not_tasks(line: str) -> None:
    assert parse_task(line) is None


def test_tasks_in_code_are_ignored() -> None:
    body = "- [ ] real\n```\n- [ ] in code\n```\n"
    assert [t.text for t in parse_tasks(body)] == ["real"]


def test_decisions_under_their_heading_only() -> None:
    body = "## Summary\n- not this\n## Decisions\n- One\n  - nested detail\n2. Two\n- [ ] a task\n### Sub\n- Three\n## Next\n- no"
    assert [t for _, t in parse_decisions(body)] == ["One", "Two", "Three"]

"""A weekly digest page, made from the archive model by a mkdocs-gen-files script.

In mkdocs.yml, list it after meeting-archive:

    plugins:
      - search
      - tags
      - meeting-archive
      - gen-files:
          scripts:
            - examples/weekly_digest.py
"""

from __future__ import annotations

from collections import defaultdict

import mkdocs_gen_files

from meeting_archive import current_archive

WEEKS = 8

archive = current_archive()
weeks = defaultdict(list)
for meeting in archive.meetings:  # newest first
    year, week, _ = meeting.date.isocalendar()
    weeks[(year, week)].append(meeting)

decisions = defaultdict(list)
for decision in archive.decisions:
    decisions[decision.meeting.path].append(decision)

lines = ["# Weekly digest", ""]
for (year, week), meetings in list(weeks.items())[:WEEKS]:
    lines += [f"## {year}, week {week}", ""]
    for meeting in meetings:
        accounts = ", ".join(meeting.accounts) or "internal"
        # Links go to the note's source file: MkDocs maps them to the page's URL.
        lines.append(f"- **[{meeting.title}](<{meeting.path}>)** ({accounts})")
        for decision in decisions[meeting.path]:
            lines.append(f"    - Decided: {decision.text}")
    lines.append("")

with mkdocs_gen_files.open("digest.md", "w") as digest:
    digest.write("\n".join(lines))

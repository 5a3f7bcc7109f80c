#!/usr/bin/env python3
"""Benchmark the cost of queries: one Obsidian Tasks query on every person note.

Generate a synthetic vault once (../shared/bench/make_vault.py), copy it twice: (p) plain,
and (q) the same vault where every person note (frontmatter `type: person`, or a note in a
`People/` folder) gets one query appended, the one a user writes on a person's page:

    ```tasks
    not done
    description includes @<first name>
    sort by due
    ```

(make_vault writes task owners as `@First`). Both are built with the plugin, Material,
search and tags, alternating p, q, p, q ... for --runs rounds, each build a child process
timed with os.wait4, every build cold (its render cache deleted first). Prints the median
of each, the queries' share of the build, (q - p) / q, per round and of the medians, and
what the (q) site shows: pages with a rendered Tasks result, the task rows they hold, and
the warnings about queries, so that the figure is not the cost of queries that found
nothing. Then a Markdown table. The issue's target: a share of 10% or less at 4,000 notes.

Before the timed rounds, one untimed round builds p and q without `-q` (which silences
warnings): the warnings are counted from its (q) build, and it warms the disk cache.

This is a benchmark, not a test: it asserts nothing. Standard library, MkDocs and PyYAML.

    python bench/queries.py                        # 4,000 notes, 3 rounds
    python bench/queries.py --notes 200 --runs 1   # quick check
    python bench/queries.py --keep /tmp/q --json q.json
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml  # a dependency of MkDocs

# bench.py, beside this file (the script's folder is first on sys.path): the same child builds,
# generator path and helpers
import bench
from bench import ENV, SHARED_MAKE_VAULT, Run, fmt, log, split_frontmatter

QUERY = """
## Open tasks

```tasks
not done
description includes @{first}
sort by due
```
"""
RESULT_CLASS = "ma-query-tasks-result"
"""The class of the <div> the plugin writes for a Tasks query's result (queries/render.py);
each task row in it is an <li class="ma-task ...">."""
OWNER = re.compile(r"^[ \t>]*[-*+] +\[ \].*?(?<!\S)@([^\W\d][\w.'-]*)", re.M)


# ---------------------------------------------------------------- the two vaults


def make_vault(out: Path, notes: int, seed: int, script: Path) -> None:
    subprocess.run(
        [sys.executable, str(script), str(out), "--notes", str(notes), "--seed", str(seed)],
        check=True,
        env=ENV,
    )


def markdown_files(vault: Path) -> list[Path]:
    return sorted(
        p
        for p in vault.rglob("*.md")
        if not any(s.startswith(".") for s in p.relative_to(vault).parts)
    )


def person_notes(vault: Path) -> list[tuple[Path, str]]:
    """(note, first name) of every person note: `type: person`, or in a `People/` folder."""
    found = []
    for path in markdown_files(vault):
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
        meta, _ = split_frontmatter(text)
        kind = str((meta or {}).get("type", "")).strip().casefold()
        folders = [s.casefold() for s in path.relative_to(vault).parts[:-1]]
        if kind != "person" and "people" not in folders:
            continue
        title = str((meta or {}).get("title") or path.stem).strip()
        first = title.split()[0] if title.split() else ""
        if re.fullmatch(r"[^\W\d][\w.'-]*", first):
            found.append((path, first))
    return found


def open_owners(vault: Path) -> dict[str, int]:
    """How many open task lines each `@Owner` has, over the whole vault (private notes too)."""
    owners: dict[str, int] = {}
    for path in markdown_files(vault):
        for name in OWNER.findall(path.read_bytes().decode("utf-8", errors="replace")):
            owners[name] = owners.get(name, 0) + 1
    return owners


def add_queries(vault: Path) -> tuple[int, int]:
    """Append the query to every person note; (blocks added, of which the first name owns an
    open task line somewhere in the vault)."""
    owners = open_owners(vault)
    added = with_tasks = 0
    for path, first in person_notes(vault):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.rstrip("\n") + "\n" + QUERY.format(first=first), encoding="utf-8")
        added += 1
        with_tasks += first in owners
    return added, with_tasks


# ---------------------------------------------------------------- configs and builds


def cache_dir(work: Path, which: str) -> Path:
    return work / f"render-cache-{which}"


def write_configs(work: Path, plain: Path, queried: Path) -> dict[str, Path]:
    cfgs = {}
    for which, vault in (("p", plain), ("q", queried)):
        cfg = work / f"mkdocs-{which}.yml"
        cfg.write_text(
            yaml.safe_dump(
                {
                    "site_name": f"Bench queries ({which})",
                    "docs_dir": str(vault),
                    "theme": {"name": "material"},
                    "plugins": [
                        "search",
                        "tags",
                        {"meeting-archive": {"cache_dir": str(cache_dir(work, which))}},
                    ],
                },
                sort_keys=False,
            ),
            encoding="utf-8",
        )
        cfgs[which] = cfg
    return cfgs


def build(cfg: Path, site: Path, cache: Path, logfile: Path, quiet: bool = True) -> Run:
    """One cold build (its render cache deleted first), timed as bench.py times its builds."""
    shutil.rmtree(cache, ignore_errors=True)
    return bench.build(cfg, site, logfile, quiet)


# ---------------------------------------------------------------- what the (q) site shows


class ResultRows(HTMLParser):
    """Counts the Tasks results of a page, the task rows (<li class="ma-task">) of each and
    reads its count line ("12 tasks", or "1,000 of 1,234 tasks" when cut at the row cap)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[int] = []
        self.cut = 0
        self._depth = 0  # <div> nesting inside the current result; 0 = outside
        self._in_count = False
        self.counts: list[str] = []  # the count line of each result ("" if none)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self._depth:
            if tag == "div":
                self._depth += 1
            elif tag == "li" and "ma-task" in classes:
                self.rows[-1] += 1
            elif tag == "p" and "ma-query-cut" in classes:
                self.cut += 1
            elif tag == "p" and "ma-query-count" in classes:
                self._in_count = True
        elif tag == "div" and RESULT_CLASS in classes:
            self._depth = 1
            self.rows.append(0)
            self.counts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._in_count = False
        if self._depth and tag == "div":
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_count:
            self.counts[-1] += data


def site_results(site: Path) -> dict[str, Any]:
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]
    rows: list[int] = []
    with_result = cut = matched = miscounted = 0
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        start = text.find(RESULT_CLASS)
        if start < 0:
            continue
        parser = ResultRows()
        parser.feed(text[text.rfind("<div", 0, start) :])
        parser.close()
        if parser.rows:
            with_result += 1
            rows += parser.rows
            cut += parser.cut
            for n, line in zip(parser.rows, parser.counts, strict=True):
                numbers = [int(x.replace(",", "")) for x in re.findall(r"\d[\d,]*", line)]
                matched += numbers[-1] if numbers else n
                miscounted += bool(numbers) and numbers[0] != n
    return {
        "pages": len(pages),
        "pages_with_result": with_result,
        "results": len(rows),
        "empty_results": sum(1 for r in rows if r == 0),
        "cut_results": cut,
        "rows": sum(rows),
        "matched": matched,
        "rows_not_as_counted": miscounted,
        "rows_min": min(rows) if rows else None,
        "rows_median": statistics.median(rows) if rows else None,
        "rows_max": max(rows) if rows else None,
    }


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("WARNING")]


# ---------------------------------------------------------------- report


def share(p: float | None, q: float | None) -> float | None:
    return 100 * (q - p) / q if p is not None and q else None


def report(r: dict[str, Any], runs: int) -> None:
    p, q = r["p_s"], r["q_s"]
    mp = statistics.median(p) if p else None
    mq = statistics.median(q) if q else None
    rounds = ", ".join(fmt(share(a, b), ".1f") for a, b in zip(p, q, strict=False))
    s = r["site_q"]
    print(f"\n## Queries: cost of one Tasks query per person note, median of {runs} round(s)\n")
    print(
        "(p) the vault as generated; (q) the same with the query on every person note; cold builds.\n"
    )
    print(
        "| notes | .md files | person notes | query blocks | (p) s | (q) s | queries s | share % "
        "| share % per round | peak RSS (p / q) MiB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    print(
        f"| {r['notes']} | {r['md_files']} | {r['person_notes']} | {r['blocks']} "
        f"| {fmt(mp)} | {fmt(mq)} | {fmt(mq - mp if mp is not None and mq is not None else None)} "
        f"| {fmt(share(mp, mq), '.1f')} | {rounds or '–'} "
        f"| {fmt(max(r['p_rss_mib'], default=None), '.0f')} / {fmt(max(r['q_rss_mib'], default=None), '.0f')} |"
    )
    print("\n## What the queries show in (q)\n")
    print(
        "| query blocks | first name owns an open task | pages with a result | results "
        "| empty | cut at the row cap | task rows | tasks matched "
        "| rows per result (min / median / max) | query warnings | all warnings (p / q) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {r['blocks']} | {r['blocks_with_owner']} | {s['pages_with_result']} "
        f"| {s['results']} | {s['empty_results']} | {s['cut_results']} | {s['rows']} "
        f"| {s['matched']} | {fmt(s['rows_min'], 'd')} / {fmt(s['rows_median'], 'g')} "
        f"/ {fmt(s['rows_max'], 'd')} | {len(r['query_warnings'])} "
        f"| {r['warnings_p']} / {r['warnings_q']} |"
    )
    if s["rows_not_as_counted"]:
        print(
            f"\n{s['rows_not_as_counted']} result(s) hold a number of rows their count line does not say."
        )
    if r["query_warnings"]:
        print(f"\nWarnings about queries ({len(r['query_warnings'])}; the first 5):\n")
        for line in r["query_warnings"][:5]:
            print(f"    {line}")


# ---------------------------------------------------------------- main


def fail(which: str, run: Run) -> int:
    tail = "\n".join(run.stderr.strip().splitlines()[-20:])
    log(f"  ({which}) build failed; stderr tail:\n{tail}")
    return 1


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--notes", type=int, default=4000, help="vault size (meeting notes)")
    ap.add_argument("--runs", type=int, default=3, help="alternating rounds (default 3)")
    ap.add_argument("--seed", type=int, default=1, help="seed for the generated vault")
    ap.add_argument(
        "--make-vault",
        type=Path,
        default=SHARED_MAKE_VAULT,
        help=f"vault generator script (default {SHARED_MAKE_VAULT})",
    )
    ap.add_argument("--keep", type=Path, help="work in this directory and keep vaults and sites")
    ap.add_argument("--json", type=Path, help="also write the raw results as JSON here")
    args = ap.parse_args()
    if not args.make_vault.is_file():
        log(f"no vault generator at {args.make_vault}")
        return 2

    tmp = None
    if args.keep:
        work = args.keep.resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="meeting-archive-queries-")
        work = Path(tmp.name)
    try:
        plain, queried = work / "vault-p", work / "vault-q"
        for d in (plain, queried):
            shutil.rmtree(d, ignore_errors=True)
        t0 = time.perf_counter()
        make_vault(plain, args.notes, args.seed, args.make_vault)
        shutil.copytree(plain, queried)
        blocks, with_owner = add_queries(queried)
        log(
            f"[{args.notes}] vaults in {work} ({time.perf_counter() - t0:.1f} s): "
            f"{blocks} query blocks added, {with_owner} for a first name that owns an open task"
        )
        cfgs = write_configs(work, plain, queried)
        sites = {w: work / f"site-{w}" for w in cfgs}
        runs: dict[str, list[Run]] = {"p": [], "q": []}

        # untimed: warnings on (no -q), and the disk cache warm for both vaults
        warm = {}
        for w in ("p", "q"):
            run = build(
                cfgs[w], sites[w], cache_dir(work, w), work / f"{w}.warnings.log", quiet=False
            )
            if not run.ok:
                return fail(w, run)
            warm[w] = run
            log(f"  round 0 ({w}), untimed, warnings on: {run.seconds:.2f} s")
        for i in range(args.runs):
            for w in ("p", "q"):
                run = build(cfgs[w], sites[w], cache_dir(work, w), work / f"{w}.stderr.log")
                if not run.ok:
                    return fail(w, run)
                runs[w].append(run)
                log(
                    f"  round {i + 1} ({w}): {run.seconds:.2f} s, cpu {run.cpu:.2f} s, "
                    f"{run.rss_mib:.0f} MiB"
                )
            p, q = runs["p"][-1].seconds, runs["q"][-1].seconds
            log(f"  round {i + 1} share: {fmt(share(p, q), '.1f')}%")

        query_warnings = [w for w in warnings(warm["q"].stderr) if "query" in w.casefold()]
        result: dict[str, Any] = {
            "notes": args.notes,
            "seed": args.seed,
            "md_files": len(markdown_files(plain)),
            "person_notes": len(person_notes(plain)),
            "blocks": blocks,
            "blocks_with_owner": with_owner,
            "p_s": [r.seconds for r in runs["p"]],
            "q_s": [r.seconds for r in runs["q"]],
            "p_cpu_s": [r.cpu for r in runs["p"]],
            "q_cpu_s": [r.cpu for r in runs["q"]],
            "p_rss_mib": [r.rss_mib for r in runs["p"]],
            "q_rss_mib": [r.rss_mib for r in runs["q"]],
            "warm_s": {w: r.seconds for w, r in warm.items()},
            "site_q": site_results(sites["q"]),
            "site_p": site_results(sites["p"]),
            "query_warnings": query_warnings,
            "warnings_p": len(warnings(warm["p"].stderr)),
            "warnings_q": len(warnings(warm["q"].stderr)),
        }
        if result["site_p"]["results"]:
            log(f"  note: (p) shows {result['site_p']['results']} Tasks result(s) of its own")
        mp, mq = statistics.median(result["p_s"]), statistics.median(result["q_s"])
        result["share_pct"] = share(mp, mq)
        result["share_pct_per_round"] = [
            share(a, b) for a, b in zip(result["p_s"], result["q_s"], strict=False)
        ]
        report(result, args.runs)
        if args.json:
            raw = {w: [{k: v for k, v in asdict(r).items() if k != "stderr"} for r in rs]
                   for w, rs in runs.items()}  # fmt: skip
            args.json.write_text(json.dumps({**result, "runs": raw}, indent=2), encoding="utf-8")
    finally:
        if tmp:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())

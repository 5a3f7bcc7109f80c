#!/usr/bin/env python3
"""Benchmark mkdocs-meeting-archive against the flat floor.

For each vault size: generate a synthetic vault once, build it (a) with the plugin and
(b) as the "flat floor" -- the same notes pre-converted to plain Markdown, Material theme,
search plugin, a sidebar holding only the home page -- alternating a, b, a, b ... for
--runs rounds, each build a child process. Prints medians, the ratio (a)/(b), how time
grows between sizes, peak RSS of each build (from the OS, via os.wait4), search index
bytes per note and the HTML size of one meeting page, then a Markdown table.

This is a benchmark, not a test: it asserts nothing. Standard library + MkDocs only.

    python bench/bench.py                      # 1,000 and 4,000 notes, 3 rounds
    python bench/bench.py --big                # adds 10,000 notes
    python bench/bench.py --sizes 100 200 --runs 1
    python bench/bench.py --vault ../shared/corpora/obsidian-help-en
    python bench/bench.py --sizes 1000 --profile   # where the plugin's time goes
"""

from __future__ import annotations

import argparse
import cProfile
import html
import itertools
import json
import logging
import math
import os
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml  # a dependency of MkDocs

REPO = Path(__file__).resolve().parents[1]
SHARED_MAKE_VAULT = REPO.parent / "shared" / "bench" / "make_vault.py"
PROBE_TITLE = "Bench probe meeting"
# A meeting note with fixed content, added to every generated vault: its page must not
# grow with the vault (note n=0 of make_vault differs a little between sizes).
PROBE_NOTE = f"""---
type: customer
title: {PROBE_TITLE}
date: '2024-01-15'
account: Probe Account
participants:
- Probe Attendee One
- Probe Attendee Two
tags:
- type/customer
---

# {PROBE_TITLE}

**Account**: [[Probe Account]]
**Attendees**: [[Probe Attendee One]], [[Probe Attendee Two]]

## Summary

A fixed meeting used to compare one page's size between vault sizes. See [[Project Halcyon]].

## Action Items
- [ ] Send the pricing proposal to [[Probe Account]]. @Probe 📅 2024-01-22 ⏫ #task

## Decisions
- Keep this page the same at every vault size.
"""
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
WIKILINK = re.compile(r"(!?)\[\[([^\]\n]+?)\]\]")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- vault generation


def make_vault(out: Path, notes: int, seed: int, script: Path | None) -> None:
    """Write a synthetic vault: the shared make_vault.py if found, else the fallback below."""
    if script is not None and script.is_file():
        subprocess.run(
            [sys.executable, str(script), str(out), "--notes", str(notes), "--seed", str(seed)],
            check=True,
            env=ENV,
        )
    else:
        fallback_vault(out, notes, seed)
    (out / "Meetings").mkdir(parents=True, exist_ok=True)
    (out / "Meetings" / "Bench probe.md").write_text(PROBE_NOTE, encoding="utf-8")


def fallback_vault(out: Path, notes: int, seed: int) -> None:
    """Short stand-in for shared/bench/make_vault.py (same shapes, fewer of them)."""
    rnd = random.Random(seed)
    people = [f"Person {i:04d}" for i in range(max(8, notes // 8))]
    orgs = [f"Account {i:03d}" for i in range(max(4, notes // 40))]
    for p in people[::2]:
        write(
            out / "People" / f"{p}.md",
            f"---\ntype: person\n---\n\n# {p}\n\nWorks at [[{rnd.choice(orgs)}]].\n",
        )
    for n in range(notes):
        day = f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        org, who = rnd.choice(orgs), rnd.sample(people, 3)
        title = f"{who[0]} and {org} sync" + (f" #{n}" if n % 97 == 0 else "")
        tasks = "".join(
            f"- [ ] Send offer details to [[{org}]]. @{w.split()[0]} 📅 {day} ⏫ #task\n"
            for w in who[:2]
        )
        write(
            out / "Meetings" / day[:4] / f"{day} - {title}.md",
            f"---\ntype: customer\ntitle: '{title}'\ndate: '{day}'\naccount: {org}\nparticipants:\n"
            + "".join(f"- {w}\n" for w in who)
            + "tags:\n- generated\n---\n\n"
            f"# {title}\n\n**Account**: [[{org}]]\n"
            f"**Attendees**: {', '.join(f'[[{w}]]' for w in who)}\n\n"
            f"## Summary\n\nStatus of [[Project Halcyon]] with "
            f"[[{who[1]}|{who[1].split()[0]}]].\n\n"
            f"## Action Items\n{tasks}\n## Decisions\n- Proceed.\n",
        )


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path = path.with_name(path.stem + " (2).md")
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- the flat floor


def split_frontmatter(text: str) -> tuple[dict | None, str]:
    if not text.startswith("---\n"):
        return None, text
    m = re.search(r"^(---|\.\.\.)[ \t]*$", text[4:], re.M)
    if not m:
        return None, text
    body = text[4 + m.end() :].lstrip("\n")
    try:
        meta = yaml.safe_load(text[4 : 4 + m.start()])
    except yaml.YAMLError:
        return {}, body
    return (meta if isinstance(meta, dict) else {}), body


def is_private(meta: dict | None) -> bool:
    if not meta:
        return False
    tags = meta.get("tags") or []
    tags = [tags] if isinstance(tags, str) else tags
    return meta.get("publish") is False or meta.get("draft") is True or "private" in map(str, tags)


def plain_link(m: re.Match) -> str:
    if m.group(1):  # ![[embed]]
        return ""
    target, _, alias = m.group(2).replace("\\|", "|").partition("|")
    if alias:
        return alias
    return target.removesuffix(".md").lstrip("#").replace("#", " > ")


def convert_vault(vault: Path, out: Path) -> None:
    """Pre-convert a vault to plain Markdown: wikilinks to their text, embeds dropped,
    frontmatter reduced to title/tags, private notes left out (as the plugin does)."""
    for src in sorted(vault.rglob("*")):
        rel = src.relative_to(vault)
        if any(part.startswith(".") for part in rel.parts) or not src.is_file():
            continue
        dst = out / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix.lower() != ".md":
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
            continue
        meta, body = split_frontmatter(src.read_bytes().decode("utf-8-sig", errors="replace"))
        if is_private(meta):
            continue
        keep = {k: meta[k] for k in ("title", "tags") if meta and k in meta}
        front = "---\n" + yaml.safe_dump(keep, allow_unicode=True) + "---\n\n" if keep else ""
        dst.write_text(front + WIKILINK.sub(plain_link, body), encoding="utf-8")
    if not (out / "index.md").exists():
        (out / "index.md").write_text("# Home\n\nThe flat floor.\n", encoding="utf-8")


# ---------------------------------------------------------------- configs and builds


def write_configs(work: Path, vault: Path, floor_docs: Path) -> tuple[Path, Path]:
    plugin_cfg, floor_cfg = work / "mkdocs-plugin.yml", work / "mkdocs-floor.yml"
    plugin_cfg.write_text(
        yaml.safe_dump(
            {
                "site_name": "Bench (plugin)",
                "docs_dir": str(vault),
                "theme": {"name": "material"},
                "plugins": [
                    "search",
                    "tags",
                    {"meeting-archive": {"cache_dir": str(work / "render-cache")}},
                ],
            },
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    floor_cfg.write_text(
        yaml.safe_dump(
            {
                "site_name": "Bench (floor)",
                "docs_dir": str(floor_docs),
                "theme": {"name": "material"},
                "plugins": ["search"],
                "nav": ["index.md"],
                "not_in_nav": "*",
            },
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    return plugin_cfg, floor_cfg


@dataclass
class Run:
    ok: bool
    seconds: float
    cpu: float
    rss_mib: float
    stderr: str


def build(cfg: Path, site: Path, logfile: Path, quiet: bool = True) -> Run:
    """One `mkdocs build` in a child process; os.wait4 gives that child's own rusage.
    `quiet`: with `-q` (which silences warnings too)."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(cfg), "-d", str(site)]
    if quiet:
        cmd.insert(4, "-q")
    with open(logfile, "w+b") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=ENV)
        _, status, ru = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped
        err.seek(0)
        stderr = err.read().decode("utf-8", errors="replace")
    return Run(
        proc.returncode == 0, seconds, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, stderr
    )  # ru_maxrss is KiB on Linux


def site_stats(site: Path, notes: int) -> dict:
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]
    index = site / "search" / "search_index.json"
    return {
        "pages": len(pages),
        "index_bytes": index.stat().st_size if index.exists() else None,
        "index_per_note": round(index.stat().st_size / notes) if index.exists() and notes else None,
    }


def find_pages_by_title(site: Path, titles: list[str]) -> dict[str, Path]:
    """Find built pages whose <title> starts with one of `titles` (meetings/ searched first)."""
    want, found = {t: t for t in titles if t}, {}
    files = sorted(
        site.rglob("*.html"),
        key=lambda p: (not str(p.relative_to(site)).startswith("meetings"), str(p)),
    )
    for path in files:
        if not want:
            break
        with open(path, "rb") as f:
            head = f.read(32768).decode("utf-8", errors="replace")
        m = re.search(r"<title>(.*?)</title>", head, re.S)
        if not m:
            continue
        shown = html.unescape(m.group(1)).strip()
        for t in list(want):
            if shown == t or shown.startswith(t + " - "):
                found[t] = path
                del want[t]
    return found


def floor_page(site: Path, rel: Path) -> Path:
    """Where MkDocs (use_directory_urls) writes the floor page of vault note `rel`."""
    stem = rel.with_suffix("")
    if stem.name.lower() in ("index", "readme"):
        return site / stem.parent / "index.html"
    return site / stem / "index.html"


def pick_meeting(vault: Path) -> tuple[Path, str] | None:
    """make_vault's first meeting (n=0, title ending '#0'); else, for any vault, the first
    note by path whose frontmatter has a date and participants/attendees/account."""
    candidates = sorted(vault.rglob("* #0.md")) or sorted(vault.rglob("*.md"))
    for path in candidates:
        if any(p.startswith(".") for p in path.relative_to(vault).parts):
            continue
        meta, body = split_frontmatter(path.read_bytes().decode("utf-8-sig", errors="replace"))
        if not meta or "date" not in meta or is_private(meta):
            continue
        if not any(k in meta for k in ("participants", "attendees", "account", "accounts")):
            continue
        heading = re.search(r"^# (.+)$", body, re.M)
        title = str(meta.get("title") or (heading.group(1).strip() if heading else path.stem))
        return path.relative_to(vault), title
    return None


def size_of(path: Path | None) -> int | None:
    return path.stat().st_size if path is not None and path.exists() else None


# ---------------------------------------------------------------- profile


def profile_plugin(cfg: Path, site: Path, top: int = 15) -> dict | None:
    """One plugin build in-process under cProfile: the share of time inside meeting_archive."""
    try:
        import meeting_archive.plugin
    except Exception as exc:  # the plugin may not exist yet
        log(f"  profile skipped: cannot import meeting_archive.plugin ({exc!r})")
        return None
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    pkg = os.path.realpath(next(iter(meeting_archive.__path__))) + os.sep
    prof = cProfile.Profile()
    prof.enable()
    try:
        config = load_config(config_file=str(cfg), site_dir=str(site))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
    except Exception as exc:  # the plugin may not work yet
        prof.disable()
        log(f"  profile build failed: {exc!r}")
        return None
    prof.disable()
    st = pstats.Stats(prof)
    total = st.total_tt
    mine = {f: v for f, v in st.stats.items() if os.path.realpath(f[0]).startswith(pkg)}
    # Inclusive time of plugin code: cumulative time of plugin functions counted only on
    # calls from Python code outside the package, so that nested plugin calls, and plugin
    # callbacks run by builtins (re.sub, sorted), are not counted twice. Plugin code called
    # back by code the plugin itself called (e.g. its Markdown extension run by a
    # markdown.convert the plugin started) is still counted twice: an upper bound.
    inclusive = sum(
        ct
        for f, (_, _, _, _, callers) in mine.items()
        for caller, (_, _, _, ct) in callers.items()
        if caller not in mine and caller[0] != "~"
    )
    own = sum(v[2] for v in mine.values())
    by_pkg: dict[str, float] = {}
    for f, v in st.stats.items():
        key = "meeting_archive" if f in mine else package_of(f[0])
        by_pkg[key] = by_pkg.get(key, 0.0) + v[2]
    rows = sorted(mine.items(), key=lambda kv: kv[1][3], reverse=True)[:top]
    return {
        "total": total,
        "inclusive": inclusive,
        "self": own,
        "by_package": sorted(by_pkg.items(), key=lambda kv: kv[1], reverse=True)[:8],
        "top": [
            (f"{os.path.relpath(f[0], pkg)}:{f[1]}({f[2]})", v[1], v[2], v[3]) for f, v in rows
        ],
    }


def package_of(filename: str) -> str:
    if filename.startswith("<") or filename == "~":
        return "builtins/C"
    parts = Path(filename).parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].split(".")[0]
    return "stdlib/other"


def print_profile(label: str, prof: dict) -> None:
    t = prof["total"]
    print(f"\n### Profile, {label} (one plugin build in-process, under cProfile)\n")
    print(f"- total profiled time: {t:.2f} s")
    print(
        f"- inside meeting_archive, inclusive (incl. what it calls, e.g. YAML, re): "
        f"{prof['inclusive']:.2f} s = {100 * prof['inclusive'] / t:.1f}%"
    )
    print(
        f"- inside meeting_archive, own code only (self time): "
        f"{prof['self']:.2f} s = {100 * prof['self'] / t:.1f}%"
    )
    print(
        "- self time by package: "
        + ", ".join(f"{k} {100 * v / t:.0f}%" for k, v in prof["by_package"])
    )
    print("\n| meeting_archive function | calls | self s | cumulative s |\n|---|---:|---:|---:|")
    for name, calls, tt, ct in prof["top"]:
        print(f"| `{name}` | {calls} | {tt:.3f} | {ct:.3f} |")


# ---------------------------------------------------------------- one size


@dataclass
class Result:
    label: str
    notes: int
    plugin: list[Run] = field(default_factory=list)
    warm: list[Run] = field(default_factory=list)
    """The plugin's build with the render cache of the one before, one note changed."""
    floor: list[Run] = field(default_factory=list)
    plugin_site: dict = field(default_factory=dict)
    floor_site: dict = field(default_factory=dict)
    meeting_title: str | None = None
    meeting_bytes: dict = field(default_factory=dict)
    probe_bytes: dict = field(default_factory=dict)
    profile: dict | None = None

    def times(self, which: str) -> list[float]:
        return [r.seconds for r in getattr(self, which) if r.ok]

    def median(self, which: str) -> float | None:
        t = self.times(which)
        return statistics.median(t) if t else None

    def ratio(self, which: str = "plugin") -> float | None:
        pairs = [
            a.seconds / b.seconds
            for a, b in zip(getattr(self, which), self.floor, strict=False)
            if a.ok and b.ok
        ]
        return statistics.median(pairs) if pairs else None

    def rss(self, which: str) -> float | None:
        r = [x.rss_mib for x in getattr(self, which) if x.ok]
        return max(r) if r else None


def bench_one(label: str, vault: Path, work: Path, args, generated: bool) -> Result:
    work.mkdir(parents=True, exist_ok=True)
    floor_docs = work / "floor_docs"
    if floor_docs.exists():
        shutil.rmtree(floor_docs)
    convert_vault(vault, floor_docs)
    notes = sum(
        1
        for p in vault.rglob("*.md")
        if not any(s.startswith(".") for s in p.relative_to(vault).parts)
    )
    plugin_cfg, floor_cfg = write_configs(work, vault, floor_docs)
    res = Result(label, notes)
    site_a, site_b = work / "site_plugin", work / "site_floor"
    plugin_broken = False
    # the note a warm build finds changed: one in the middle (not the page whose size is measured)
    notes_by_path = sorted(p for p in vault.rglob("*.md") if "Meetings" in p.parts)
    edited = (
        (notes_by_path[len(notes_by_path) // 2].relative_to(vault), "") if notes_by_path else None
    )
    for i in range(args.runs):
        if not plugin_broken:
            shutil.rmtree(work / "render-cache", ignore_errors=True)  # a cold build: no cache
            run = build(plugin_cfg, site_a, work / "plugin.stderr.log")
            res.plugin.append(run)
            log(
                f"  [{label}] round {i + 1} plugin: "
                + (
                    f"{run.seconds:.2f} s, cpu {run.cpu:.2f} s, {run.rss_mib:.0f} MiB"
                    if run.ok
                    else "FAILED"
                )
            )
            if not run.ok:
                plugin_broken = True
                tail = "\n".join(run.stderr.strip().splitlines()[-20:])
                log(
                    f"  plugin build failed; stderr tail:\n{tail}\n  continuing with the floor only"
                )
            elif edited is not None:
                # a CI build with the cache restored, after one note changed
                note = vault / edited[0]
                note.write_text(
                    note.read_text(encoding="utf-8") + f"\nEdit {i}.\n", encoding="utf-8"
                )
                warm = build(plugin_cfg, site_a, work / "plugin.stderr.log")
                res.warm.append(warm)
                log(
                    f"  [{label}] round {i + 1} plugin, cache warm, one note changed: {warm.seconds:.2f} s"
                )
        run = build(floor_cfg, site_b, work / "floor.stderr.log")
        res.floor.append(run)
        log(
            f"  [{label}] round {i + 1} floor:  "
            + (
                f"{run.seconds:.2f} s, cpu {run.cpu:.2f} s, {run.rss_mib:.0f} MiB"
                if run.ok
                else "FAILED"
            )
        )
        if not run.ok:
            log(
                "  floor build failed; stderr tail:\n"
                + "\n".join(run.stderr.strip().splitlines()[-20:])
            )
            break

    picked = pick_meeting(vault)
    titles = [picked[1] if picked else None, PROBE_TITLE if generated else None]
    if any(r.ok for r in res.plugin):
        res.plugin_site = site_stats(site_a, notes)
        found = find_pages_by_title(site_a, [t for t in titles if t])
        res.meeting_bytes["plugin"] = size_of(found.get(titles[0]))
        res.probe_bytes["plugin"] = size_of(found.get(PROBE_TITLE))
    if any(r.ok for r in res.floor):
        res.floor_site = site_stats(site_b, notes)
        if picked:
            res.meeting_bytes["floor"] = size_of(floor_page(site_b, picked[0]))
        if generated:
            res.probe_bytes["floor"] = size_of(floor_page(site_b, Path("Meetings/Bench probe.md")))
    res.meeting_title = f"{picked[1]} ({picked[0]})" if picked else None
    if args.profile:
        log(f"  [{label}] profiling one plugin build in-process ...")
        res.profile = profile_plugin(plugin_cfg, work / "site_profile")
    return res


# ---------------------------------------------------------------- report


def fmt(x, spec: str = ".2f") -> str:
    return "–" if x is None else format(x, spec)


def report(results: list[Result], runs: int) -> None:
    print(f"\n## Build time: plugin (a) vs flat floor (b), median of {runs} alternating round(s)\n")
    print(
        "(a) a cold build (no render cache); (c) the next build, with (a)'s render cache, after one note changed (a CI build with its cache restored).\n"
    )
    print(
        "| notes | .md files | pages (a / b) | (a) s | (b) s | (a)/(b) | (c) s | (c)/(b) "
        "| peak RSS (a) MiB | peak RSS (b) MiB "
        "| search index B/note (a / b) | meeting page B (a / b) | probe page B (a / b) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        ps, fs = r.plugin_site, r.floor_site
        print(
            f"| {r.label} | {r.notes} | {ps.get('pages', '–')} / {fs.get('pages', '–')} "
            f"| {fmt(r.median('plugin'))} | {fmt(r.median('floor'))} | {fmt(r.ratio())} "
            f"| {fmt(r.median('warm'))} | {fmt(r.ratio('warm'))} "
            f"| {fmt(r.rss('plugin'), '.0f')} | {fmt(r.rss('floor'), '.0f')} "
            f"| {fmt(ps.get('index_per_note'), 'd')} / {fmt(fs.get('index_per_note'), 'd')} "
            f"| {fmt(r.meeting_bytes.get('plugin'), 'd')} "
            f"/ {fmt(r.meeting_bytes.get('floor'), 'd')} "
            f"| {fmt(r.probe_bytes.get('plugin'), 'd')} / {fmt(r.probe_bytes.get('floor'), 'd')} |"
        )
    if len(results) > 1:
        print("\n## Growth between sizes (1.00 exponent = linear, 2.00 = quadratic)\n")
        print(
            "| sizes | notes ratio | (a) time ratio | (a) exponent | (b) time ratio | (b) exponent "
            "| meeting page (a) ratio | probe page (a) ratio | probe page (b) ratio |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for lo, hi in itertools.pairwise(results):
            n = hi.notes / lo.notes
            cells = []
            for w in ("plugin", "floor"):
                t0, t1 = lo.median(w), hi.median(w)
                q = t1 / t0 if t0 and t1 else None
                cells += [fmt(q), fmt(math.log(q) / math.log(n) if q and n > 1 else None)]
            for d, w in (
                ("meeting_bytes", "plugin"),
                ("probe_bytes", "plugin"),
                ("probe_bytes", "floor"),
            ):
                b0, b1 = getattr(lo, d).get(w), getattr(hi, d).get(w)
                cells.append(fmt(b1 / b0 if b0 and b1 else None, ".3f"))
            print(f"| {lo.label} → {hi.label} | {n:.2f} | " + " | ".join(cells) + " |")
    print(
        "\nMeeting page compared: "
        + "; ".join(f"{r.label}: {r.meeting_title or 'none found'}" for r in results)
    )
    for r in results:
        if r.profile:
            print_profile(f"{r.label} ({r.notes} .md files)", r.profile)


# ---------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes", type=int, nargs="+", default=[1000, 4000], help="vault sizes (notes) to generate"
    )
    ap.add_argument("--big", action="store_true", help="add 10,000 notes to --sizes")
    ap.add_argument("--runs", type=int, default=3, help="alternating rounds per size (default 3)")
    ap.add_argument(
        "--vault", type=Path, help="benchmark this existing vault instead of generated ones"
    )
    ap.add_argument("--seed", type=int, default=1, help="seed for generated vaults")
    ap.add_argument(
        "--make-vault",
        type=Path,
        default=SHARED_MAKE_VAULT,
        help=f"vault generator script (default {SHARED_MAKE_VAULT}; a built-in fallback if absent)",
    )
    ap.add_argument(
        "--profile",
        action="store_true",
        help="also run one plugin build per size under cProfile and print where the time goes",
    )
    ap.add_argument(
        "--keep", type=Path, help="work in this directory and keep vaults, configs and sites"
    )
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = ap.parse_args()
    sizes = sorted(set(args.sizes + ([10000] if args.big else [])))

    tmp = None
    if args.keep:
        work = args.keep.resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="meeting-archive-bench-")
        work = Path(tmp.name)
    try:
        import meeting_archive.plugin  # noqa: F401
    except Exception as exc:
        log(f"note: cannot import meeting_archive.plugin ({exc!r}); plugin builds will fail")
    gen = args.make_vault if args.make_vault and args.make_vault.is_file() else None
    results = []
    try:
        if args.vault:
            vault = args.vault.resolve()
            log(f"vault {vault}")
            results.append(
                bench_one(vault.name, vault, work / f"vault-{vault.name}", args, generated=False)
            )
        else:
            log(f"generator: {gen or 'built-in fallback'}; work dir: {work}")
            for n in sizes:
                vault = work / f"n{n}" / "vault"
                if vault.exists():
                    shutil.rmtree(vault)
                t0 = time.perf_counter()
                make_vault(vault, n, args.seed, gen)
                log(f"[{n}] vault generated in {time.perf_counter() - t0:.1f} s")
                results.append(bench_one(str(n), vault, work / f"n{n}", args, generated=True))
        report(results, args.runs)
        if args.json:
            args.json.write_text(
                json.dumps(
                    [
                        {
                            "label": r.label,
                            "notes": r.notes,
                            "plugin_s": r.times("plugin"),
                            "floor_s": r.times("floor"),
                            "ratio": r.ratio(),
                            "plugin_rss_mib": r.rss("plugin"),
                            "floor_rss_mib": r.rss("floor"),
                            "plugin_site": r.plugin_site,
                            "floor_site": r.floor_site,
                            "meeting_bytes": r.meeting_bytes,
                            "probe_bytes": r.probe_bytes,
                            "profile": r.profile,
                        }
                        for r in results
                    ],
                    indent=2,
                ),
                encoding="utf-8",
            )
    finally:
        if tmp:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())

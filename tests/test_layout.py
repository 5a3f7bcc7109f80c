"""The layout holds: the data flows one way, and only the glue knows MkDocs.

Every module of the package is in one layer; a module imports from its own layer or the
layers below it, never above, and nothing below the glue imports MkDocs (or Material, or
Jinja): read → model → resolve → render must run without MkDocs, so that another engine
(Zensical, which runs no third-party plugins yet) could drive them. Read from the source
with `ast`, as a grep would.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "plugin" / "meeting_archive"

# From the bottom up. `queries/` (the query engines) is part of render.
LAYERS: list[tuple[str, set[str]]] = [
    ("syntax", {"obsidian", "tasks", "repair", "urls", "model"}),
    ("read", {"properties", "privacy", "vault"}),
    ("resolve", {"resolve", "entities", "page_paths", "embeds", "archive"}),
    (
        "render",
        {
            "markup", "stash", "inline", "markdown_html", "sanitize", "facts", "views",
            "listings", "charts", "graph", "sections", "rendered", "query_blocks", "note_page",
            "generated", "feeds", "site_files", "queries",
        },
    ),
    ("pipeline", {"render_cache", "pipeline"}),
    ("glue", {"plugin", "config", "mkdocs_config", "mkdocs_files", "mkdocs_dirty", "mkdocs_output", "deploy", "_current"}),
]  # fmt: skip
ENGINE = ("mkdocs", "material", "jinja2", "mkdocs_gen_files")


def layer_of(module: str) -> int:
    top = module.split(".")[0]
    for n, (_, names) in enumerate(LAYERS):
        if top in names:
            return n
    raise AssertionError(f"{module}: in no layer of tests/test_layout.py (add it to one)")


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            found.append((".".join(parts), path))
    return found


def imports(module: str, path: Path) -> list[tuple[str, int]]:
    """(imported module, line): package modules as dotted names inside the package, others
    as they are written."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.append((node.module or "", node.lineno))
                continue
            base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            target = [*base, *(node.module.split(".") if node.module else [])]
            if node.module is None:  # from . import a, b
                found += [(".".join([*target, a.name]) or a.name, node.lineno) for a in node.names]
            else:
                found.append((".".join(target), node.lineno))
    return found


def test_every_module_is_in_a_layer() -> None:
    for module, _ in modules():
        layer_of(module)


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_imports_run_down_the_layers(module: str, path: Path) -> None:
    own = layer_of(module)
    wrong = []
    for name, line in imports(module, path):
        top = name.split(".")[0]
        if top in ENGINE:
            if LAYERS[own][0] != "glue":
                wrong.append(f"line {line}: imports {name} (only the glue may know the engine)")
            continue
        if not name or name == "__version__" or top not in {n for _, ns in LAYERS for n in ns}:
            continue  # the standard library, other packages, the package's version
        if layer_of(name) > own:
            wrong.append(
                f"line {line}: imports {name} ({LAYERS[layer_of(name)][0]}), above its own "
                f"layer ({LAYERS[own][0]})"
            )
    assert not wrong, f"{module}: " + "; ".join(wrong)


def test_plugin_events_are_a_few_lines() -> None:
    """plugin.py holds event methods that call the pipeline: none is a second pipeline."""
    tree = ast.parse((PACKAGE / "plugin.py").read_text(encoding="utf-8"))
    long = [
        f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name.startswith("on_")
        if node.end_lineno is not None and node.end_lineno - node.lineno + 1 > 25
    ]
    assert not long, long

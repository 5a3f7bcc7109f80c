"""Deploy: netlify.toml matches the README and the SPEC; SITE_PASSWORD writes Netlify's
Basic-Auth rule. (That the built site satisfies the Content-Security-Policy is checked by a
real browser in test_browser.py.)"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from conftest import ROOT, build_vault
from meeting_archive.deploy import basic_auth_rule, write_netlify_headers

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

NETLIFY = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _site_headers() -> dict[str, str]:
    return next(h["values"] for h in NETLIFY["headers"] if h["for"] == "/*")


def _policy() -> dict[str, list[str]]:
    directives = [d.split() for d in _site_headers()["Content-Security-Policy"].split(";")]
    return {d[0]: d[1:] for d in directives if d}


def test_netlify_builds_with_the_readme_command_and_publishes_site() -> None:
    build = NETLIFY["build"]
    assert build["publish"] == "site"
    assert "mkdocs build --strict" in build["command"]
    assert build["command"] in README, "the README shows another build command than netlify.toml"
    assert re.fullmatch(r"3\.\d+", build["environment"]["PYTHON_VERSION"])


def test_netlify_headers() -> None:
    headers = _site_headers()
    assert headers["X-Robots-Tag"].startswith("noindex")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in {"no-referrer", "same-origin", "strict-origin"}
    redirects = NETLIFY.get("redirects", [])
    assert any(r["from"] == "/_headers" and r["status"] == 404 and r["force"] for r in redirects)


def test_content_security_policy_keeps_everything_on_the_site() -> None:
    policy = _policy()
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    allowed = {"'self'", "'none'", "'unsafe-inline'", "data:"}
    for directive, sources in policy.items():
        # No other host, no eval: the site works offline and loads nothing from elsewhere.
        assert set(sources) <= allowed, (directive, sources)


def test_readme_documents_deploy_and_shows_the_screenshots() -> None:
    assert "mkdocs gh-deploy" in README
    assert "SITE_PASSWORD" in README and "_headers" in README
    shots = sorted((ROOT / "docs" / "screenshots").glob("*.png"))
    assert {p.stem for p in shots} >= {"home", "meeting", "person", "account"}
    for shot in shots:
        assert f"docs/screenshots/{shot.name}" in README, shot.name
        assert shot.stat().st_size < 400_000, f"{shot.name}: keep screenshots small"


# -- SITE_PASSWORD ---------------------------------------------------------------------------


def test_no_password_no_headers_file(tmp_path: Path) -> None:
    assert write_netlify_headers(tmp_path, {}) is None
    assert write_netlify_headers(tmp_path, {"SITE_PASSWORD": "  "}) is None
    assert not (tmp_path / "_headers").exists()


def test_password_protects_every_path(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    env = {"SITE_PASSWORD": "team:correct-horse", "NETLIFY": "true"}
    with caplog.at_level(logging.INFO):
        path = write_netlify_headers(tmp_path, env)
    assert path == tmp_path / "_headers"
    assert path.read_text(encoding="utf-8") == "/*\n  Basic-Auth: team:correct-horse\n"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_password_outside_netlify_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        write_netlify_headers(tmp_path, {"SITE_PASSWORD": "a:b c:d"})
    assert (tmp_path / "_headers").read_text(encoding="utf-8").endswith("Basic-Auth: a:b c:d\n")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "plain text" in warnings[0]


def test_a_headers_file_from_the_vault_is_kept(tmp_path: Path) -> None:
    (tmp_path / "_headers").write_text("/assets/*\n  Cache-Control: max-age=60", encoding="utf-8")
    write_netlify_headers(tmp_path, {"SITE_PASSWORD": "u:p", "NETLIFY": "true"})
    assert (tmp_path / "_headers").read_text(encoding="utf-8") == (
        "/assets/*\n  Cache-Control: max-age=60\n\n/*\n  Basic-Auth: u:p\n"
    )


@pytest.mark.parametrize("value", ["no-colon", ":nouser", "user:", "u:p\nX-Evil: 1", "a:b c"])
def test_malformed_password_is_a_configuration_error(value: str) -> None:
    with pytest.raises(PluginError, match="SITE_PASSWORD"):
        basic_auth_rule(value)


def test_build_writes_the_rule_when_site_password_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Kickoff.md").write_text(
        "---\ndate: 2025-01-02\nparticipants: [Ana Lopez]\n---\n# Kickoff\n", encoding="utf-8"
    )
    monkeypatch.delenv("SITE_PASSWORD", raising=False)
    plain = build_vault(vault, tmp_path / "plain", strict=True)
    assert not plain.aborted, plain.log
    assert not (plain.site / "_headers").exists()

    monkeypatch.setenv("SITE_PASSWORD", "team:s3cret")
    monkeypatch.setenv("NETLIFY", "true")
    protected = build_vault(vault, tmp_path / "protected", strict=True)
    assert not protected.aborted, protected.log
    assert (protected.site / "_headers").read_text(encoding="utf-8") == (
        "/*\n  Basic-Auth: team:s3cret\n"
    )

    monkeypatch.delenv("NETLIFY")
    elsewhere = build_vault(vault, tmp_path / "elsewhere", strict=True)
    assert elsewhere.aborted, "a strict build outside Netlify must not publish the password"

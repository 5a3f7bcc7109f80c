"""Deploy glue: password-protect the whole site on Netlify when SITE_PASSWORD is set.

Netlify reads a `_headers` file in the published folder; a `Basic-Auth` rule in it makes
Netlify ask for a user name and password before it serves any page. With the environment
variable `SITE_PASSWORD` set at build time (`user:password`, or several pairs separated by
spaces), the build writes that rule for `/*` into `<site_dir>/_headers`.

Limits, from Netlify's documentation: basic authentication through custom headers is
available on Netlify's Pro and Enterprise plans only; on other plans the rule is ignored and
the site stays public. It is one shared password, sent with every request (HTTPS protects it
in transit) and with no log-out; Netlify's own Site Protection or a team login is the
stronger choice for sensitive material.

The password is written into the site folder in plain text. On Netlify the `/*` rule covers
`/_headers` itself, and netlify.toml answers that path with a 404 in any case; any other host
(GitHub Pages through `mkdocs gh-deploy`, a plain web server) would serve the file to anyone.
So outside a Netlify build (where Netlify sets `NETLIFY=true`) the build warns, which makes
`mkdocs build --strict` and `mkdocs gh-deploy --strict` fail. Use a password made for this
site alone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger(__name__)

PASSWORD_VARIABLE = "SITE_PASSWORD"
HEADERS_FILE = "_headers"
# user:password pairs; Netlify separates pairs with spaces, so neither part may hold one.
_CREDENTIAL = re.compile(r"[^\s:]+:\S+")


def basic_auth_rule(credentials: str) -> str:
    """The `_headers` block that puts every path behind the given `user:password` pairs."""
    pairs = credentials.split()
    if not pairs or not all(_CREDENTIAL.fullmatch(pair) for pair in pairs):
        raise PluginError(
            f"{PASSWORD_VARIABLE} must be user:password (several pairs separated by spaces); "
            "the value set is not"
        )
    return "/*\n  Basic-Auth: " + " ".join(pairs) + "\n"


def write_netlify_headers(
    site_dir: str | os.PathLike[str], environ: Mapping[str, str] | None = None
) -> Path | None:
    """Write the Basic-Auth rule into `<site_dir>/_headers` when SITE_PASSWORD is set.

    A `_headers` file that came from the vault is kept, with the rule added after it. Returns
    the file written, or None when SITE_PASSWORD is not set (nothing is written then)."""
    env = os.environ if environ is None else environ
    credentials = env.get(PASSWORD_VARIABLE, "").strip()
    if not credentials:
        return None
    rule = basic_auth_rule(credentials)
    path = Path(site_dir) / HEADERS_FILE
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    if existing and not existing.endswith("\n"):
        existing += "\n"
    path.write_text(existing + ("\n" if existing else "") + rule, encoding="utf-8")
    if env.get("NETLIFY") == "true":
        log.info(f"{PASSWORD_VARIABLE} is set: the whole site asks for a password on Netlify")
    else:
        log.warning(
            f"{PASSWORD_VARIABLE} is set: {path} holds the password in plain text. Only "
            "Netlify reads and hides that file; do not publish this site folder anywhere else"
        )
    return path

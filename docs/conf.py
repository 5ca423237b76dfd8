"""Sphinx configuration for the flask-oauth-registry documentation.

Build with ``make docs`` (``sphinx-build -W --keep-going -b html docs docs/_build/html``):
warnings are errors, so a broken reference or docstring fails the build.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_oauth_registry import __version__  # noqa: E402

project = "flask-oauth-registry"
author = "the flask-oauth-registry authors"
copyright = "the flask-oauth-registry authors"
release = __version__
version = ".".join(__version__.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.extlinks",
]

exclude_patterns = ["_build"]
default_role = "code"
pygments_style = "sphinx"
add_module_names = False
python_use_unqualified_type_names = True

# -- autodoc -------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "signature"

# -- links to the specifications -----------------------------------------------
# :rfc: is built in; these cover the OpenID specifications by their anchors.
extlinks = {
    "oidc-core": ("https://openid.net/specs/openid-connect-core-1_0.html#%s", "OIDC Core %s"),
    "oidc-discovery": ("https://openid.net/specs/openid-connect-discovery-1_0.html#%s", "OIDC Discovery %s"),
    "oidc-logout": ("https://openid.net/specs/openid-connect-rpinitiated-1_0.html#%s", "RP-Initiated Logout %s"),
}

# -- HTML ----------------------------------------------------------------------
# Furo when it is installed (the ``dev`` extra installs it), Sphinx's default otherwise.
html_theme = "furo" if importlib.util.find_spec("furo") else "alabaster"
html_title = f"flask-oauth-registry {release}"
html_static_path: list[str] = []

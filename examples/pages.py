"""The plain HTML the small examples share: layout, the OAuth error page, an API answer.

Only presentation lives here; everything an example shows about the library is in
its own ``app.py``.
"""

from __future__ import annotations

import json
from typing import Any

import requests
from flask import Blueprint, render_template_string

from flask_oauth_registry import OAuthError

LAYOUT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}
pre{background:#f3f4f6;padding:1rem;overflow:auto} td{padding:.25rem .75rem .25rem 0} .error{color:#991b1b}</style>
</head><body>"""
API = """<h1>API call</h1><p>GET {{ url }} answered HTTP {{ status }}.</p><pre>{{ body }}</pre><a href="/">Back</a>"""
ERROR = """<h1>Sign-in problem</h1><p class="error"><strong>{{ error.error }}</strong>
{%- if error.description %}: {{ error.description }}{% endif %}</p><a href="/">Home</a>"""


def page(title: str, template: str, **context: Any) -> str:
    """``template`` rendered inside the shared layout."""
    return render_template_string(LAYOUT + template, title=title, **context)


def api_page(title: str, response: requests.Response) -> str:
    """An API answer: its URL, status and body (pretty-printed when it is JSON)."""
    try:
        body = json.dumps(response.json(), indent=2, sort_keys=True)
    except ValueError:
        body = response.text
    return page(title, API, url=response.url, status=response.status_code, body=body)


def install_error_page(bp: Blueprint, title: str) -> None:
    """Render every :class:`OAuthError` as a friendly 400 page: code and description, no traceback."""

    @bp.app_errorhandler(OAuthError)
    def oauth_error(error: OAuthError) -> tuple[str, int]:
        return page(title, ERROR, error=error), 400

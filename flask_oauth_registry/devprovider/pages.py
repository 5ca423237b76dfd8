"""HTML pages of the dev provider (login + consent, device code entry, errors, notices) as inline Jinja templates."""

from __future__ import annotations

from collections.abc import Iterable

from flask import render_template_string

SCOPE_DESCRIPTIONS = {
    "openid": "Sign you in (your user id)",
    "profile": "Your name and user name",
    "email": "Your email address",
    "offline_access": "Stay connected while you are away (refresh tokens)",
    "api": "Call the demo API on your behalf",
    "files.read": "See your files (the demo /api/files)",
}

_HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} - dev provider</title>
<style>
 body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f3f4f6;color:#111827;
      margin:0;display:flex;min-height:100vh;flex-direction:column;align-items:center}
 main{background:#fff;margin:3rem 1rem 1rem;padding:2rem 2.25rem;border-radius:12px;
      box-shadow:0 4px 20px rgba(0,0,0,.08);width:100%;max-width:26rem;box-sizing:border-box}
 h1{font-size:1.3rem;margin:0 0 .25rem} .muted{color:#6b7280;font-size:.9rem}
 .badge{display:inline-block;background:#fef3c7;color:#92400e;border-radius:999px;
        padding:.1rem .6rem;font-size:.75rem;font-weight:600;margin-bottom:1rem}
 ul.scopes{padding-left:1.1rem} ul.scopes li{margin:.3rem 0} code{font-size:.85em}
 .granted{color:#047857;font-size:.8rem;font-weight:600}
 label{display:block;font-weight:600;margin:1rem 0 .35rem}
 input[type=text]{width:100%;padding:.55rem .7rem;border:1px solid #d1d5db;border-radius:8px;
      font-size:1rem;box-sizing:border-box}
 .buttons{display:flex;gap:.75rem;margin-top:1.5rem}
 button{flex:1;padding:.6rem;border-radius:8px;font-size:1rem;cursor:pointer;
        border:1px solid #d1d5db}
 button.allow{background:#2563eb;color:#fff;border-color:#2563eb} button.deny{background:#fff}
 .error{background:#fee2e2;color:#991b1b;padding:.6rem .8rem;border-radius:8px;margin:1rem 0}
 footer{color:#6b7280;font-size:.8rem;text-align:center;padding:1rem;max-width:32rem}
</style></head><body><main>
<span class="badge">DEVELOPMENT PROVIDER</span>
"""

_FOOT = """</main>
<footer>flask-oauth-registry development provider &middot; {{ issuer }}<br>
For local development and tests only. No passwords, in-memory tokens, permissive
loopback redirects: never use it in production.</footer>
</body></html>"""

_CONSENT = (
    _HEAD
    + """<h1>Sign in to continue</h1>
<p class="muted"><strong>{{ client_name }}</strong> ({{ protocol }}) wants to:</p>
<ul class="scopes">
{% for scope in scopes %}<li>{{ descriptions.get(scope, scope) }} <code>{{ scope }}</code>
{%- if scope in granted %} <span class="granted">already granted</span>{% endif %}</li>
{% else %}<li>Access your account</li>{% endfor %}
</ul>
{% if kept %}<p class="muted">It keeps the access you granted before:
{% for scope in kept %}<code>{{ scope }}</code>{% if not loop.last %}, {% endif %}{% endfor %}.</p>{% endif %}
{% if error %}<div class="error">{{ error }}</div>{% endif %}
<form method="post" action="{{ action }}">
 <label for="username">User name</label>
 <input type="text" id="username" name="username" value="{{ username }}" autocomplete="username"
        autofocus>
 <p class="muted">Known users: {{ users|join(", ") }}. No password needed.</p>
 <div class="buttons">
  <button class="deny" type="submit" name="decision" value="deny">Deny</button>
  <button class="allow" type="submit" name="decision" value="allow">Allow</button>
 </div>
</form>
"""
    + _FOOT
)

_DEVICE_CODE = (
    _HEAD
    + """<h1>Connect a device</h1>
<p class="muted">Enter the code your device shows (RFC 8628). Check that it is the code on your
own device: approving a code someone sent you lets their device act as you.</p>
{% if error %}<div class="error">{{ error }}</div>{% endif %}
<form method="post" action="{{ action }}">
 <label for="user_code">Code</label>
 <input type="text" id="user_code" name="user_code" value="{{ user_code }}" autocomplete="off"
        autocapitalize="characters" spellcheck="false" autofocus>
 <div class="buttons">
  <button class="allow" type="submit">Continue</button>
 </div>
</form>
"""
    + _FOOT
)

_MESSAGE = (
    _HEAD
    + """<h1>{{ title }}</h1>
<p{% if is_error %} class="error"{% endif %}>{{ message }}</p>
{% if details %}<p class="muted">{{ details }}</p>{% endif %}
"""
    + _FOOT
)

_INDEX = (
    _HEAD
    + """<h1>Development OpenID Provider</h1>
<p class="muted">Issuer <code>{{ issuer }}</code></p>
<ul class="scopes">
{% for label, path in links %}<li><a href="{{ path }}">{{ label }}</a> <code>{{ path }}</code></li>
{% endfor %}</ul>
<p class="muted">OAuth 2 clients: {{ clients|join(", ") }}<br>
OAuth 1 clients: {{ oauth1_clients|join(", ") }}<br>Users: {{ users|join(", ") }}</p>
"""
    + _FOOT
)


def consent_page(
    *,
    issuer: str,
    client_name: str,
    protocol: str,
    scopes: Iterable[str],
    username: str,
    users: Iterable[str],
    action: str,
    error: str | None = None,
    granted: Iterable[str] = (),
    kept: Iterable[str] = (),
) -> str:
    """The combined login + consent form; posts ``username`` and ``decision``.

    ``granted`` scopes are marked "already granted"; ``kept`` ones (granted before,
    not requested, included by ``include_granted_scopes``) are listed below.
    """
    return render_template_string(
        _CONSENT,
        title="Sign in",
        issuer=issuer,
        client_name=client_name,
        protocol=protocol,
        scopes=list(scopes),
        granted=set(granted),
        kept=list(kept),
        descriptions=SCOPE_DESCRIPTIONS,
        username=username,
        users=list(users),
        action=action,
        error=error,
    )


def device_code_page(*, issuer: str, user_code: str, action: str, error: str | None = None) -> str:
    """The verification page's first step: the user types (or confirms) the code their device shows."""
    return render_template_string(
        _DEVICE_CODE, title="Connect a device", issuer=issuer, user_code=user_code, action=action, error=error
    )


def message_page(
    *, issuer: str, title: str, message: str, details: str = "", is_error: bool = False
) -> str:
    """A notice or error page (never a redirect to an unverified URI)."""
    return render_template_string(
        _MESSAGE, title=title, issuer=issuer, message=message, details=details, is_error=is_error
    )


def index_page(
    *,
    issuer: str,
    links: list[tuple[str, str]],
    clients: Iterable[str],
    oauth1_clients: Iterable[str],
    users: Iterable[str],
) -> str:
    """The landing page listing endpoints, clients and users."""
    return render_template_string(
        _INDEX,
        title="Home",
        issuer=issuer,
        links=links,
        clients=list(clients),
        oauth1_clients=list(oauth1_clients),
        users=list(users),
    )

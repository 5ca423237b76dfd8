"""Quickstart: OpenID Connect login, an API call, a token refresh and logout, with tokens kept server-side.

Run it against the development provider (see README.md)::

    python -m flask_oauth_registry.devprovider --port 5556 &
    flask --app examples.quickstart.app run --port 5000
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import time
from typing import Any

from cachelib import BaseCache, FileSystemCache
from flask import Blueprint, Flask, current_app, redirect, render_template_string, request, session, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from flask_oauth_registry import OAuth, OAuthError

DEV_SECRET_KEY = "dev-only-secret-key-change-me"
#: What the environment may set; ``create_app(**overrides)`` takes the same keys.
DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": DEV_SECRET_KEY,
    "DEVPROVIDER_URL": "http://127.0.0.1:5556",
    "OIDC_ISSUER": None,  # set it to use a real provider instead of the dev provider
    "OIDC_CLIENT_ID": "demo-client",
    "OIDC_CLIENT_SECRET": "demo-secret",
    "OIDC_SCOPE": "openid profile email",
    "OIDC_API_URL": None,  # default: /api/me on the dev provider, else the userinfo endpoint
    "REDIS_URL": None,
    "TOKEN_CACHE_DIR": os.path.join(tempfile.gettempdir(), "flask-oauth-registry-quickstart"),
}
TOKEN_TTL = 30 * 24 * 3600  # as long as the dev provider's refresh tokens live
#: ID-token claims about the token itself; the home page lists them after the profile.
PROTOCOL_CLAIMS = frozenset({"iss", "aud", "azp", "exp", "iat", "auth_time", "nonce", "at_hash", "sid"})

# One registry for every app this module builds: each app's config supplies
# OIDC_SERVER_METADATA_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_CLIENT_KWARGS.
oauth = OAuth()
oauth.register("oidc")
bp = Blueprint("quickstart", __name__)


def create_app(**overrides: Any) -> Flask:
    """Build the app from :data:`DEFAULTS`, then the environment, then ``overrides``."""
    app = Flask(__name__)
    settings = {**DEFAULTS, **{k: os.environ[k] for k in DEFAULTS if os.environ.get(k)}, **overrides}
    app.config.update(settings, SESSION_COOKIE_NAME="quickstart_session", SESSION_COOKIE_SAMESITE="Lax")
    if app.config["OIDC_ISSUER"] and app.config["SECRET_KEY"] == DEV_SECRET_KEY:
        raise RuntimeError("set SECRET_KEY when OIDC_ISSUER names a real provider")
    issuer = (app.config["OIDC_ISSUER"] or app.config["DEVPROVIDER_URL"]).rstrip("/")
    app.config.setdefault("OIDC_SERVER_METADATA_URL", f"{issuer}/.well-known/openid-configuration")
    app.config["OIDC_CLIENT_KWARGS"] = {"scope": app.config["OIDC_SCOPE"]}
    if not app.config["OIDC_API_URL"] and not app.config["OIDC_ISSUER"]:
        app.config["OIDC_API_URL"] = f"{issuer}/api/me"

    app.extensions["quickstart_cache"] = make_cache(app.config)
    # The same cache holds the library's login state, so a login may start on one
    # worker and finish on another; fetch_token/update_token keep our tokens in it.
    oauth.init_app(app, cache=app.extensions["quickstart_cache"], fetch_token=fetch_token, update_token=update_token)
    app.register_blueprint(bp)
    return app


def make_cache(config: dict[str, Any]) -> BaseCache:
    """Redis when ``REDIS_URL`` is set (several hosts), else files every local process shares."""
    if config.get("REDIS_URL"):
        import redis
        from cachelib import RedisCache
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # Short socket timeouts and one retry: a request fails fast instead of hanging
        # (redis-py's default retries multiply the timeout) when Redis is unreachable.
        client = redis.Redis.from_url(
            config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2, retry=Retry(NoBackoff(), 1)
        )
        return RedisCache(host=client, key_prefix="quickstart:", default_timeout=TOKEN_TTL)
    return FileSystemCache(config["TOKEN_CACHE_DIR"], threshold=10_000, default_timeout=TOKEN_TTL)


# -- tokens: in the cache, under a random id kept in the session cookie ----------------------
def _token_key(name: str) -> str | None:
    sid = session.get("sid")
    return f"token:{name}:{sid}" if sid else None


def fetch_token(name: str) -> dict[str, Any] | None:
    """The registry asks for this user's token before an API call."""
    key = _token_key(name)
    return current_app.extensions["quickstart_cache"].get(key) if key else None


def update_token(name: str, token: dict[str, Any], refresh_token: str | None = None,
                 access_token: str | None = None) -> None:
    """The registry refreshed the token: keep the new one."""
    key = _token_key(name)
    if key:
        current_app.extensions["quickstart_cache"].set(key, dict(token), timeout=TOKEN_TTL)


def forget_user() -> None:
    key = _token_key("oidc")
    if key:
        current_app.extensions["quickstart_cache"].delete(key)
    session.pop("sid", None)
    session.pop("user", None)


# -- views --------------------------------------------------------------------------------------
@bp.get("/")
def home() -> str:
    user = session.get("user")
    token = oauth.oidc.token if user else None
    if user and not token:  # the stored token is gone (cache cleared): sign in again
        forget_user()
        user = None
    claims = sorted((user or {}).items(), key=lambda item: (item[0] in PROTOCOL_CLAIMS, item[0]))
    return page("Quickstart", HOME, user=user, claims=claims, expires=describe_expiry(token))


@bp.get("/login")
def login() -> Response:
    return oauth.oidc.authorize_redirect(url_for(".auth", _external=True))


@bp.get("/auth")
def auth() -> Response:
    token = oauth.oidc.authorize_access_token()  # state, PKCE, ID token: all checked
    session["sid"] = secrets.token_urlsafe(32)  # a fresh id per login
    session["user"] = dict(token["userinfo"])
    update_token("oidc", {k: v for k, v in token.items() if k != "userinfo"})
    return redirect(url_for(".home"))


@bp.get("/api")
def api() -> Response | str:
    if not session.get("user"):
        return redirect(url_for(".login"))
    url = api_url()
    response = oauth.oidc.get(url)  # the token comes from fetch_token, refreshed if expired
    try:
        body = json.dumps(response.json(), indent=2, sort_keys=True)
    except ValueError:
        body = response.text
    return page("API call", API, url=url, status=response.status_code, body=body)


@bp.get("/refresh")
def refresh() -> Response | str:
    token = oauth.oidc.token if session.get("user") else None
    if not token:
        return redirect(url_for(".login"))
    # Pretend the token expired: the next API call refreshes it first and calls update_token.
    expired = {**token, "expires_at": int(time.time()) - 1}
    oauth.oidc.get(api_url(), token=expired)
    return page("Token refreshed", REFRESHED, expires=describe_expiry(expired),
                rotated=expired.get("access_token") != token.get("access_token"))


@bp.get("/logout")
def logout() -> Response:
    if not session.get("user"):
        return redirect(url_for(".home"))
    if oauth.oidc.load_server_metadata().get("end_session_endpoint"):
        # Ends the provider's session too, then comes back to /logged-out (RP-initiated logout).
        response = oauth.oidc.logout_redirect(url_for(".logged_out", _external=True))
    else:
        response = redirect(url_for(".logged_out"))
    forget_user()
    return response


@bp.get("/logged-out")
def logged_out() -> str:
    if "state" in request.args:
        oauth.oidc.validate_logout_response()  # the state we sent must come back, once
    return page("Signed out", LOGGED_OUT)


@bp.app_errorhandler(OAuthError)
def oauth_error(error: OAuthError) -> tuple[str, int]:
    """Every OAuth failure (denied consent, replayed callback, provider down...) as a short page."""
    return page("Sign-in problem", ERROR, error=error), 400


@bp.after_app_request
def served_by(response: Response) -> Response:
    response.headers["X-Served-By"] = str(os.getpid())
    return response


# -- helpers ----------------------------------------------------------------------------------
def api_url() -> str:
    return current_app.config["OIDC_API_URL"] or oauth.oidc.load_server_metadata()["userinfo_endpoint"]


def describe_expiry(token: dict[str, Any] | None) -> str:
    expires_at = (token or {}).get("expires_at")
    if not expires_at:
        return "never expires"
    when = time.strftime("%H:%M:%S UTC", time.gmtime(expires_at))
    return f"expires at {when} (in {int(expires_at - time.time())} s)"


def page(title: str, template: str, **context: Any) -> str:
    """Render ``template`` inside the shared layout."""
    return render_template_string(LAYOUT, title=title, body=Markup(render_template_string(template, **context)))


LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} - flask-oauth-registry quickstart</title>
<style>
 body{font-family:system-ui,sans-serif;background:#f3f4f6;color:#111827;margin:0}
 main{background:#fff;max-width:40rem;margin:3rem auto;padding:2rem 2.5rem;border-radius:12px;
      box-shadow:0 4px 20px rgba(0,0,0,.08)}
 h1{font-size:1.4rem;margin-top:0} table{border-collapse:collapse;width:100%;margin:1rem 0}
 td{border-bottom:1px solid #e5e7eb;padding:.35rem .5rem;font-size:.92rem;word-break:break-all}
 td:first-child{font-weight:600;width:11rem;color:#374151} pre{background:#f9fafb;padding:1rem;overflow:auto}
 nav a,.button{display:inline-block;margin:.25rem .5rem .25rem 0;padding:.5rem .9rem;border-radius:8px;
      background:#2563eb;color:#fff;text-decoration:none} nav a.secondary{background:#6b7280}
 .error{background:#fee2e2;color:#991b1b;padding:.75rem 1rem;border-radius:8px} .muted{color:#6b7280}
</style></head><body><main>{{ body }}</main></body></html>"""

HOME = """{% if user %}
<h1>Signed in as {{ user.name or user.sub }}</h1>
<p class="muted">Claims from the validated ID token. The access token {{ expires }}.</p>
<table>{% for key, value in claims %}<tr><td>{{ key }}</td><td>{{ value }}</td></tr>{% endfor %}</table>
<nav><a href="/api">Call the API</a><a href="/refresh">Refresh the token</a>
<a class="secondary" href="/logout">Log out</a></nav>
{% else %}
<h1>flask-oauth-registry quickstart</h1>
<p>You are not signed in.</p><a class="button" href="/login">Log in</a>
{% endif %}"""

API = """<h1>API call</h1><p class="muted">GET {{ url }} answered HTTP {{ status }}.</p><pre>{{ body }}</pre>
<nav><a href="/">Back</a></nav>"""

REFRESHED = """<h1>Token refreshed</h1>
<p>{% if rotated %}A new access token was issued; it{% else %}The access token{% endif %} {{ expires }}.</p>
<nav><a href="/">Back</a></nav>"""

LOGGED_OUT = """<h1>You are signed out</h1><p>You left this app and, where it supports it, the provider.</p>
<a class="button" href="/">Home</a>"""

ERROR = """<h1>Sign-in problem</h1>
<p class="error"><strong>{{ error.error }}</strong>{% if error.description %}: {{ error.description }}{% endif %}</p>
<a class="button" href="/">Home</a>"""

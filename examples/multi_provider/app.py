"""One login page, several providers; ``userinfo()`` gives the same standard claims from each.

The development provider is listed twice, as an OpenID Connect provider and as a
plain OAuth 2.0 one; Google and GitHub are added when their client id and
secret are set (see README.md).
"""

from __future__ import annotations

import os
from typing import Any

from flask import Blueprint, Flask, abort, current_app, redirect, session, url_for
from werkzeug.wrappers import Response

from examples.pages import install_error_page, page
from flask_oauth_registry import OAuth, RemoteApp

DEV_SECRET_KEY = "dev-only-secret-key-change-me"
DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": DEV_SECRET_KEY,
    "DEVPROVIDER_URL": "http://127.0.0.1:5556",
    "GOOGLE_CLIENT_ID": None,
    "GOOGLE_CLIENT_SECRET": None,
    "GITHUB_CLIENT_ID": None,
    "GITHUB_CLIENT_SECRET": None,
}
bp = Blueprint("multi_provider", __name__)
TITLE = "Multi-provider example"
install_error_page(bp, TITLE)


def create_app(**overrides: Any) -> Flask:
    """Build the app from :data:`DEFAULTS`, then the environment, then ``overrides``."""
    app = Flask(__name__)
    settings = {**DEFAULTS, **{k: os.environ[k] for k in DEFAULTS if os.environ.get(k)}, **overrides}
    app.config.update(settings, SESSION_COOKIE_NAME="multi_provider_session")
    real = [name for name in ("GOOGLE", "GITHUB") if app.config[f"{name}_CLIENT_ID"]]
    if real and app.config["SECRET_KEY"] == DEV_SECRET_KEY:
        raise RuntimeError(f"set SECRET_KEY when {real[0]}_CLIENT_ID is set")
    oauth = OAuth(app)
    app.extensions["multi_provider"] = {"oauth": oauth, "labels": register_providers(oauth, app.config)}
    app.register_blueprint(bp)
    return app


def register_providers(oauth: OAuth, config: dict[str, Any]) -> dict[str, str]:
    """Register every provider this app offers; return their labels by name."""
    dev = config["DEVPROVIDER_URL"].rstrip("/")
    labels = {}
    oauth.register(
        "dev_oidc", client_id="demo-client", client_secret="demo-secret",
        server_metadata_url=f"{dev}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile email"},
    )
    labels["dev_oidc"] = "Dev provider (OpenID Connect)"
    oauth.register(
        "dev_oauth2", client_id="demo-public",  # a public client: no secret, PKCE only
        authorize_url=f"{dev}/authorize", access_token_url=f"{dev}/token", api_base_url=f"{dev}/",
        client_kwargs={"scope": "profile email"},
        # No OIDC userinfo here: the profile API is read and mapped to standard claims.
        userinfo_endpoint=f"{dev}/api/me", userinfo_compliance_fix=claims_from_api_me,
    )
    labels["dev_oauth2"] = "Dev provider (OAuth 2.0)"
    if config["GOOGLE_CLIENT_ID"]:
        oauth.register("google")  # GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET come from app.config
        labels["google"] = "Google"
    if config["GITHUB_CLIENT_ID"]:
        oauth.register("github")  # the preset maps GitHub's /user to standard claims
        labels["github"] = "GitHub"
    return labels


def claims_from_api_me(remote: RemoteApp, data: dict[str, Any]) -> dict[str, Any]:
    """The dev provider's ``/api/me`` answer (``{"sub", "user": {...}}``) as standard claims."""
    return {**(data.get("user") or {}), "sub": data["sub"]}


def remote_app(name: str) -> RemoteApp:
    """The registered provider called ``name``; 404 for any other name."""
    extension = current_app.extensions["multi_provider"]
    if name not in extension["labels"]:
        abort(404)
    return extension["oauth"].create_client(name)


@bp.get("/")
def home() -> str:
    labels = current_app.extensions["multi_provider"]["labels"]
    user = session.get("user")
    return page(TITLE, HOME, labels=labels, user=user, provider=labels.get(session.get("provider", "")),
                claims=sorted((user or {}).items()))


@bp.get("/login/<name>")
def login(name: str) -> Response:
    return remote_app(name).authorize_redirect(url_for(".auth", name=name, _external=True))


@bp.get("/auth/<name>")
def auth(name: str) -> Response:
    remote = remote_app(name)
    remote.authorize_access_token()
    session["user"] = dict(remote.userinfo())  # normalized claims, whatever the provider
    session["provider"] = name
    return redirect(url_for(".home"))


@bp.get("/logout")
def logout() -> Response:
    session.clear()
    return redirect(url_for(".home"))


HOME = """{% if user %}<h1>Signed in with {{ provider }}</h1>
<table>{% for key, value in claims %}<tr><td><b>{{ key }}</b></td><td>{{ value }}</td></tr>{% endfor %}</table>
<p><a href="/logout">Log out</a></p>
{% else %}<h1>Sign in</h1><ul>{% for name, label in labels.items() %}
<li><a href="/login/{{ name }}">{{ label }}</a></li>{% endfor %}</ul>{% endif %}"""

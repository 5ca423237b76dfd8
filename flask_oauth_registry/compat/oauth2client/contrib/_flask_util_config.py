"""``UserOAuth2``'s configuration: oauth2client's keys and precedence, turned into one remote app of this library.

:func:`resolve_client` applies oauth2client's precedence (``client_id`` and
``client_secret`` keywords, then ``client_secrets_file``, then the
``GOOGLE_OAUTH2_CLIENT_SECRETS_FILE`` config key, then ``GOOGLE_OAUTH2_CLIENT_ID`` and
``GOOGLE_OAUTH2_CLIENT_SECRET``); :func:`split_flow_kwargs` sorts ``init_app``'s
``**kwargs`` (what oauth2client passed to every flow it built) into endpoint
settings, authorization-URL parameters and credential settings; :func:`build_remote_app`
builds the :class:`~flask_oauth_registry.OAuth2App` that runs every login (Google's
preset: discovery, PKCE, state, nonce and the ID-token checks).  The app is built
for ``UserOAuth2`` alone and kept in ``app.extensions``, apart from any ``OAuth``
registry the application has.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from ....providers import get_preset
from ....registry.context import DEFAULT_STATE_TTL, Cache, ClientContext
from ....registry.oauth2 import OAuth2App
from ....registry.settings import build_config, merge_settings
from .. import clientsecrets

CONFIG_MISSING = (
    "OAuth2 configuration could not be found. Either specify the client_secrets_file or client_id and "
    "client_secret or set the app configuration variables GOOGLE_OAUTH2_CLIENT_SECRETS_FILE or "
    "GOOGLE_OAUTH2_CLIENT_ID and GOOGLE_OAUTH2_CLIENT_SECRET."
)
#: The remote app's name (flow-state keys, storage entries).
CLIENT_NAME = "oauth2client"
#: ``init_app`` keywords naming endpoints (settings of the application, never of a request) -> register() settings.
ENDPOINT_KWARGS = {"auth_uri": "authorize_url", "token_uri": "access_token_url", "revoke_uri": "revocation_endpoint"}
#: OAuth2WebServerFlow keywords with nothing to do here: PKCE is always on, and the rest is not used by a web login.
UNUSED_FLOW_KWARGS = frozenset(
    {"pkce", "code_verifier", "device_uri", "token_info_uri", "authorization_header", "redirect_uri"}
)
#: Keywords of this library (not oauth2client's): the provider's discovery document, for a provider other than Google.
OWN_KWARGS = frozenset({"server_metadata_url"})


@dataclass(frozen=True)
class FlowKwargs:
    """``init_app(**kwargs)``, sorted."""

    endpoints: dict[str, str] = field(default_factory=dict)
    authorize_params: dict[str, str] = field(default_factory=dict)
    user_agent: str | None = None
    server_metadata_url: str | None = None


def resolve_client(
    app: Flask, client_secrets_file: str | None, client_id: str | None, client_secret: str | None
) -> tuple[str, str | None, dict[str, str]]:
    """``(client_id, client_secret, endpoints)`` by oauth2client's precedence; a ``ValueError`` when none is set.

    A client secrets file must describe a ``web`` client; its ``auth_uri``,
    ``token_uri`` and ``revoke_uri`` become the endpoints.
    """
    if client_id and client_secret:
        return client_id, client_secret, {}
    path = client_secrets_file or app.config.get("GOOGLE_OAUTH2_CLIENT_SECRETS_FILE")
    if path:
        client_type, info = clientsecrets.loadfile(path)  # looked up when called: tests patch it, as before
        if client_type != clientsecrets.TYPE_WEB:
            raise ValueError(f"The flow specified in {client_type} is not supported.")
        endpoints = {setting: info[key] for key, setting in ENDPOINT_KWARGS.items() if info.get(key)}
        return info["client_id"], info.get("client_secret"), endpoints
    config_id = app.config.get("GOOGLE_OAUTH2_CLIENT_ID")
    config_secret = app.config.get("GOOGLE_OAUTH2_CLIENT_SECRET")
    if config_id and config_secret:
        return config_id, config_secret, {}
    raise ValueError(CONFIG_MISSING)


def split_flow_kwargs(kwargs: Mapping[str, Any]) -> FlowKwargs:
    """Sort ``init_app``'s keywords: endpoints, authorization-URL parameters, ``user_agent``, discovery.

    Booleans are sent as ``true``/``false`` (oauth2client sent Python's ``True``).
    """
    endpoints: dict[str, str] = {}
    params: dict[str, str] = {}
    for key, value in kwargs.items():
        if value is None or key in UNUSED_FLOW_KWARGS or key in OWN_KWARGS or key == "user_agent":
            continue
        if key in ENDPOINT_KWARGS:
            endpoints[ENDPOINT_KWARGS[key]] = str(value)
        else:
            params[key] = url_value(value)
    return FlowKwargs(endpoints, params, kwargs.get("user_agent"), kwargs.get("server_metadata_url"))


def url_value(value: Any) -> str:
    """A query value as Google reads it: ``true``/``false`` for booleans, space-joined lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set):
        return " ".join(str(item) for item in value)
    return str(value)


def build_remote_app(
    app: Flask, client_id: str, client_secret: str | None, endpoints: Mapping[str, str], flow: FlowKwargs,
    scopes: tuple[str, ...], cache: Cache | None,
) -> OAuth2App:
    """The remote app that runs ``UserOAuth2``'s logins: Google's preset under the given settings."""
    preset = get_preset("google")
    own: dict[str, Any] = {
        "client_id": client_id,
        "client_secret": client_secret,
        **endpoints,
        **flow.endpoints,
        "client_kwargs": {"scope": " ".join(scopes)},
        "authorize_params": {"access_type": "offline", **flow.authorize_params},
    }
    if flow.server_metadata_url:
        own["server_metadata_url"] = flow.server_metadata_url
    if flow.user_agent:
        own["user_agent"] = flow.user_agent
    config = build_config(CLIENT_NAME, merge_settings(preset.settings, {}, own, False)).config
    ttl = int(app.config.get("OAUTH_STATE_TTL", DEFAULT_STATE_TTL))
    return OAuth2App(config, ClientContext(cache=cache, state_ttl=ttl), app)

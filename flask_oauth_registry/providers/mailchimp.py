"""Mailchimp: OAuth 2.0 on login.mailchimp.com; the account's data centre decides the API host.

A Mailchimp account lives in one data centre (``us6``...), and its Marketing
API is at ``https://<dc>.api.mailchimp.com/3.0/``.  Which one is known only
after login, from the metadata endpoint (``login.mailchimp.com/oauth2/metadata``,
authenticated as ``Authorization: OAuth <token>``), so the preset has no fixed
``api_base_url``: ``userinfo()`` reads the metadata, derives the API base from
its ``dc`` (:func:`api_base_url_of`), then reads the account (the API root).
Quirks: the token answer has ``expires_in: 0`` for a token that never expires,
and ``scope: null``; both are dropped so the token is not taken as expired.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..registry.errors import BadResponseError
from . import quirks
from .base import ProviderPreset, Quirk
from .profile import normalize_claims, read_json

METADATA_URL = "https://login.mailchimp.com/oauth2/metadata"
_DATA_CENTRE = re.compile(r"^[a-z]{2,4}[0-9]{1,3}$")



def _object(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one: optional parts of a profile may be absent or null."""
    return value if isinstance(value, Mapping) else {}

def api_base_url_of(metadata: Mapping[str, Any]) -> str:
    """``https://<dc>.api.mailchimp.com/3.0/`` for the metadata's ``dc``.

    The host is built from the data-centre name, not taken from ``api_endpoint``
    as given, so that the token is only ever sent to a Mailchimp host.
    """
    dc = metadata.get("dc")
    if not isinstance(dc, str) or not _DATA_CENTRE.match(dc):
        raise BadResponseError(description="the Mailchimp metadata names no valid data centre (dc)")
    return f"https://{dc}.api.mailchimp.com/3.0/"


def profile_to_claims(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The account (the API root) with the metadata's ``login`` as OIDC claims."""
    login = _object(profile.get("login"))
    given, family = profile.get("first_name") or None, profile.get("last_name") or None
    return {
        "sub": profile.get("login_id") or login.get("login_id"),
        "name": " ".join(part for part in (given, family) if part) or login.get("login_name"),
        "given_name": given,
        "family_name": family,
        "preferred_username": profile.get("username") or login.get("login_name"),
        "email": profile.get("email") or login.get("login_email") or login.get("email"),
        "picture": profile.get("avatar_url") or login.get("avatar"),
    }


def read_metadata(app: Any, **kwargs: Any) -> dict[str, Any]:
    """The token's metadata document: ``dc``, ``api_endpoint``, ``accountname`` and the ``login``."""
    metadata = read_json(app.request("GET", METADATA_URL, **kwargs), METADATA_URL)
    if not isinstance(metadata, dict):
        raise BadResponseError(description="the Mailchimp metadata answer is not a JSON object")
    return metadata


def load_userinfo(app: Any, **kwargs: Any) -> dict[str, Any]:
    """The metadata, then the account at the API base its data centre names."""
    metadata = read_metadata(app, **kwargs)
    base = api_base_url_of(metadata)
    account = read_json(app.request("GET", base, **kwargs), base)
    if not isinstance(account, Mapping):
        raise BadResponseError(description="the Mailchimp account answer is not a JSON object")
    return normalize_claims(profile_to_claims({**account, "login": metadata.get("login")}), "Mailchimp")


def _never_expires(fields: dict[str, Any]) -> dict[str, Any]:
    if "access_token" in fields and str(fields.get("expires_in")) == "0":
        del fields["expires_in"]
    if fields.get("scope", "") is None:
        del fields["scope"]
    return fields


_AS_OAUTH_SCHEME = quirks.authorization_scheme("OAuth")[0].hook


def _oauth_scheme_for_metadata(url: str, headers: Any, data: Any) -> tuple[str, Any, Any]:
    """The metadata endpoint wants ``OAuth <token>``; the Marketing API takes Bearer."""
    if url.split("?", 1)[0] == METADATA_URL:
        return _AS_OAUTH_SCHEME(url, headers, data)  # type: ignore[no-any-return]
    return url, headers, data


PRESET = ProviderPreset(
    name="mailchimp",
    title="Mailchimp",
    family="regional",
    settings={
        "authorize_url": "https://login.mailchimp.com/oauth2/authorize",
        "access_token_url": "https://login.mailchimp.com/oauth2/token",
        "client_kwargs": {"token_endpoint_auth_method": "client_secret_post"},
    },
    quirks=(
        *quirks.on_token_answers(_never_expires, "tokens that never expire say expires_in 0"),
        Quirk("protected_request", _oauth_scheme_for_metadata, "the metadata endpoint wants the OAuth scheme"),
    ),
    userinfo=load_userinfo,
    docs="Mailchimp OAuth 2.0 (tokens never expire). userinfo() reads the metadata, then the account in its dc.",
    references=(
        "https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/",
        "https://mailchimp.com/developer/marketing/docs/fundamentals/",
        "https://mailchimp.com/developer/marketing/api/root/list-api-root-resources/",
    ),
    checked="2026-12-02",
)

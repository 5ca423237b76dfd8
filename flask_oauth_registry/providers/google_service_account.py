"""Google service accounts: the JWT-bearer grant (RFC 7523 2.1) with a service-account key file.

``oauth.register("gsa", provider="google_service_account", service_account_file="key.json",
scopes=[...], subject=None)``: the key file (the JSON the Google Cloud console
downloads) is read once per build; its ``client_email`` is the assertion's ``iss``,
its ``private_key`` signs it, its ``private_key_id`` is the ``kid`` header, and its
``token_uri`` is the token endpoint and the assertion's ``aud``.  Google wants the
scopes in the assertion's ``scope`` claim, and a ``sub`` only for domain-wide
delegation (``subject=`` the user to act for).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..registry.config import JWT_BEARER_GRANT
from ..registry.errors import ConfigurationError
from .base import ProviderPreset

#: The token endpoint of key files that name none (every current one does).
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
#: The fields a key file must have (oauth2client's ``from_json_keyfile_name`` needs the same).
REQUIRED_FIELDS = ("client_email", "private_key", "private_key_id")


@dataclass(frozen=True)
class ServiceAccount:
    """What a service-account key file says; the private key is never shown."""

    client_email: str
    private_key_id: str
    token_uri: str
    private_key: str = field(repr=False)
    project_id: str | None = None


def read_service_account(source: str | os.PathLike[str] | Mapping[str, Any], where: str) -> ServiceAccount:
    """A key file (its path) or its parsed contents, checked; ``where`` names the setting in messages."""
    if isinstance(source, Mapping):
        info: Any = source
    else:
        info = _load_json(os.fspath(source), where)
    if not isinstance(info, Mapping):
        raise ConfigurationError(description=f"{where}: a service-account key is a JSON object")
    kind = info.get("type")
    if kind != "service_account":
        found = f"a {kind!r} file" if isinstance(kind, str) else "without a 'type' field"
        raise ConfigurationError(
            description=f"{where}: not a service-account key ({found}; expected type 'service_account')"
        )
    for name in (*REQUIRED_FIELDS, "token_uri"):
        value = info.get(name)
        missing = name in REQUIRED_FIELDS and value is None
        if missing or (value is not None and (not isinstance(value, str) or not value)):
            raise ConfigurationError(
                description=f"{where}: the service-account key's {name!r} field is missing or not a string"
            )
    return ServiceAccount(
        client_email=info["client_email"],
        private_key_id=info["private_key_id"],
        token_uri=info.get("token_uri") or GOOGLE_TOKEN_URI,
        private_key=info["private_key"],
        project_id=info.get("project_id"),
    )


def _load_json(path: str, where: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as exc:
        raise ConfigurationError(description=f"{where}: cannot read {path!r} ({exc.strerror})") from None
    except (ValueError, UnicodeDecodeError):
        raise ConfigurationError(description=f"{where}: {path!r} is not a JSON file") from None


def configure(name: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings with ``service_account_file`` (or ``service_account_info``) read into the assertion's.

    Scopes go into the assertion's ``scope`` claim; no ``sub`` unless ``subject=`` is given.
    """
    configured = dict(settings)
    path, info = configured.pop("service_account_file", None), configured.pop("service_account_info", None)
    if (path is None) == (info is None):
        raise ConfigurationError(
            description=f"register({name!r}): provider='google_service_account' needs service_account_file= "
            "(the key file's path) or service_account_info= (its contents as a dict), one of them"
        )
    where = f"register({name!r}): " + ("service_account_file" if path is not None else "service_account_info")
    account = read_service_account(path if path is not None else info, where)
    given_claims = configured.get("assertion_claims")
    claims: dict[str, Any] = {"iss": account.client_email, "sub": None}
    if isinstance(given_claims, Mapping):
        claims.update(given_claims)
    scope = (configured.get("client_kwargs") or {}).get("scope")
    if isinstance(scope, list | tuple) and all(isinstance(item, str) for item in scope):
        scope = " ".join(scope)
    if isinstance(scope, str) and scope:
        claims.setdefault("scope", scope)
    configured.update(
        assertion_key=account.private_key,
        assertion_key_id=account.private_key_id,
        assertion_claims=claims,
        access_token_url=configured.get("access_token_url") or account.token_uri,
    )
    return configured


PRESET = ProviderPreset(
    name="google_service_account",
    title="Google service accounts",
    family="major",
    settings={"grant_type": JWT_BEARER_GRANT, "api_base_url": "https://www.googleapis.com/"},
    configure=configure,
    docs="Google service accounts (JWT-bearer grant): service_account_file=, scopes=, subject= for delegation.",
    references=(
        "https://developers.google.com/identity/protocols/oauth2/service-account",
        "https://cloud.google.com/iam/docs/keys-create-delete",
    ),
    checked="2026-12-02",
)

"""``ProviderMetadata``: an OAuth 2 app's provider metadata (static settings over discovery) and its endpoints.

Every endpoint, the issuer and the JWKS URI are read here, and only here is the
message built that names the setting an app lacks: the ``{NAME}_{KEY}`` config
key or ``register()`` keyword that would provide it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .config import config_key
from .errors import ConfigurationError
from .oidc import ServerMetadata


@dataclass(frozen=True)
class MetadataField:
    """A provider-metadata field an app may need, and the setting that provides it directly, if any."""

    #: The field's name in the metadata (RFC 8414, OIDC Discovery), also a ``register()`` keyword.
    name: str
    #: What it is, for messages: "token endpoint".
    what: str
    #: The config key (``register()`` keyword) that sets it without metadata: ``access_token_url``.
    setting: str | None = None


AUTHORIZATION_ENDPOINT = MetadataField("authorization_endpoint", "authorization endpoint", "authorize_url")
TOKEN_ENDPOINT = MetadataField("token_endpoint", "token endpoint", "access_token_url")
REVOCATION_ENDPOINT = MetadataField("revocation_endpoint", "revocation endpoint")
INTROSPECTION_ENDPOINT = MetadataField("introspection_endpoint", "introspection endpoint")
DEVICE_AUTHORIZATION_ENDPOINT = MetadataField("device_authorization_endpoint", "device authorization endpoint")
USERINFO_ENDPOINT = MetadataField("userinfo_endpoint", "userinfo endpoint")
END_SESSION_ENDPOINT = MetadataField("end_session_endpoint", "end-session endpoint")
JWKS_URI = MetadataField("jwks_uri", "JWKS URI")
ISSUER = MetadataField("issuer", "issuer")


def missing_setting_message(app_name: str, wanted: MetadataField, has_discovery: bool) -> str:
    """Why ``app_name`` lacks ``wanted``, naming the config key or ``register()`` keyword to set.

    A field with a setting of its own (``authorize_url``...) names that setting;
    any other names the static metadata keyword and, without discovery,
    ``{NAME}_SERVER_METADATA_URL``.
    """
    if wanted.setting is not None:
        where = f"set {config_key(app_name, wanted.setting)} (or pass {wanted.setting}= to register()"
        if has_discovery:
            return f"{app_name!r} has no {wanted.what}: the provider metadata has no {wanted.name}; {where})"
        return f"{app_name!r} has no {wanted.what}: {where}, or server_metadata_url=)"
    where = f"pass {wanted.name}= to register()"
    if not has_discovery:
        where += f" or set {config_key(app_name, 'server_metadata_url')}"
    return f"{app_name!r} has no {wanted.what}: the provider metadata has no {wanted.name}; {where}"


class ProviderMetadata:
    """The provider metadata of one app: static settings win over the discovery document, which is fetched lazily.

    ``static`` holds the metadata fields given to ``register()``; ``discovery``
    the cached discovery document when ``server_metadata_url`` is set.
    """

    def __init__(self, app_name: str, static: Mapping[str, Any], discovery: ServerMetadata | None = None) -> None:
        self.app_name = app_name
        # A setting given as None means "not set": it must not hide a discovered value.
        self.static: dict[str, Any] = {k: v for k, v in static.items() if v is not None}
        self.discovery = discovery
        self._merged: dict[str, Any] = dict(self.static)
        self._merged_from: dict[str, Any] | None = None

    @property
    def configured(self) -> bool:
        """Whether there is any metadata to read (static fields or a discovery URL)."""
        return self.discovery is not None or bool(self.static)

    @property
    def known(self) -> dict[str, Any]:
        """The metadata known without fetching: the static settings, plus what was loaded."""
        return self._merged

    def load(self) -> dict[str, Any]:
        """The metadata: discovered (cached, with a TTL) under the static settings."""
        if self.discovery is None:
            return self._merged
        loaded = self.discovery.get()
        if loaded is not self._merged_from:
            self._merged = {**loaded, **self.static}
            self._merged_from = loaded
        return self._merged

    def require(self, wanted: MetadataField, setting: str | None = None) -> str:
        """``setting`` (the app's own value for ``wanted``) when given, else the metadata's; or fail naming the key."""
        if setting:
            return setting
        value = self.load().get(wanted.name)
        if not value:
            raise ConfigurationError(
                description=missing_setting_message(self.app_name, wanted, self.discovery is not None)
            )
        return value

    def offers(self, wanted: MetadataField, setting: str | None = None) -> bool:
        """Whether ``wanted`` is known, or could be, without a fetch (discovery may provide it)."""
        return bool(setting or self.discovery is not None or self.static.get(wanted.name))

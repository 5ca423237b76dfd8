"""oauth2client's ``service_account.ServiceAccountCredentials``: a service account's key, for tokens (RFC 7523).

The key file is read by this library's service-account reader
(:func:`flask_oauth_registry.providers.google_service_account.read_service_account`),
and each refresh sends an assertion made by its JWT-bearer code
(:mod:`flask_oauth_registry.flows.jwt_bearer`: ``iss``, ``scope``, ``aud`` = the token
URI, ``iat``, ``exp`` an hour later, a fresh ``jti``, and the extra claims such as
``sub`` for domain-wide delegation).  ``.p12`` keys are read with ``cryptography``
(oauth2client needed a pyOpenSSL that no longer exists).  The JSON is
oauth2client's (``"_module": "oauth2client.service_account"``), never with the
signer; the private key is never in a ``repr()``.
"""

from __future__ import annotations

import base64
import secrets
import time
from collections.abc import Mapping
from typing import IO, Any
from urllib.parse import urlsplit

from ...flows.jwt_bearer import assertion_claims, sign_assertion
from ...providers.google_service_account import read_service_account
from ...registry.config import AssertionConfig
from ...registry.errors import ConfigurationError
from . import GOOGLE_REVOKE_URI, GOOGLE_TOKEN_URI, crypt, transport
from ._base import AccessTokenInfo, decode_expiry, load_json_object
from ._helpers import scopes_to_string
from ._oauth2_credentials import AssertionCredentials

_PASSWORD_DEFAULT = "notasecret"
_PKCS12_KEY = "_private_key_pkcs12"
#: Seconds a self-signed JWT access token (used without scopes) is reused before a new one is made.
_JWT_ACCESS_LIFETIME = 3600
_JWT_ACCESS_MARGIN = 300


class ServiceAccountCredentials(AssertionCredentials):
    """Credentials of a service account: a signed assertion buys the token (the JWT-bearer grant)."""

    MAX_TOKEN_LIFETIME_SECS = 3600
    NON_SERIALIZED_MEMBERS = frozenset(["_signer", "_jwt_access"]) | AssertionCredentials.NON_SERIALIZED_MEMBERS
    _JSON_MODULE = "oauth2client.service_account"

    def __init__(
        self,
        service_account_email: str,
        signer: crypt.Signer,
        scopes: Any = "",
        private_key_id: str | None = None,
        client_id: str | None = None,
        user_agent: str | None = None,
        token_uri: str = GOOGLE_TOKEN_URI,
        revoke_uri: str | None = GOOGLE_REVOKE_URI,
        **kwargs: Any,
    ) -> None:
        super().__init__(None, user_agent=user_agent, token_uri=token_uri, revoke_uri=revoke_uri)
        self._service_account_email = service_account_email
        self._signer = signer
        self._scopes = scopes_to_string(scopes)
        self._private_key_id = private_key_id
        self.client_id = client_id
        self._user_agent = user_agent
        self._kwargs = kwargs
        self._private_key_pkcs8_pem: str | None = None
        self._private_key_pkcs12: bytes | None = None
        self._private_key_password: str | None = None
        self._jwt_access: dict[str, tuple[str, float]] = {}

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} service_account_email={self._service_account_email!r} "
                f"scopes={self._scopes!r} private_key_id={self._private_key_id!r}>")

    @property
    def service_account_email(self) -> str:
        return self._service_account_email

    @property
    def serialization_data(self) -> dict[str, Any]:
        """The key file's fields (``type``, ``client_email``, ``private_key_id``, ``private_key``, ``client_id``)."""
        return {"type": "service_account", "client_email": self._service_account_email,
                "private_key_id": self._private_key_id, "private_key": self._private_key_pkcs8_pem,
                "client_id": self.client_id}

    # -- JSON -------------------------------------------------------------------------------
    def _serialized(self) -> dict[str, Any]:
        members = {**super()._serialized(), "_service_account_email": self._service_account_email,
                   "_scopes": self._scopes, "_private_key_id": self._private_key_id,
                   "_user_agent": self._user_agent, "_kwargs": dict(self._kwargs)}
        if self._private_key_pkcs8_pem is not None:
            members["_private_key_pkcs8_pem"] = self._private_key_pkcs8_pem
        if self._private_key_pkcs12 is not None:
            members[_PKCS12_KEY] = base64.b64encode(self._private_key_pkcs12).decode("ascii")
            members["_private_key_password"] = self._private_key_password
        return members

    @classmethod
    def from_json(cls, json_data: Any) -> ServiceAccountCredentials:
        """Credentials from oauth2client's JSON of a service account (PEM or PKCS#12 key)."""
        data = load_json_object(json_data)
        pkcs12_value = data.get(_PKCS12_KEY)
        if pkcs12_value is None:
            pem = data["_private_key_pkcs8_pem"]
            signer = crypt.Signer.from_string(pem)
        else:
            pkcs12_bytes = base64.b64decode(pkcs12_value)
            password = data["_private_key_password"]
            signer = crypt.Signer.from_string(pkcs12_bytes, password)
        credentials = cls(data["_service_account_email"], signer, scopes=data["_scopes"],
                          private_key_id=data["_private_key_id"], client_id=data["client_id"],
                          user_agent=data["_user_agent"], **(data.get("_kwargs") or {}))
        if pkcs12_value is None:
            credentials._private_key_pkcs8_pem = pem
        else:
            credentials._private_key_pkcs12, credentials._private_key_password = pkcs12_bytes, password
        credentials.invalid = bool(data["invalid"])
        credentials.access_token = data["access_token"]
        credentials.token_uri = data["token_uri"]
        credentials.revoke_uri = data["revoke_uri"]
        credentials.token_expiry = decode_expiry(data.get("token_expiry"))
        return credentials

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def _from_parsed_json_keyfile(cls, keyfile_dict: Mapping[str, Any], scopes: Any, token_uri: str | None = None,
                                  revoke_uri: str | None = None) -> ServiceAccountCredentials:
        if keyfile_dict.get("type") != "service_account":
            raise ValueError("Unexpected credentials type", keyfile_dict.get("type"), "Expected", "service_account")
        account = read_service_account(keyfile_dict, "the service-account key")
        credentials = cls(
            account.client_email, crypt.Signer.from_string(account.private_key), scopes=scopes,
            private_key_id=account.private_key_id, client_id=keyfile_dict.get("client_id"),
            token_uri=token_uri or keyfile_dict.get("token_uri") or GOOGLE_TOKEN_URI,
            revoke_uri=revoke_uri or keyfile_dict.get("revoke_uri") or GOOGLE_REVOKE_URI,
        )
        credentials._private_key_pkcs8_pem = account.private_key
        return credentials

    @classmethod
    def from_json_keyfile_name(cls, filename: str, scopes: Any = "", token_uri: str | None = None,
                               revoke_uri: str | None = None) -> ServiceAccountCredentials:
        """From the JSON key file the Google Cloud console downloads."""
        try:
            with open(filename, encoding="utf-8") as handle:
                keyfile_dict = load_json_object(handle.read())
        except ValueError:
            raise ConfigurationError(description=f"{filename!r} is not a JSON key file") from None
        return cls._from_parsed_json_keyfile(keyfile_dict, scopes, token_uri=token_uri, revoke_uri=revoke_uri)

    @classmethod
    def from_json_keyfile_dict(cls, keyfile_dict: Mapping[str, Any], scopes: Any = "", token_uri: str | None = None,
                               revoke_uri: str | None = None) -> ServiceAccountCredentials:
        """From the parsed contents of a JSON key file."""
        return cls._from_parsed_json_keyfile(keyfile_dict, scopes, token_uri=token_uri, revoke_uri=revoke_uri)

    @classmethod
    def _from_p12_keyfile_contents(
        cls, service_account_email: str, private_key_pkcs12: bytes, private_key_password: str | None = None,
        scopes: Any = "", token_uri: str = GOOGLE_TOKEN_URI, revoke_uri: str | None = GOOGLE_REVOKE_URI,
    ) -> ServiceAccountCredentials:
        password = private_key_password or _PASSWORD_DEFAULT
        signer = crypt.Signer.from_string(private_key_pkcs12, password)
        credentials = cls(service_account_email, signer, scopes=scopes, token_uri=token_uri, revoke_uri=revoke_uri)
        credentials._private_key_pkcs12, credentials._private_key_password = private_key_pkcs12, password
        return credentials

    @classmethod
    def from_p12_keyfile(
        cls, service_account_email: str, filename: str, private_key_password: str | None = None, scopes: Any = "",
        token_uri: str = GOOGLE_TOKEN_URI, revoke_uri: str | None = GOOGLE_REVOKE_URI,
    ) -> ServiceAccountCredentials:
        """From a ``.p12`` key (password ``notasecret`` unless given), read with ``cryptography``."""
        with open(filename, "rb") as handle:
            contents = handle.read()
        return cls._from_p12_keyfile_contents(service_account_email, contents, private_key_password, scopes,
                                              token_uri=token_uri, revoke_uri=revoke_uri)

    @classmethod
    def from_p12_keyfile_buffer(
        cls, service_account_email: str, file_buffer: IO[bytes], private_key_password: str | None = None,
        scopes: Any = "", token_uri: str = GOOGLE_TOKEN_URI, revoke_uri: str | None = GOOGLE_REVOKE_URI,
    ) -> ServiceAccountCredentials:
        """From an open ``.p12`` file (or any object with ``read()``)."""
        return cls._from_p12_keyfile_contents(service_account_email, file_buffer.read(), private_key_password,
                                              scopes, token_uri=token_uri, revoke_uri=revoke_uri)

    def _copy_with(self, scopes: Any, kwargs: Mapping[str, Any]) -> ServiceAccountCredentials:
        result = type(self)(self._service_account_email, self._signer, scopes=scopes,
                            private_key_id=self._private_key_id, client_id=self.client_id,
                            user_agent=self._user_agent, token_uri=str(self.token_uri), revoke_uri=self.revoke_uri,
                            **kwargs)
        result._private_key_pkcs8_pem = self._private_key_pkcs8_pem
        result._private_key_pkcs12 = self._private_key_pkcs12
        result._private_key_password = self._private_key_password
        return result

    def create_scoped_required(self) -> bool:
        """True without scopes."""
        return not self._scopes

    def create_scoped(self, scopes: Any) -> ServiceAccountCredentials:
        """A copy with ``scopes`` (this one is unchanged)."""
        return self._copy_with(scopes, self._kwargs)

    def create_with_claims(self, claims: Mapping[str, Any]) -> ServiceAccountCredentials:
        """A copy whose assertions carry ``claims`` too (this one is unchanged)."""
        return self._copy_with(self._scopes, {**self._kwargs, **claims})

    def create_delegated(self, sub: str) -> ServiceAccountCredentials:
        """A copy acting for the user ``sub`` (domain-wide delegation)."""
        return self.create_with_claims({"sub": sub})

    # -- signing ----------------------------------------------------------------------------
    def _assertion_config(self, claims: Mapping[str, Any], lifetime: int) -> AssertionConfig:
        return AssertionConfig(key=self._signer.key, alg="RS256", key_id=self._private_key_id, lifetime=lifetime,
                               claims=dict(claims))

    def _generate_assertion(self) -> str:
        claims = {"iss": self._service_account_email, "scope": self._scopes, **self._kwargs}
        config = self._assertion_config(claims, self.MAX_TOKEN_LIFETIME_SECS)
        signed = assertion_claims(config.claims, str(self.token_uri), now=int(time.time()),
                                  lifetime=config.lifetime, jti=secrets.token_urlsafe(24))
        return sign_assertion(signed, config)

    def sign_blob(self, blob: bytes | str) -> tuple[str | None, bytes]:
        """``(private_key_id, RS256 signature of blob)``."""
        return self._private_key_id, self._signer.sign(blob)

    # -- without scopes: self-signed JWT access tokens --------------------------------------
    def authorize(self, http: Any = None) -> Any:
        """Wrap ``http``: with scopes, tokens from the token endpoint; without, self-signed JWTs per API origin."""
        http = http if http is not None else transport.get_http_object()
        if self._scopes:
            return super().authorize(http)
        return transport.wrap_http_for_jwt_access(self, http)

    def _jwt_for(self, uri: str, fresh: bool = False) -> str:
        """A self-signed JWT access token whose ``aud`` is ``uri``'s origin, reused for an hour."""
        parts = urlsplit(uri)
        audience = f"{parts.scheme}://{parts.netloc}/"
        now = time.time()
        cached = self._jwt_access.get(audience)
        if cached is not None and not fresh and cached[1] - now > _JWT_ACCESS_MARGIN:
            return cached[0]
        claims = {"iss": self._service_account_email, "sub": self._service_account_email, **self._kwargs}
        config = self._assertion_config(claims, _JWT_ACCESS_LIFETIME)
        token = sign_assertion(assertion_claims(config.claims, audience, now=int(now), lifetime=_JWT_ACCESS_LIFETIME,
                                                jti=secrets.token_urlsafe(24)), config)
        self._jwt_access[audience] = (token, now + _JWT_ACCESS_LIFETIME)
        return token

    def get_access_token(self, http: Any = None, additional_claims: Mapping[str, Any] | None = None
                         ) -> AccessTokenInfo:
        """The access token (from the token endpoint; a self-signed JWT for ``token_uri`` without scopes)."""
        if self._scopes:
            return super().get_access_token(http)
        source = self.create_with_claims(additional_claims) if additional_claims else self
        return AccessTokenInfo(source._jwt_for(str(self.token_uri)), _JWT_ACCESS_LIFETIME)

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_jwt_access"] = {}
        return state

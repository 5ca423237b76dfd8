"""The oauthlib ``openid.RequestValidator`` that backs the OIDC / OAuth 2 endpoints, and the server.

oauthlib implements the protocol (grant flows, PKCE, token responses, error
handling); this module only answers its questions from the settings and the
in-memory store.  oauthlib needs one validator object with its method names; the
validator hands client authentication, ID-token minting and login-session checks
to small collaborators (:mod:`.client_auth`, :mod:`.oidc_claims`) and builds the
store's records with :mod:`.grant_records`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oauthlib.oauth2.rfc6749 import errors
from oauthlib.openid import RequestValidator, Server

from .client_auth import ClientAuthenticator
from .device_codes import AUTHORIZED
from .device_grant import DevDeviceCodeGrant
from .dpop_binding import mark_bound
from .grant_records import code_grant, token_records
from .keys import KeySet
from .login import LoginState
from .oidc_claims import IdTokenMinter, LoginChecks
from .settings import DEVICE_CODE_GRANT, SUPPORTED_SCOPES, OAuth2ClientConfig, ProviderSettings
from .store import CodeGrant, Store

#: Grant types the provider enables; oauthlib's Server also knows password.
ENABLED_GRANTS = ("authorization_code", "refresh_token", "client_credentials", DEVICE_CODE_GRANT)
CLIENT_CREDENTIALS_DEFAULT_SCOPES = ("api",)


class DevOIDCValidator(RequestValidator):
    """Answers oauthlib's questions about clients, codes, tokens and the login session.

    ``issuer`` and ``current_login`` are callables because both depend on the
    current HTTP request (derived issuer, session cookie).
    """

    def __init__(
        self,
        settings: ProviderSettings,
        store: Store,
        key: KeySet,
        issuer: Callable[[], str],
        current_login: Callable[[], LoginState | None],
    ) -> None:
        super().__init__()
        self.settings = settings
        self.store = store
        self.clients = ClientAuthenticator(settings, issuer, store.use_nonce)
        self.login_checks = LoginChecks(key, current_login, store.granted_scopes)
        self.id_tokens = IdTokenMinter(settings, key, issuer)

    def _client(self, client_id: str | None) -> OAuth2ClientConfig | None:
        return self.settings.client(client_id)

    # -- client authentication ---------------------------------------------------------
    def client_authentication_required(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        """Required when credentials are presented or the client is not public."""
        return self.clients.required(request)

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        """``client_secret_basic`` (preferred), ``client_secret_post`` or ``private_key_jwt``."""
        return self.clients.authenticate(request)

    def authenticate_client_id(self, client_id: str, request: Any, *args: Any, **kwargs) -> bool:
        """Auth method ``none``: only public clients may identify without a secret."""
        return self.clients.authenticate_public(client_id, request)

    def validate_client_id(self, client_id: str, request: Any, *args: Any, **kwargs: Any) -> bool:
        """Authorization endpoint: the client must be registered."""
        return self._client(client_id) is not None

    # -- authorization request ---------------------------------------------------------
    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs) -> bool:
        """Registered URIs, or any loopback URI when the client allows it (RFC 8252 7.3)."""
        client = self._client(client_id)
        return bool(client and client.accepts_redirect(redirect_uri))

    def get_default_redirect_uri(self, client_id, request, *args, **kwargs) -> str | None:
        """The first registered redirect URI; loopback-only clients must send one."""
        client = self._client(client_id)
        return client.redirect_uris[0] if client and client.redirect_uris else None

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        """Only the authorization code flow (``response_type=code``)."""
        client = self._client(client_id)
        return (
            response_type == "code"
            and client is not None
            and "authorization_code" in client.allowed_grant_types
        )

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs) -> bool:
        """Every requested scope must be one the provider supports."""
        return all(scope in SUPPORTED_SCOPES for scope in scopes)

    def get_default_scopes(self, client_id, request, *args, **kwargs) -> list[str]:
        """The client's default scopes; ``api`` for client_credentials."""
        if request.grant_type == "client_credentials":
            return list(CLIENT_CREDENTIALS_DEFAULT_SCOPES)
        client = self._client(client_id)
        return list(client.default_scopes) if client else []

    def is_pkce_required(self, client_id, request) -> bool:
        """PKCE is mandatory for public clients (and clients configured with it)."""
        client = self._client(client_id)
        return bool(client and client.pkce_required)

    def save_authorization_code(self, client_id, code, request, *args, **kwargs) -> None:
        """Store the code with user, nonce, auth_time and PKCE challenge for the token step."""
        self.store.save_code(code_grant(client_id, code, request, self.settings))

    # -- OpenID Connect session checks (prompt, max_age, id_token_hint) ------------------
    def validate_silent_login(self, request) -> bool:
        """``prompt=none``: a login exists and satisfies ``max_age``."""
        return self.login_checks.silent_login(request.max_age)

    def validate_silent_authorization(self, request) -> bool:
        """``prompt=none``: the signed-in user approved this client before, for every requested scope."""
        return self.login_checks.silent_authorization(request.client_id, request.scopes or [])

    def validate_user_match(self, id_token_hint, scopes, claims, request) -> bool:
        """An ``id_token_hint`` must be ours and name the signed-in user (if any)."""
        return self.login_checks.user_match(id_token_hint)

    # -- token endpoint: authorization_code --------------------------------------------
    def get_authorization_code_scopes(self, client_id, code, redirect_uri, request) -> list[str]:
        """Routes the token request to the OIDC grant when ``openid`` was granted."""
        grant = self.store.peek_code(code)
        return list(grant.scopes) if grant else []

    def validate_code(self, client_id, code, client, request, *args, **kwargs) -> bool:
        """Claim the code (single use, even under concurrency) and load its context."""
        grant = self.store.claim_code(code, client_id)
        if grant is None:
            return False
        request.user = grant.user
        request.scopes = list(grant.scopes)
        request.auth_time = grant.auth_time
        request.claims = grant.claims
        request.dev_code_grant = grant
        return True

    def _claimed(self, request) -> CodeGrant | None:
        return getattr(request, "dev_code_grant", None)

    def get_code_challenge(self, code, request) -> str | None:
        """The PKCE challenge saved with the code."""
        grant = self._claimed(request)
        return grant.code_challenge if grant else None

    def get_code_challenge_method(self, code, request) -> str | None:
        """The PKCE method saved with the code (always S256, see ``create_oidc_server``)."""
        grant = self._claimed(request)
        return grant.code_challenge_method if grant else None

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request, *args, **kwargs):
        """The token request's redirect_uri must equal the authorization request's."""
        grant = self._claimed(request)
        return bool(grant and grant.redirect_uri == redirect_uri)

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs) -> None:
        """Nothing to do: ``validate_code`` already removed the code."""

    def get_authorization_code_nonce(self, client_id, code, redirect_uri, request) -> str | None:
        """The ``nonce`` of the authorization request, for the ID token."""
        grant = self._claimed(request)
        return grant.nonce if grant else None

    # -- token endpoint: refresh_token / client_credentials ------------------------------
    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs) -> bool:
        """Grant types allowed for this client (never password)."""
        client = client or self._client(client_id)
        allowed = client.allowed_grant_types if client else ()
        return grant_type in ENABLED_GRANTS and grant_type in allowed

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs) -> bool:
        """Consume the refresh token (rotation): a second use is refused with invalid_grant."""
        record = self.store.consume_refresh(refresh_token, client.client_id)
        if record is None:
            return False
        request.user = record.user
        request.auth_time = record.auth_time
        request.dev_refresh = record
        return True

    def get_original_scopes(self, refresh_token, request, *args, **kwargs) -> list[str]:
        """Scopes of the refresh token being rotated."""
        record = getattr(request, "dev_refresh", None)
        return list(record.scopes) if record else []

    def rotate_refresh_token(self, request) -> bool:
        """Always issue a new refresh token on refresh."""
        return True

    def save_bearer_token(self, token, request, *args, **kwargs) -> None:
        """Store the access token (and refresh token) with user, scopes, expiry and DPoP key."""
        mark_bound(token, request)
        self.store.save_tokens(*token_records(token, request, self.settings))

    def finalize_id_token(self, id_token, token, token_handler, request) -> str:
        """Complete oauthlib's draft ID token (aud, iat, nonce) and sign it (:class:`.IdTokenMinter`)."""
        return self.id_tokens.finalize(id_token, token, request)

    # -- token endpoint: device_code (RFC 8628 3.4, 3.5) --------------------------------
    def validate_device_code(self, client_id, code, request, *args, **kwargs) -> str | None:
        """Where the device code stands (oauthlib's ``DEVICE_CODE_*``); an approved one loads user and scopes."""
        status, record = self.store.devices.poll(code, client_id)
        if status == AUTHORIZED and record is not None:
            request.user = record.user
            request.scopes = list(record.scopes)
            request.auth_time = record.auth_time
        return status

    # -- resources: bearer tokens, userinfo, revocation ---------------------------------
    def validate_bearer_token(self, token, scopes, request) -> bool:
        """Known and unexpired; loads user, client and the token's scopes onto the request.

        Scope requirements are checked by the caller (oauthlib's userinfo endpoint
        checks ``openid`` itself and answers ``insufficient_scope``).
        """
        record = self.store.access_token(token)
        if record is None:
            return False
        request.user = record.user
        request.client_id = record.client_id
        request.scopes = list(record.scopes)
        request.dev_access_token = record
        return True

    def validate_jwt_bearer_token(self, token, scopes, request) -> bool:
        """Access tokens are opaque; a JWT (e.g. an ID token) is never a valid bearer."""
        return False

    def validate_id_token(self, token, scopes, request) -> bool:
        """ID tokens are not accepted as access tokens."""
        return False

    def get_userinfo_claims(self, request) -> dict[str, Any]:
        """Claims of the token's user, filtered by the token's scopes."""
        user = self.settings.user(request.user)
        if user is None:
            raise errors.InvalidTokenError(description="The token has no end-user.")
        return user.claims(request.scopes or [])

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs) -> None:
        """RFC 7009: drop the token if it belongs to the authenticated client."""
        self.store.revoke(token, request.client_id, token_type_hint)

    def validate_user(self, username, password, client, request, *args, **kwargs) -> bool:
        """The password grant is disabled."""
        return False


def _s256_and_query_only(request: Any) -> dict[str, Any]:
    """Extra authorization-request rules: PKCE method S256 only, ``response_mode=query``."""
    if request.code_challenge is not None and request.code_challenge_method != "S256":
        raise errors.UnsupportedCodeChallengeMethodError(
            description="Only the S256 code_challenge_method is supported.", request=request
        )
    if request.response_mode not in (None, "query"):
        raise errors.InvalidRequestError(
            description="Only response_mode=query is supported.", request=request
        )
    return {}


def create_oidc_server(validator: DevOIDCValidator, access_token_ttl: int) -> Server:
    """oauthlib's pre-configured OIDC server, narrowed to what the provider advertises.

    Grant and response types that are not enabled are unregistered, so oauthlib
    answers ``unsupported_grant_type`` / ``unsupported_response_type`` for them.
    """
    server = Server(validator, token_expires_in=access_token_ttl)
    for grant_type in [g for g in server.grant_types if g not in ENABLED_GRANTS]:
        del server.grant_types[grant_type]
    for response_type in [r for r in server.response_types if r != "code"]:
        del server.response_types[response_type]
    for grant in (server.auth_grant, server.openid_connect_auth):
        grant.custom_validators.post_auth.append(_s256_and_query_only)
    server.grant_types[DEVICE_CODE_GRANT] = DevDeviceCodeGrant(validator)
    return server

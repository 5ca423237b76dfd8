"""Where a fake OAuth 2 / OpenID provider answers: the registered app's own URLs, completed under its issuer."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..registry.config import ClientConfig
from ..registry.oidc import expected_issuer

#: The endpoints that have a fixed URL, in the order requests are matched.
FIXED = ("discovery", "jwks", "authorization", "token", "userinfo", "revocation", "end_session")


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class EndpointLayout:
    """The URLs of one fake provider; ``api`` is a prefix (the app's ``api_base_url``), the rest are exact."""

    issuer: str
    discovery: str | None
    jwks: str
    authorization: str
    token: str
    userinfo: str
    revocation: str
    end_session: str
    api: str | None

    @classmethod
    def for_app(cls, config: ClientConfig) -> EndpointLayout:
        """The app's configured URLs (discovery URL, endpoints, static metadata); the rest under its issuer."""
        static = dict(config.metadata)
        discovery = config.server_metadata_url
        anchor = discovery or config.authorize_url or config.access_token_url or "https://provider.test"
        issuer = static.get("issuer") or (expected_issuer(discovery) if discovery else None) or origin(anchor)
        base = issuer.rstrip("/")
        return cls(
            issuer=issuer,
            discovery=discovery,
            jwks=static.get("jwks_uri") or base + "/jwks",
            authorization=config.authorize_url or static.get("authorization_endpoint") or base + "/authorize",
            token=config.access_token_url or static.get("token_endpoint") or base + "/token",
            userinfo=static.get("userinfo_endpoint") or base + "/userinfo",
            revocation=static.get("revocation_endpoint") or base + "/revoke",
            end_session=static.get("end_session_endpoint") or base + "/logout",
            api=config.api_base_url,
        )

    def endpoint_of(self, url: str) -> str | None:
        """The name of the endpoint ``url`` (any query) reaches, or ``None``."""
        bare = url.split("?", 1)[0]
        for name in FIXED:
            if getattr(self, name) == bare:
                return name
        if self.api and bare.startswith(self.api):
            return "api"
        return None

    def origins(self) -> set[str]:
        """Every origin the app may call; the transport is mounted on each."""
        urls = [getattr(self, name) for name in FIXED] + [self.api]
        return {origin(url) for url in urls if url}

    def discovery_document(self) -> dict[str, object]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.authorization,
            "token_endpoint": self.token,
            "userinfo_endpoint": self.userinfo,
            "jwks_uri": self.jwks,
            "revocation_endpoint": self.revocation,
            "end_session_endpoint": self.end_session,
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256", "plain"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none",
            ],
        }

"""The FAPI 2.0 example's client key and its registration at the dev provider (PAR and DPoP required).

A FAPI 2.0 client authenticates with ``private_key_jwt``: it keeps a private key
and the provider knows the public half.  :func:`new_client_key` makes one (a
P-256 JWK, so assertions and request objects are ES256); :func:`provider_settings`
registers its public half at the dev provider, which then demands PAR, DPoP and
DPoP nonces of every client, as a FAPI 2.0 authorization server would.

Run ``python -m examples.fapi2.registration DIR`` to write the key and a
``--config`` file for a dev provider started by hand (see README.md).
"""

from __future__ import annotations

import json
import secrets
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from flask_oauth_registry.devprovider import OAuth2ClientConfig, ProviderSettings

CLIENT_ID = "fapi2-client"
#: JWK members only the private key has; the provider gets the JWK without them.
PRIVATE_MEMBERS = ("d",)


def new_client_key() -> dict[str, Any]:
    """A fresh P-256 private key as a JWK with a ``kid`` and ``alg`` ES256."""
    jwk = ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()), as_dict=True)
    return {**jwk, "kid": secrets.token_hex(8), "alg": "ES256", "use": "sig"}


def public_jwks(private_jwk: dict[str, Any]) -> dict[str, Any]:
    """The JWK Set the provider registers: the key without its private members."""
    return {"keys": [{k: v for k, v in private_jwk.items() if k not in PRIVATE_MEMBERS}]}


def provider_client(private_jwk: dict[str, Any]) -> OAuth2ClientConfig:
    """The example's registration: private_key_jwt with this key, ES256 ID tokens, PKCE, PAR and DPoP."""
    return OAuth2ClientConfig(
        CLIENT_ID, None, name="FAPI 2.0 example", jwks=public_jwks(private_jwk),
        id_token_signed_response_alg="ES256", require_pkce=True,
        require_pushed_authorization_requests=True, dpop_bound_access_tokens=True,
    )


def provider_settings(private_jwk: dict[str, Any], base: ProviderSettings | None = None) -> ProviderSettings:
    """Dev provider settings with PAR and DPoP (with nonces) required and the example's client registered."""
    settings = replace(base or ProviderSettings(), par="required", dpop="required", dpop_nonce=True)
    return settings.with_clients(provider_client(private_jwk))


def write_files(folder: Path) -> tuple[Path, Path]:
    """Write ``client-key.json`` (private, mode 0600) and ``devprovider.json`` (the provider's ``--config``)."""
    folder.mkdir(parents=True, exist_ok=True)
    private_jwk = new_client_key()
    key_file = folder / "client-key.json"
    key_file.touch(mode=0o600)
    key_file.write_text(json.dumps(private_jwk))
    client = provider_client(private_jwk)
    config = {
        "par": "required", "dpop": "required", "dpop_nonce": True,
        "clients": [{
            "client_id": client.client_id, "name": client.name, "jwks": client.jwks,
            "id_token_signed_response_alg": "ES256", "require_pkce": True,
            "require_pushed_authorization_requests": True, "dpop_bound_access_tokens": True,
        }],
    }
    config_file = folder / "devprovider.json"
    config_file.write_text(json.dumps(config, indent=2))
    return key_file, config_file


if __name__ == "__main__":
    key_path, config_path = write_files(Path(sys.argv[1] if len(sys.argv) > 1 else "fapi2-dev"))
    print(f"client key: {key_path}\ndev provider config: {config_path}")

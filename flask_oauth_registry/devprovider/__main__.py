"""Command line entry point: ``python -m flask_oauth_registry.devprovider`` (development only)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from .server import bind
from .settings import (
    LOOPBACK_HOSTS,
    SWITCH_VALUES,
    ProviderSettings,
    parse_client_flag,
    settings_from_dict,
)

DESCRIPTION = """\
Run the flask-oauth-registry development OpenID Provider and OAuth 1.0a
provider on a loopback address.

FOR LOCAL DEVELOPMENT AND TESTS ONLY: users sign in without a password,
tokens live in memory, any loopback redirect URI is accepted. Never expose it.

The issuer URL is printed alone on the first line of stdout; everything else
goes to stderr."""

EPILOG = """\
defaults:
  OAuth 2 clients  demo-client / demo-secret (confidential: client_secret_basic
                   or client_secret_post), demo-public (public: auth method
                   none, PKCE S256 required)
  OAuth 1 client   demo-oauth1-key / demo-oauth1-secret (HMAC, PLAINTEXT; add
                   "rsa_public_key_file" in --config for RSA-SHA1/RSA-SHA256)
  users            alice, bob
  redirect URIs    any http(s) URI on 127.0.0.1, localhost or [::1], any port

--config FILE is a JSON object with any of: issuer, host, port, key_file,
access_token_ttl, refresh_token_ttl, id_token_ttl, authorization_code_ttl,
oauth1_token_ttl, secret_key, default_user, par, par_ttl, dpop, dpop_nonce,
dpop_proof_window, dpop_nonce_ttl, include_defaults (false drops the
default clients/users), clients [{client_id, client_secret, name,
redirect_uris, post_logout_redirect_uris, allow_loopback_redirects,
grant_types, require_pkce, default_scopes, jwks | jwks_file (public keys for
private_key_jwt and request objects), id_token_signed_response_alg (RS256 or
ES256), require_pushed_authorization_requests, dpop_bound_access_tokens}],
oauth1_clients [{client_key,
client_secret, rsa_public_key | rsa_public_key_file, name, callback_uris,
allow_loopback_callbacks}], users [{username, name, given_name, family_name,
email, email_verified}]. Flags override the file. --print-config shows the
effective settings in this format.

endpoints: /.well-known/openid-configuration /jwks /authorize /par /token
/userinfo /revoke /logout /api/me /api/files /oauth1/request_token
/oauth1/authorize /oauth1/access_token /oauth1/api/me /_dev/stats /_dev/reset"""


def build_parser() -> argparse.ArgumentParser:
    """The CLI's argument parser (kept separate so tests can check ``--help``)."""
    parser = argparse.ArgumentParser(
        prog="python -m flask_oauth_registry.devprovider",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", metavar="FILE", help="JSON settings file (see below)")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1; keep it loopback)")
    parser.add_argument("--port", type=int, help="port to bind; 0 picks a free port (default 0)")
    parser.add_argument("--issuer", metavar="URL", help="issuer URL (default http://HOST:PORT)")
    parser.add_argument("--key", metavar="PEM", help="RSA private key file (default: generate one)")
    parser.add_argument(
        "--client", action="append", default=[], metavar="ID:SECRET",
        help="add a confidential OAuth 2 client; 'ID:' or 'ID' adds a public one (repeatable)",
    )
    parser.add_argument(
        "--access-token-ttl", type=int, metavar="SECONDS",
        help="access token lifetime, the token response's expires_in (default 3600)",
    )
    parser.add_argument(
        "--par", choices=SWITCH_VALUES,
        help="pushed authorization requests (RFC 9126): off, optional (default) or required",
    )
    parser.add_argument(
        "--dpop", choices=SWITCH_VALUES,
        help="DPoP (RFC 9449): off, optional (default: a proof binds the token) or required",
    )
    parser.add_argument(
        "--dpop-nonce", action="store_true", default=None,
        help="demand a server nonce in DPoP proofs (answered use_dpop_nonce until the client sends it)",
    )
    parser.add_argument(
        "--print-config", action="store_true", help="print the effective settings as JSON and exit"
    )
    return parser


def settings_from_args(args: argparse.Namespace) -> tuple[ProviderSettings, str, int]:
    """Combine ``--config`` and the flags into settings plus the bind host and port."""
    settings, host, port = ProviderSettings(), "127.0.0.1", 0
    if args.config:
        path = Path(args.config)
        data = json.loads(path.read_text())
        host, port = data.get("host", host), int(data.get("port", port))
        settings = settings_from_dict(data, base_dir=path.parent)
    overrides = {
        "issuer": args.issuer,
        "key_file": args.key,
        "access_token_ttl": args.access_token_ttl,
        "par": args.par,
        "dpop": args.dpop,
        "dpop_nonce": args.dpop_nonce,
    }
    settings = replace(settings, **{k: v for k, v in overrides.items() if v is not None})
    settings = settings.with_clients(*(parse_client_flag(value) for value in args.client))
    return settings, args.host or host, port if args.port is None else args.port


def main(argv: list[str] | None = None) -> int:
    """Parse flags, bind, print the issuer URL and serve until interrupted."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings, host, port = settings_from_args(args)
    except (OSError, ValueError) as exc:
        parser.error(str(exc))
    if args.print_config:
        print(json.dumps({"host": host, "port": port, **settings.to_dict()}, indent=2))
        return 0
    if host not in LOOPBACK_HOSTS:
        print(f"warning: binding {host}, which is not a loopback address", file=sys.stderr)
    server, app = bind(settings, host, port)
    issuer = app.extensions["devprovider"].settings.issuer
    print(issuer, flush=True)
    print(
        f"dev provider (development/tests only) serving {issuer}\n"
        f"  discovery: {issuer}/.well-known/openid-configuration\n"
        f"  clients: {', '.join(c.client_id for c in settings.clients)}; "
        f"oauth1: {', '.join(c.client_key for c in settings.oauth1_clients)}; "
        f"users: {', '.join(u.username for u in settings.users)}\n  Ctrl-C to stop.",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

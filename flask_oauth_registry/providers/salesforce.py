"""Salesforce: OpenID Connect through the login server's discovery; API calls go to the token's ``instance_url``.

The login server is ``login.salesforce.com``, ``test.salesforce.com`` with
``sandbox=True``, or the org's My Domain with ``domain=`` (``acme.my.salesforce.com``).
Each token answer names the user's org in ``instance_url``: with no
``api_base_url`` set, relative API URLs (``client.get("services/data/v62.0/")``)
are sent there.  Salesforce access tokens carry no ``expires_in`` (they last the
org's session timeout); the ``refresh_token`` scope makes it issue refresh tokens.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import PresetOption, ProviderPreset
from .quirks import ApiBaseFromToken, with_compliance_fix


def _login_host(options: Mapping[str, Any]) -> dict[str, str]:
    if options.get("domain"):
        return {"login_host": str(options["domain"])}
    return {"login_host": "test.salesforce.com" if options.get("sandbox") else "login.salesforce.com"}


def configure(name: str, settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """The settings with relative API URLs sent to the token's ``instance_url``."""
    return with_compliance_fix(settings, ApiBaseFromToken("instance_url"))


PRESET = ProviderPreset(
    name="salesforce",
    title="Salesforce",
    family="identity",
    settings={
        "server_metadata_url": "https://{login_host}/.well-known/openid-configuration",
        "client_kwargs": {"scope": "openid profile email", "token_endpoint_auth_method": "client_secret_post"},
    },
    options=(
        PresetOption("sandbox", "True to log in to sandboxes (test.salesforce.com)", default=False,
                     choices=(True, False)),
        PresetOption("domain", "the org's My Domain login host, e.g. acme.my.salesforce.com"),
    ),
    derive=_login_host,
    configure=configure,
    docs="Salesforce (OpenID Connect): sandbox=True, domain= My Domain; API calls go to the token's instance_url.",
    references=(
        "https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm",
        "https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_openid_discovery_endpoint.htm",
        "https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_userinfo_endpoint.htm",
        "https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm",
    ),
    checked="2026-12-02",
)

"""ORCID: OpenID Connect through discovery on orcid.org; ``sandbox=True`` moves it to sandbox.orcid.org.

The ID token is checked against ORCID's published keys; ``userinfo()`` reads the
userinfo endpoint and adds the ORCID record's address as ``profile``.  A login
with the non-OIDC ``/authenticate`` scope gets no ID token and no userinfo
access, but ORCID puts the iD and the name in the token answer itself: those
become the claims, with no further call.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from .base import PresetOption, ProviderPreset
from .profile import Profile, normalize_claims


def profile_to_claims(profile: Mapping[str, Any], record_base: str = "https://orcid.org") -> dict[str, Any]:
    """ORCID's userinfo answer (or a token answer's ``orcid`` and ``name``) as OIDC claims.

    ``record_base`` is where ORCID records live (the issuer: orcid.org or the sandbox).
    """
    orcid = profile.get("sub") or profile.get("id") or profile.get("orcid")
    return {
        "sub": orcid,
        "name": profile.get("name"),
        "given_name": profile.get("given_name"),
        "family_name": profile.get("family_name"),
        "profile": f"{record_base}/{orcid}" if orcid else None,
    }


def _hosts(options: Mapping[str, Any]) -> dict[str, str]:
    if options.get("sandbox"):
        return {"web": "sandbox.orcid.org", "api": "pub.sandbox.orcid.org"}
    return {"web": "orcid.org", "api": "pub.orcid.org"}


def load_userinfo(app: Any, **kwargs: Any) -> dict[str, Any]:
    """The userinfo endpoint for an OIDC login; the token answer's iD and name for an ``/authenticate`` one."""
    metadata = app.load_server_metadata()
    to_claims = partial(profile_to_claims, record_base=metadata["issuer"])
    token = kwargs.get("token") or app.token or {}
    if "openid" not in str(token.get("scope") or "").split() and token.get("orcid"):
        return normalize_claims(to_claims(token), "the ORCID token answer")
    return Profile(url=metadata["userinfo_endpoint"], to_claims=to_claims).load(app, **kwargs)


PRESET = ProviderPreset(
    name="orcid",
    title="ORCID",
    family="regional",
    settings={
        "server_metadata_url": "https://{web}/.well-known/openid-configuration",
        "api_base_url": "https://{api}/v3.0/",
        "client_kwargs": {"scope": "openid", "token_endpoint_auth_method": "client_secret_post"},
    },
    options=(PresetOption("sandbox", "True for the ORCID sandbox (sandbox.orcid.org)", default=False,
                          choices=(True, False)),),
    derive=_hosts,
    userinfo=load_userinfo,
    docs="ORCID (OpenID Connect; sandbox=True for sandbox.orcid.org). userinfo() adds the ORCID record URL.",
    references=(
        "https://info.orcid.org/documentation/integration-guide/sign-in-using-orcid/",
        "https://info.orcid.org/documentation/api-tutorials/api-tutorial-get-and-authenticated-orcid-id/",
        "https://github.com/ORCID/ORCID-Source/blob/main/orcid-web/ORCID_AUTH_WITH_OPENID_CONNECT.md",
        "https://info.orcid.org/documentation/integration-guide/sandbox-testing-server/",
    ),
    checked="2026-12-02",
)

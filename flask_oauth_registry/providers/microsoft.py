"""Microsoft identity platform (Entra ID, personal Microsoft accounts): OpenID Connect on the v2.0 endpoints.

``tenant=`` picks who may sign in: ``"common"`` (work, school and personal
accounts; the default), ``"organizations"`` (work and school only),
``"consumers"`` (personal only), or one tenant's id or domain.  The multi-tenant
endpoints publish the issuer as a template, ``.../{tenantid}/v2.0``; each ID
token's issuer is resolved from its ``tid`` claim and checked against the
tenants the app allows (``allowed_tenants=[...]`` narrows it to a list).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..registry.errors import IssuerMismatchError
from .base import PresetOption, ProviderPreset

AUTHORITY = "https://login.microsoftonline.com"
#: The issuer template the multi-tenant discovery documents name.
TEMPLATE_ISSUER = f"{AUTHORITY}/{{tenantid}}/v2.0"
#: The tenant that holds every personal Microsoft account.
CONSUMERS_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad"
_TENANT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TENANT_ISSUER = re.compile(rf"^{re.escape(AUTHORITY)}/([0-9a-f-]{{36}})/v2\.0$")


@dataclass(frozen=True)
class TenantIssuers:
    """The issuer policy of one registration: which tenants' tokens it accepts."""

    tenant: str
    allowed_tenants: frozenset[str] | None = None

    def accepts_document_issuer(self, issuer: str, metadata_url: str) -> bool:
        """The template (multi-tenant) or one tenant's issuer (a tenant given by domain or as ``consumers``)."""
        return issuer == TEMPLATE_ISSUER or _TENANT_ISSUER.match(issuer) is not None

    def issuer_for(self, metadata_issuer: str, claims: Mapping[str, Any]) -> str:
        """``.../{tid}/v2.0`` for the token's tenant, once that tenant is one this app accepts."""
        tid = claims.get("tid")
        if not isinstance(tid, str) or not _TENANT_ID.match(tid):
            raise IssuerMismatchError(description="the Microsoft ID token has no valid tid (tenant id) claim")
        if not self._accepts(tid, metadata_issuer):
            raise IssuerMismatchError(
                description=f"the Microsoft ID token comes from tenant {tid}, which this app does not accept"
            )
        return metadata_issuer.replace("{tenantid}", tid)

    def _accepts(self, tid: str, metadata_issuer: str) -> bool:
        if self.allowed_tenants is not None and tid not in self.allowed_tenants:
            return False
        if self.tenant == "consumers":
            return tid == CONSUMERS_TENANT_ID
        if self.tenant == "organizations":
            return tid != CONSUMERS_TENANT_ID
        if self.tenant == "common":
            return True
        fixed = _TENANT_ISSUER.match(metadata_issuer)
        return fixed is not None and fixed.group(1) == tid


def issuer_policy(options: Mapping[str, Any]) -> TenantIssuers:
    allowed = options.get("allowed_tenants")
    if isinstance(allowed, str):
        allowed = [allowed]
    return TenantIssuers(
        tenant=str(options.get("tenant") or "common"),
        allowed_tenants=frozenset(str(t).lower() for t in allowed) if isinstance(allowed, Sequence) else None,
    )


PRESET = ProviderPreset(
    name="microsoft",
    title="Microsoft (Entra ID)",
    family="enterprise",
    settings={
        "server_metadata_url": f"{AUTHORITY}/{{tenant}}/v2.0/.well-known/openid-configuration",
        "api_base_url": "https://graph.microsoft.com/",
        "client_kwargs": {"scope": "openid email profile offline_access"},
    },
    options=(
        PresetOption("tenant", "common, organizations, consumers, or a tenant id or domain", default="common"),
        PresetOption("allowed_tenants", "tenant ids whose users may sign in (multi-tenant apps); any when not given"),
    ),
    issuer_policy=issuer_policy,
    docs="Microsoft identity platform v2.0 (Entra ID work and school accounts, personal Microsoft accounts).",
    references=(
        "https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc",
        "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow",
        "https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference",
        "https://learn.microsoft.com/en-us/entra/identity-platform/userinfo",
    ),
    checked="2026-12-02",
)

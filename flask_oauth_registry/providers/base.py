"""``ProviderPreset``: everything the registry knows about one provider, in one value."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: ``loader(remote_app, **request_kwargs) -> dict`` of OIDC standard claims.
UserInfoLoader = Callable[..., dict[str, Any]]
#: ``configure(name, settings) -> settings``: the preset's own register() keywords turned into settings.
Configure = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]


@dataclass(frozen=True)
class ProviderPreset:
    """Defaults for ``register()``; any explicit setting overrides them.

    ``settings`` are register() keywords (endpoints or discovery URL, scopes,
    auth method, compliance fix).  ``userinfo`` maps the provider's profile to
    OpenID Connect standard claims for providers without a userinfo endpoint.
    ``incremental_authorization`` says the provider supports ``include_granted_scopes``.
    """

    name: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    userinfo: UserInfoLoader | None = None
    docs: str = ""
    #: Whether the provider adds a new grant to the user's earlier ones when asked with
    #: ``include_granted_scopes=true`` (Google's incremental authorization); ``required``
    #: then asks for it when it needs more scopes.
    incremental_authorization: bool = False
    #: Turns the preset's own ``register()`` keywords (a key file to read, a tenant) into
    #: settings; run on the merged settings each time they are built, before they are checked.
    configure: Configure | None = None

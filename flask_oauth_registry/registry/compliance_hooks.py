"""The compliance hooks one provider session holds: requests-oauthlib's hook types, registered and run in order.

:class:`~.http.ProviderSession` keeps one :class:`ComplianceHooks` and offers its
requests-oauthlib surface (``register_compliance_hook``, ``compliance_hook``,
``token``, ``access_token``), so ``requests_oauthlib.compliance_fixes`` plug in
unchanged; :mod:`.compliance` runs the hooks at each point of the token and API paths.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import requests

from .errors import BadResponseError, ConfigurationError, OAuthError

#: Where a compliance fix may hook in: requests-oauthlib's ``OAuth2Session`` points, plus
#: Authlib's revocation and introspection ones (``compliance_fix=`` is Authlib's keyword).
COMPLIANCE_HOOK_TYPES: tuple[str, ...] = (
    "access_token_request",
    "access_token_response",
    "refresh_token_request",
    "refresh_token_response",
    "protected_request",
    "revoke_token_request",
    "introspect_token_request",
)


class HookSet(dict[Callable[..., Any], None]):
    """The hooks of one type: a set (``add``, ``discard``, like the libraries' ``set``) run in registration order."""

    def add(self, hook: Callable[..., Any]) -> None:
        self[hook] = None

    def discard(self, hook: Callable[..., Any]) -> None:
        self.pop(hook, None)


class ComplianceHooks:
    """The hooks of each type, and the token of the API call whose hooks run in this thread."""

    def __init__(self) -> None:
        #: requests-oauthlib's ``compliance_hook`` attribute: the hooks of each type.
        self.by_type: dict[str, HookSet] = {hook_type: HookSet() for hook_type in COMPLIANCE_HOOK_TYPES}
        self._token = threading.local()

    def register(self, hook_type: str, hook: Callable[..., Any]) -> None:
        """Run ``hook`` at ``hook_type``; an unknown type is a :class:`ConfigurationError` naming the known ones."""
        if hook_type not in self.by_type:
            raise ConfigurationError(
                description=f"unknown compliance hook type {hook_type!r}; known are {', '.join(COMPLIANCE_HOOK_TYPES)}"
            )
        self.by_type[hook_type].add(hook)

    def fix_request(self, hook_type: str, url: str, headers: Any, data: Any) -> tuple[str, Any, Any]:
        """Pass ``(url, headers, data)`` through the ``hook_type`` hooks, in order."""
        for hook in list(self.by_type[hook_type]):
            url, headers, data = hook(url, headers, data)
        return url, headers, data

    def fix_response(self, hook_type: str, response: requests.Response) -> requests.Response:
        """Pass a provider's answer through the ``hook_type`` hooks, in order.

        A hook that fails on the answer (a fix expecting JSON given an HTML error
        page) makes it a :class:`BadResponseError`, like any unreadable answer.
        """
        for hook in list(self.by_type[hook_type]):
            try:
                response = hook(response)
            except OAuthError:
                raise
            except Exception as exc:
                name = getattr(hook, "__qualname__", type(hook).__name__)
                raise BadResponseError(
                    description=f"the {hook_type} compliance hook {name} failed on the provider's answer"
                ) from exc
        return response

    @contextmanager
    def token_in_use(self, token: Mapping[str, Any] | None) -> Iterator[None]:
        """Expose ``token`` as :attr:`token` to hooks run in this thread."""
        previous = getattr(self._token, "value", None)
        self._token.value = token
        try:
            yield
        finally:
            self._token.value = previous

    @property
    def token(self) -> Mapping[str, Any] | None:
        """The token of the API call whose ``protected_request`` hooks are running in this thread."""
        return getattr(self._token, "value", None)

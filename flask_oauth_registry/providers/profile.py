"""``Profile``: where a provider without a userinfo endpoint keeps the user's profile, and how it maps to claims.

The mapping is a pure function, ``to_claims(profile) -> dict``, tested on the
shapes the provider documents; :meth:`Profile.load` is the only part that does
I/O, through the remote app (so the token, its refresh and the API base URL are
the app's).  Whatever the mapping returns is normalized the same way for every
provider: ``sub`` is a non-empty string and absent claims are left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..registry.errors import BadResponseError, MissingTokenError, ProviderError

#: ``to_claims(profile) -> claims``: pure, no I/O.
ToClaims = Callable[[Mapping[str, Any]], Mapping[str, Any]]
#: The profile URL read from the token (Salesforce's ``id``), or from the app's settings.
UrlFromToken = Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class Profile:
    """Where the profile is read and how it becomes OpenID Connect standard claims.

    ``url`` is relative to the app's ``api_base_url`` or absolute, or a function of
    the token.  ``extra`` names further documents read after it (GitHub's
    ``/user/emails``): each answer that is JSON and HTTP 200 is added to the profile
    under its key before ``to_claims`` sees it; a failing extra call is left out,
    as the provider may refuse it for a narrower scope.  ``unwrap`` digs the user
    object out of an envelope (``("data", 0)`` for Twitch's ``{"data": [{...}]}``).
    """

    url: str | UrlFromToken
    to_claims: ToClaims
    method: str = "GET"
    params: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, str] = field(default_factory=dict)
    unwrap: tuple[str | int, ...] = ()

    def load(self, app: Any, **kwargs: Any) -> dict[str, Any]:
        """Read the profile with the app's token and return its normalized claims."""
        url = self.url if isinstance(self.url, str) else self.url(_token_of(app, kwargs))
        params = {**self.params, **(kwargs.pop("params", None) or {})}
        headers = {**self.headers, **(kwargs.pop("headers", None) or {})}
        response = app.request(self.method, url, params=params or None, headers=headers or None, **kwargs)
        profile = dig(read_json(response, url), self.unwrap, url)
        if not isinstance(profile, Mapping):
            raise BadResponseError(description=f"the profile answer of {_where(url)} is not a JSON object")
        if self.extra:
            normalize_claims(self.to_claims(profile), _where(url))  # no user id: no further calls
        merged = dict(profile)
        for key, extra_url in self.extra.items():
            answer = app.request("GET", extra_url, **kwargs)
            if answer.status_code == 200:
                try:
                    merged[key] = json.loads(answer.content)
                except (ValueError, RecursionError, TypeError):
                    continue
        return normalize_claims(self.to_claims(merged), _where(url))


def read_json(response: Any, url: str) -> Any:
    """The JSON of a profile answer; an HTTP error is a :class:`ProviderError`, garbage a :class:`BadResponseError`."""
    if response.status_code != 200:
        raise ProviderError(
            error="userinfo_failed",
            description=f"the provider answered HTTP {response.status_code} for the profile at {_where(url)}",
            status_code=response.status_code,
        )
    try:
        return json.loads(response.content)
    except RecursionError as exc:
        raise BadResponseError(description=f"the profile answer of {_where(url)} is JSON nested too deeply") from exc
    except (ValueError, TypeError) as exc:
        raise BadResponseError(description=f"the profile answer of {_where(url)} is not JSON") from exc


def dig(value: Any, path: tuple[str | int, ...], url: str) -> Any:
    """``value[path[0]][path[1]]...``; a missing step is a :class:`BadResponseError`."""
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            raise BadResponseError(description=f"the profile answer of {_where(url)} has no {step!r}") from None
    return value


def normalize_claims(claims: Mapping[str, Any], where: str = "the profile") -> dict[str, Any]:
    """``claims`` with ``sub`` as a non-empty string and the absent (``None``, ``""``) claims left out."""
    sub = claims.get("sub")
    if sub is None or isinstance(sub, bool) or str(sub).strip() == "":
        raise BadResponseError(description=f"the profile answer of {where} has no id for the user")
    normalized = {key: value for key, value in claims.items() if value is not None and value != ""}
    normalized["sub"] = str(sub)
    return normalized


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """``("Ada", "Lovelace")`` from ``"Ada Lovelace"``: a best guess for providers that give one name only."""
    if not name:
        return None, None
    given, _, family = name.strip().partition(" ")
    return given or None, family.strip() or None


def _token_of(app: Any, kwargs: Mapping[str, Any]) -> Mapping[str, Any]:
    token = kwargs.get("token") or app.token
    if not token:
        raise MissingTokenError(description="reading the profile needs a token")
    return token  # type: ignore[no-any-return]


def _where(url: str) -> str:
    """The URL without its query, for messages: a provider may put a key there."""
    return url.split("?", 1)[0]

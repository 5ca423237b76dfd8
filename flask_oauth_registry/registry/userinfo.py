"""``UserInfo``: OpenID Connect claims as a dict that also allows attribute access."""

from __future__ import annotations

from typing import Any


class UserInfo(dict[str, Any]):
    """Standard claims (``sub``, ``name``, ``email``...) of the logged-in user.

    A plain ``dict`` so it can go into a session or JSON as it is; ``info.email``
    reads like ``info["email"]`` and gives ``None`` for an absent standard claim.
    """

    STANDARD_CLAIMS = frozenset(
        {
            "sub", "name", "given_name", "family_name", "middle_name", "nickname",
            "preferred_username", "profile", "picture", "website", "email",
            "email_verified", "gender", "birthdate", "zoneinfo", "locale",
            "phone_number", "phone_number_verified", "address", "updated_at",
        }
    )

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            if key in self.STANDARD_CLAIMS:
                return None
            raise AttributeError(key) from None

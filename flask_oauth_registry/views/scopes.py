"""Scopes as data: what a token was granted, what a login must ask for, what is still missing.

Pure functions over strings and tokens.  A scope difference between what was
asked and what was granted is data, never an exception (Google's granular consent
lets users uncheck scopes; see seed-apis.md section 5, items 5 and 6).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# RFC 6749 3.3 separates scopes with spaces; GitHub and Facebook answer with commas,
# and no real scope value contains one, so both separate.
_SEPARATORS = re.compile(r"[\s,]+")


def parse_scopes(value: Any) -> tuple[str, ...]:
    """Scopes from a ``scope`` string (``"a b"``, ``"a,b"``) or a list of them, in order, without repeats."""
    if not value:  # None, "", (): most checks name no scope
        return ()
    if isinstance(value, str):
        items: Iterable[Any] = _SEPARATORS.split(value)
    elif isinstance(value, Iterable):
        items = (part for item in value for part in _SEPARATORS.split(str(item)))
    else:
        return ()
    return merge_scopes(items)


def merge_scopes(*groups: Iterable[str]) -> tuple[str, ...]:
    """The union of ``groups``, first occurrence first; empty strings dropped."""
    seen: dict[str, None] = {}
    for group in groups:
        for scope in group:
            if scope:
                seen.setdefault(scope, None)
    return tuple(seen)


def granted_scopes(token: Mapping[str, Any] | None) -> frozenset[str]:
    """The scopes a token says it carries (its ``scope`` member); empty without a token."""
    if not token:
        return frozenset()
    return frozenset(parse_scopes(token.get("scope")))


def missing_scopes(granted: Iterable[str], wanted: Iterable[str]) -> tuple[str, ...]:
    """The scopes of ``wanted`` that ``granted`` lacks, in ``wanted``'s order."""
    have = set(granted)
    return tuple(scope for scope in merge_scopes(wanted) if scope not in have)


def record_granted_scopes(token: dict[str, Any], requested: Iterable[str]) -> None:
    """Give ``token`` a ``scope`` member: the provider's when it sent one, else what was requested.

    RFC 6749 5.1: a token response may leave ``scope`` out when it is identical to
    the scope requested; recording it makes the grant readable later.
    """
    if not parse_scopes(token.get("scope")):
        asked = merge_scopes(requested)
        if asked:
            token["scope"] = " ".join(asked)

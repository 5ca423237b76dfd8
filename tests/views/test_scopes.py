"""Scopes as data: parsing, the union a login asks for, what is missing, and what a token records."""

from __future__ import annotations

from typing import Any

import pytest

from flask_oauth_registry.views.scopes import (
    granted_scopes,
    merge_scopes,
    missing_scopes,
    parse_scopes,
    record_granted_scopes,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("openid email", ("openid", "email")),
        ("  openid\temail  ", ("openid", "email")),
        ("repo,gist", ("repo", "gist")),  # GitHub answers with commas
        (["openid", "email openid"], ("openid", "email")),
        (None, ()),
        ("", ()),
        (42, ()),
    ],
    ids=["spaces", "whitespace", "commas", "list", "none", "empty", "not-scopes"],
)
def test_scopes_parse_from_spaces_commas_and_lists(value: Any, expected: tuple[str, ...]) -> None:
    assert parse_scopes(value) == expected


def test_union_keeps_the_first_occurrence_order() -> None:
    assert merge_scopes(["openid", "email"], ["drive", "openid"], ["", "calendar"]) == (
        "openid", "email", "drive", "calendar",
    )


def test_missing_scopes_are_the_wanted_ones_not_granted() -> None:
    granted = granted_scopes({"scope": "openid drive"})
    assert missing_scopes(granted, ["drive", "calendar", "calendar"]) == ("calendar",)
    assert granted_scopes(None) == frozenset()


def test_a_token_keeps_the_scope_the_provider_granted() -> None:
    token: dict[str, Any] = {"access_token": "a", "scope": "openid"}
    record_granted_scopes(token, ["openid", "drive"])
    assert token["scope"] == "openid"


def test_a_token_without_scope_records_what_was_requested() -> None:
    token: dict[str, Any] = {"access_token": "a", "scope": ""}
    record_granted_scopes(token, ["openid", "drive"])
    assert token["scope"] == "openid drive"

"""``safe_return_path``: only paths on this site come back; every way to name another host ends at ``/``."""

from __future__ import annotations

import pytest

from flask_oauth_registry.views import safe_return_path

KEPT = [
    ("root", "/"),
    ("path", "/account"),
    ("path-and-query", "/drive?folder=1&sort=name"),
    ("fragment", "/docs#install"),
    ("encoded-query-url", "/search?u=https%3A%2F%2Fexample.org%2F"),
    ("query-with-plain-url", "/search?u=https://example.org/"),
    ("encoded-space", "/a%20b"),
    ("unicode-path", "/caf\u00e9"),
    ("encoded-single-slash-inside", "/a%2Fb"),
    ("dots", "/a/../b"),
    ("at-sign-in-path", "/@someone"),
    ("colon-in-later-segment", "/a/b:c"),
    ("javascript-as-a-path-segment", "/javascript:alert(1)"),
]

REFUSED = [
    ("none", None),
    ("empty", ""),
    ("not-a-string", b"/bytes"),
    ("relative", "account"),
    ("absolute-https", "https://evil.example/"),
    ("absolute-http-same-looking", "http://client.test.evil.example/"),
    ("scheme-relative", "//evil.example/"),
    ("triple-slash", "///evil.example/"),
    ("backslashes", "\\\\evil.example/"),
    ("slash-backslash", "/\\evil.example/"),
    ("backslash-inside", "/a\\b"),
    ("javascript-scheme", "javascript:alert(1)"),
    ("javascript-mixed-case", "JaVaScRiPt:alert(1)"),
    ("data-scheme", "data:text/html,<script>alert(1)</script>"),
    ("leading-space", " /account"),
    ("leading-space-scheme-relative", " //evil.example/"),
    ("tab-between-slashes", "/\t/evil.example/"),
    ("newline-between-slashes", "/\n/evil.example/"),
    ("carriage-return", "/\r/evil.example/"),
    ("nul", "/\x00/evil.example/"),
    ("del", "/\x7f"),
    ("line-separator", "/\u2028/evil.example/"),
    ("no-break-space", "/\u00a0/evil.example/"),
    ("encoded-tab", "/%09/evil.example/"),
    ("encoded-newline", "/%0a/evil.example/"),
    ("encoded-newline-upper", "/%0A/evil.example/"),
    ("encoded-carriage-return", "/%0d/evil.example/"),
    ("encoded-nul", "/%00"),
    ("encoded-header-injection", "/%0d%0aSet-Cookie:%20a=b"),
    ("encoded-slashes", "/%2f%2fevil.example/"),
    ("encoded-slashes-upper", "/%2F%2Fevil.example/"),
    ("encoded-second-slash", "/%2fevil.example/"),
    ("double-encoded-slashes", "/%252f%252fevil.example/"),
    ("triple-encoded-slashes", "/%25252f%25252fevil.example/"),
    ("encoded-backslash", "/%5cevil.example/"),
    ("encoded-backslash-upper", "/%5Cevil.example/"),
    ("double-encoded-backslash", "/%255cevil.example/"),
    ("not-utf8-encoding", "/%ff%fe"),
    ("deeply-encoded-slash", "/%25" + "25" * 6 + "2f"),
    ("overlong", "/" + "a" * 5000),
]


@pytest.mark.parametrize("value", [value for _, value in KEPT], ids=[case for case, _ in KEPT])
def test_paths_on_this_site_are_kept_as_given(value: str) -> None:
    assert safe_return_path(value) == value


@pytest.mark.parametrize("value", [value for _, value in REFUSED], ids=[case for case, _ in REFUSED])
def test_anything_that_could_leave_the_site_ends_at_the_root(value: object) -> None:
    assert safe_return_path(value) == "/"

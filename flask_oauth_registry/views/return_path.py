"""``safe_return_path``: where a user may be sent back to after a login: a path on this site, nothing else.

A return URL (``?next=``, the URL a ``required`` view was asked for) is attacker
input: a link such as ``/oauth/login/google?next=https://evil.example/`` must not
turn the site into an open redirect.  Only a path is accepted; everything a
browser, a proxy or a second decoding step could read as another host (``//host``,
``\\host``, ``/\\host``, a scheme, a tab or newline that browsers strip, and their
percent-encoded forms) ends at ``/``.  Pure: a string in, a string out.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

#: What every refused value becomes: the site's root.
FALLBACK = "/"
#: Longer values are refused: they would not fit in the login's flow state (a cookie) anyway.
MAX_LENGTH = 2048
#: Percent-decoding rounds tried; a value still changing after them is refused (layered encodings).
_MAX_DECODINGS = 4


def safe_return_path(value: object) -> str:
    """``value`` when it is a path on this site (``/account?tab=2``), else ``"/"``.

    Refused: anything that is not a string starting with ``/``; ``//host`` and
    ``/\\host`` (scheme-relative URLs, as browsers read them); any backslash;
    control and other non-printable characters (browsers drop tabs and newlines,
    so ``/\\t/host`` is ``//host``); a scheme or host; and all of these once the
    value is percent-decoded, repeatedly (``/%2f%2fhost``, ``/%5chost``, ``%0a``).
    """
    if not isinstance(value, str) or not value.startswith("/") or len(value) > MAX_LENGTH:
        return FALLBACK
    decoded = _fully_decoded(value)
    if decoded is None:
        return FALLBACK
    for form in (value, decoded):
        if not _is_plain_path(form):
            return FALLBACK
    return value


def _fully_decoded(value: str) -> str | None:
    """``value`` percent-decoded until it stops changing; ``None`` if it keeps changing or is not UTF-8."""
    current = value
    for _ in range(_MAX_DECODINGS):
        try:
            decoded = unquote(current, errors="strict")
        except UnicodeDecodeError:  # bytes that are not UTF-8: nothing a real link of this site holds
            return None
        if decoded == current:
            return current
        current = decoded
    return None


def _is_plain_path(form: str) -> bool:
    """Whether ``form`` is a path a browser resolves on this site."""
    if not form.startswith("/") or form.startswith("//") or "\\" in form:
        return False
    if not form.isprintable():  # control characters, line and paragraph separators, format characters
        return False
    try:
        parts = urlsplit(form)
    except ValueError:
        return False
    return not parts.scheme and not parts.netloc

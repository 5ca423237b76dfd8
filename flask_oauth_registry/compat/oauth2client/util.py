"""oauth2client 3.x's ``util``: the helpers that 3.x code imports (``positional``, scopes, ``dict_to_tuple_key``).

``positional_parameters_enforcement`` is read from :mod:`._helpers` (oauth2client 4's
``_helpers``): set it there to change what :func:`positional` does.
"""

from __future__ import annotations

from ._helpers import (
    POSITIONAL_EXCEPTION,
    POSITIONAL_IGNORE,
    POSITIONAL_SET,
    POSITIONAL_WARNING,
    dict_to_tuple_key,
    parse_unique_urlencoded,
    positional,
    positional_parameters_enforcement,
    scopes_to_string,
    string_to_scopes,
    update_query_params,
)

__all__ = [
    "POSITIONAL_EXCEPTION", "POSITIONAL_IGNORE", "POSITIONAL_SET", "POSITIONAL_WARNING", "dict_to_tuple_key",
    "parse_unique_urlencoded", "positional", "positional_parameters_enforcement", "scopes_to_string",
    "string_to_scopes", "update_query_params",
]

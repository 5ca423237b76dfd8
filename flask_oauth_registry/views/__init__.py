"""Flask ergonomics over the registry: ``required``, the ready routes and the error page (DESIGN 12.2-12.4).

The registry's extension wires these in at ``init_app``; the registry core never
imports this package.  Public names are re-exported here; the modules are details.
"""

from __future__ import annotations

from .blueprint import BLUEPRINT_NAME, make_blueprint
from .error_page import error_status
from .return_path import safe_return_path
from .session import AuthorizedSession

__all__ = ["BLUEPRINT_NAME", "AuthorizedSession", "error_status", "make_blueprint", "safe_return_path"]

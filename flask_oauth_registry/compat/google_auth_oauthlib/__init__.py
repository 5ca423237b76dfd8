"""google-auth-oauthlib's API over flask-oauth-registry: change ``google_auth_oauthlib`` in your imports.

``from flask_oauth_registry.compat.google_auth_oauthlib.flow import InstalledAppFlow``
and the rest of the code stays as it was.  The submodules are ``flow`` (``Flow``,
``InstalledAppFlow``), ``helpers``, ``interactive`` (``get_user_credentials``) and
``tool`` (the ``google-oauthlib-tool`` command).  Credentials are google-auth
objects: install the ``[google]`` extra.  See docs/migrating-google-auth-oauthlib.rst.
"""

from __future__ import annotations

from .interactive import get_user_credentials

__all__ = ["get_user_credentials"]

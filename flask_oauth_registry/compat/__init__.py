"""Compatibility facades for code written against oauth2client and google-auth-oauthlib (DESIGN 14).

Change ``from oauth2client...`` to ``from flask_oauth_registry.compat.oauth2client...``
(and ``google_auth_oauthlib`` likewise): the names, signatures, return types and file
formats stay those of the originals, while the flows, storage and refresh underneath
are this library's.  Nothing outside this package imports it, and importing it
loads nothing until a submodule is asked for.
"""

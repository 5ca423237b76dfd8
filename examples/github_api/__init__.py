"""GitHub-style OAuth 2.0 (no OpenID Connect): log in, then call the API with the user's token."""

from .app import create_app

__all__ = ["create_app"]

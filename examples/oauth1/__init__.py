"""Twitter-style OAuth 1.0a: temporary credentials, consent, token credentials, then signed API calls."""

from .app import create_app

__all__ = ["create_app"]

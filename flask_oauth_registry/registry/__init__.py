"""The registry and the remote apps: OAuth 1.0a, OAuth 2.0, OpenID Connect."""

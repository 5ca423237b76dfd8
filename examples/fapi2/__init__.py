"""A FAPI 2.0 client: the ``fapi2`` profile with PAR, DPoP and private_key_jwt against the dev provider."""

from .app import create_app

__all__ = ["create_app"]

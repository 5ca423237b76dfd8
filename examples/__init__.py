"""Runnable example apps for flask-oauth-registry; each folder has a README."""

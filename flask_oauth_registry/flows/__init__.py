"""Flows without a browser in the app (DESIGN 13): client secrets files, the loopback login, the device flow.

Each flow is one module; the remote app's façade methods (``run_local_server``...)
import them on first use.  This package imports nothing on its own, so that the
registry can read a client secrets file without loading the other flows.
"""

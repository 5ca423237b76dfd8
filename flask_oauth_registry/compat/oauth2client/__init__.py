"""The oauth2client 4.1.3 package, as a facade: its Google endpoint constants; the API lives in the submodules.

``from flask_oauth_registry.compat.oauth2client import client, file, tools`` replaces
``from oauth2client import client, file, tools``.  What each submodule provides, and
what it does differently on purpose, is in its docstring and in the migration guide.
"""

#: The oauth2client release whose public API these modules follow.
__version__ = "4.1.3"

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_DEVICE_URI = "https://oauth2.googleapis.com/device/code"
GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
GOOGLE_TOKEN_INFO_URI = "https://oauth2.googleapis.com/tokeninfo"

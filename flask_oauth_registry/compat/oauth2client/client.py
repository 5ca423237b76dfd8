"""oauth2client's ``client`` module: credentials, flows, storage base, errors and constants.

``from flask_oauth_registry.compat.oauth2client import client`` replaces
``from oauth2client import client``.  The classes live in private modules of this
package and are re-exported here under their oauth2client names; see
:mod:`._oauth2_credentials` and :mod:`._web_flow` for what differs on purpose.

Errors: every exception here is a subclass of ``client.Error`` as before, and
also of :class:`flask_oauth_registry.OAuthError`, so a Flask app's OAuthError
handler (or the library's error page) answers them instead of a 500.

Not provided: application default credentials (``GoogleCredentials.get_application_default``
raises :class:`ApplicationDefaultCredentialsError` saying what to use instead),
Compute Engine and App Engine credentials, and ``SignedJwtAssertionCredentials``
(removed in oauth2client 2.0: use :mod:`.service_account`).
"""

from __future__ import annotations

from typing import Any, NoReturn

from . import (
    GOOGLE_AUTH_URI,
    GOOGLE_DEVICE_URI,
    GOOGLE_REVOKE_URI,
    GOOGLE_TOKEN_INFO_URI,
    GOOGLE_TOKEN_URI,
)
from ._base import EXPIRY_FORMAT, AccessTokenInfo, Credentials, Storage
from ._base import utcnow as _UTCNOW  # noqa: N812 (oauth2client's name)
from ._errors import (
    AccessTokenCredentialsError,
    AccessTokenRefreshError,
    ApplicationDefaultCredentialsError,
    CryptoUnavailableError,
    Error,
    FlowExchangeError,
    HttpAccessTokenRefreshError,
    NonAsciiHeaderError,
    OAuth2DeviceCodeError,
    TokenRevokeError,
    UnknownClientSecretsFlowError,
    UnknownCredentialsTypeError,
    VerifyJwtTokenError,
)
from ._id_tokens import CLOCK_SKEW_SECS, ID_TOKEN_ISSUERS, ID_TOKEN_VERIFICATION_CERTS, id_token_claims, verify_id_token
from ._id_tokens import extract_id_token as _extract_id_token
from ._oauth2_credentials import EXPIRY_SKEW, AccessTokenCredentials, AssertionCredentials, OAuth2Credentials
from ._oauth2_credentials import parse_token_response as _parse_exchange_token_response
from ._web_flow import (
    DEVICE_CODE_GRANT,
    DeviceFlowInfo,
    Flow,
    OAuth2WebServerFlow,
    credentials_from_clientsecrets_and_code,
    credentials_from_code,
    flow_from_clientsecrets,
)
from .transport import REFRESH_STATUS_CODES

#: The redirect URI of the out-of-band (copy and paste) flow.  Google stopped accepting it in 2022-2023.
OOB_CALLBACK_URN = "urn:ietf:wg:oauth:2.0:oob"
#: The ``type`` of an authorized-user credentials file.
AUTHORIZED_USER = "authorized_user"
#: The ``type`` of a service-account key file.
SERVICE_ACCOUNT = "service_account"
#: The environment variable of application default credentials (not read by this facade).
GOOGLE_APPLICATION_CREDENTIALS = "GOOGLE_APPLICATION_CREDENTIALS"

_ADC_MESSAGE = (
    "application default credentials are not provided by flask_oauth_registry.compat.oauth2client: "
    "use google-auth (google.auth.default()), or ServiceAccountCredentials.from_json_keyfile_name() "
    "with a key file"
)


class GoogleCredentials(OAuth2Credentials):
    """oauth2client's application-default credentials: only their JSON is read (as :class:`OAuth2Credentials`).

    Finding credentials in the environment, on Compute Engine or App Engine is
    not provided: :meth:`get_application_default` says what to use instead.
    """

    @staticmethod
    def get_application_default() -> NoReturn:
        """Not provided: raises :class:`ApplicationDefaultCredentialsError` naming the replacement."""
        raise ApplicationDefaultCredentialsError(_ADC_MESSAGE)

    @staticmethod
    def from_stream(credential_filename: Any) -> NoReturn:
        """Not provided: raises :class:`ApplicationDefaultCredentialsError` naming the replacement."""
        raise ApplicationDefaultCredentialsError(_ADC_MESSAGE)


__all__ = [
    "AUTHORIZED_USER",
    "CLOCK_SKEW_SECS",
    "DEVICE_CODE_GRANT",
    "EXPIRY_FORMAT",
    "EXPIRY_SKEW",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_AUTH_URI",
    "GOOGLE_DEVICE_URI",
    "GOOGLE_REVOKE_URI",
    "GOOGLE_TOKEN_INFO_URI",
    "GOOGLE_TOKEN_URI",
    "ID_TOKEN_ISSUERS",
    "ID_TOKEN_VERIFICATION_CERTS",
    "OOB_CALLBACK_URN",
    "REFRESH_STATUS_CODES",
    "SERVICE_ACCOUNT",
    "AccessTokenCredentials",
    "AccessTokenCredentialsError",
    "AccessTokenInfo",
    "AccessTokenRefreshError",
    "ApplicationDefaultCredentialsError",
    "AssertionCredentials",
    "Credentials",
    "CryptoUnavailableError",
    "DeviceFlowInfo",
    "Error",
    "Flow",
    "FlowExchangeError",
    "GoogleCredentials",
    "HttpAccessTokenRefreshError",
    "NonAsciiHeaderError",
    "OAuth2Credentials",
    "OAuth2DeviceCodeError",
    "OAuth2WebServerFlow",
    "Storage",
    "TokenRevokeError",
    "UnknownClientSecretsFlowError",
    "UnknownCredentialsTypeError",
    "VerifyJwtTokenError",
    "_UTCNOW",
    "_extract_id_token",
    "_parse_exchange_token_response",
    "credentials_from_clientsecrets_and_code",
    "credentials_from_code",
    "flow_from_clientsecrets",
    "id_token_claims",
    "verify_id_token",
]

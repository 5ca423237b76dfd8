"""oauthlib's device authorization grant (RFC 8628), adapted to the dev provider.

oauthlib (4.0 and later) has the device authorization endpoint and the ``device_code``
token grant.  Two things are added here: a client that authenticates with HTTP Basic
may leave ``client_id`` out of the device authorization request (RFC 8628 3.1 asks it
only of clients that do not authenticate; oauthlib wants it always), and the token
response carries an ID token when ``openid`` was granted, as after a login
(oauthlib's device grant mints none).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc8628.endpoints import DeviceAuthorizationEndpoint
from oauthlib.oauth2.rfc8628.grant_types import DeviceCodeGrant

from .client_auth import basic_credentials
from .device_codes import new_user_code
from .settings import DEVICE_CODE_GRANT, ProviderSettings

#: The path of the verification page; ``verification_uri_complete`` adds ``?user_code=``.
VERIFICATION_PATH = "/device"


class DevDeviceCodeGrant(DeviceCodeGrant):
    """The ``device_code`` grant: oauthlib's, plus Basic-only clients and an ID token for ``openid``."""

    def validate_device_authorization_request(self, request: Any) -> None:
        """oauthlib's checks, once ``client_id`` is taken from the Basic credentials when the form has none.

        The client must also be allowed the device grant (``unauthorized_client``).
        """
        credentials = basic_credentials(request)
        if not request.client_id and credentials:
            request.client_id = credentials[0]
        super().validate_device_authorization_request(request)
        if not self.request_validator.validate_grant_type(request.client_id, DEVICE_CODE_GRANT, request.client,
                                                          request):
            raise errors.UnauthorizedClientError(request=request)

    def create_token_response(self, request: Any, token_handler: Any) -> tuple[dict[str, str], str, int]:
        """oauthlib's token response, with an ID token when ``openid`` was granted (signed by the validator)."""
        headers = self._get_default_headers()
        try:
            self.validate_token_request(request)
        except errors.OAuth2Error as exc:
            headers.update(exc.headers)
            return headers, exc.json, exc.status_code
        token = token_handler.create_token(request, self.refresh_token)
        if "openid" in (request.scopes or []):
            token["id_token"] = self.request_validator.finalize_id_token({}, token, token_handler, request)
        self.request_validator.save_token(token, request)
        return headers, json.dumps(token), 200


class DevDeviceAuthorizationEndpoint(DeviceAuthorizationEndpoint):
    """The device authorization endpoint, its verification URI following the issuer (derived per request)."""

    def __init__(self, request_validator: Any, settings: ProviderSettings, issuer: Callable[[], str]) -> None:
        super().__init__(
            request_validator,
            verification_uri=VERIFICATION_PATH,
            expires_in=settings.device_code_ttl,
            interval=settings.device_interval,
            user_code_generator=new_user_code,
        )
        self.device_code_grant = DevDeviceCodeGrant(request_validator)
        self._issuer = issuer

    @property
    def verification_uri(self) -> str:
        """``{issuer}/device``, where the user enters the code."""
        return self._issuer() + VERIFICATION_PATH

    def verification_uri_complete(self, user_code: str) -> str:
        """The verification page with the code filled in."""
        return f"{self.verification_uri}?user_code={user_code}"

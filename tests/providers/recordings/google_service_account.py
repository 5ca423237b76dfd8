"""Google service accounts: the JWT-bearer grant with a key file, from Google's server-to-server OAuth guide."""

from cryptography.hazmat.primitives import serialization

from tests.fakes.keys import rsa_key
from tests.providers.recording import Recording

_PEM = rsa_key("service-account").private_key.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()

RECORDING = Recording(
    options={
        "service_account_info": {
            "type": "service_account", "project_id": "sample-project", "private_key_id": "sample-key-id",
            "private_key": _PEM, "client_email": "robot@sample-project.iam.gserviceaccount.com",
            "client_id": "1000000000001", "token_uri": "https://oauth2.googleapis.com/token",
        },
        "scopes": ["https://www.googleapis.com/auth/cloud-platform"],
    },
    flow="jwt_bearer",
    authorize_endpoint="",
    token_endpoint="https://oauth2.googleapis.com/token",
    token_answer={"access_token": "ya29.c.sample", "expires_in": 3599, "token_type": "Bearer"},
    claims={},
)

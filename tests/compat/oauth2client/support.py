"""Test helpers for the oauth2client facade: an httplib2-like HTTP object, files as oauth2client wrote them, keys."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from flask_oauth_registry.compat.oauth2client.transport import HttpResponse

TOKEN_URI = "https://oauth2.googleapis.com/token"
REVOKE_URI = "https://oauth2.googleapis.com/revoke"
API_URL = "https://www.googleapis.com/drive/v3/files"

#: What oauth2client 4.1.3's ``OAuth2Credentials.to_json()`` wrote: ``json.dumps`` of the instance ``__dict__``
#: (in attribute order, ``store`` stripped), then ``token_expiry``, ``_class`` and ``_module``.
ORIGINAL_CREDENTIALS_JSON = (
    '{"access_token": "ya29.old-access", "client_id": "123.apps.googleusercontent.com", '
    '"client_secret": "s3cr3t-client", "refresh_token": "1//refresh-me", '
    '"token_expiry": "2030-01-02T03:04:05Z", "token_uri": "https://oauth2.googleapis.com/token", '
    '"user_agent": "app/1.0", "revoke_uri": "https://oauth2.googleapis.com/revoke", '
    '"id_token": {"sub": "123", "email": "u@example.com"}, "id_token_jwt": "a.b.c", '
    '"token_response": {"access_token": "ya29.old-access", "expires_in": 3599}, '
    '"scopes": ["email", "profile"], "token_info_uri": "https://oauth2.googleapis.com/tokeninfo", '
    '"invalid": false, "_class": "OAuth2Credentials", "_module": "oauth2client.client"}'
)


@dataclass
class Sent:
    uri: str
    method: str
    body: Any
    headers: dict[Any, Any]


@dataclass
class FakeHttp:
    """An ``httplib2.Http`` stand-in: answers from a script (status, body) and records what was sent."""

    script: list[tuple[int, Any]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)

    def request(self, uri: str, method: str = "GET", body: Any = None, headers: Mapping[Any, Any] | None = None,
                redirections: int = 5, connection_type: Any = None) -> tuple[HttpResponse, bytes]:
        read = body.read() if hasattr(body, "read") else body
        self.sent.append(Sent(uri, method, read, dict(headers or {})))
        status, content = self.script.pop(0) if self.script else (200, b"")
        if isinstance(content, dict):
            content = json.dumps(content).encode()
        return HttpResponse(status, {"Content-Type": "application/json"}), content


def header(sent: Sent, name: str) -> str | None:
    """A header of a sent request, whatever the case or bytes-ness of its name."""
    for key, value in sent.headers.items():
        text = key.decode() if isinstance(key, bytes) else key
        if text.lower() == name.lower():
            return value.decode() if isinstance(value, bytes) else str(value)
    return None


def in_an_hour() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(hours=1)


def self_signed_certificate(key: rsa.RSAPrivateKey, name: str = "test") -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256())
    )


def certificate_pem(key: rsa.RSAPrivateKey) -> str:
    return self_signed_certificate(key).public_bytes(serialization.Encoding.PEM).decode()


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def p12_bytes(key: rsa.RSAPrivateKey, password: bytes = b"notasecret") -> bytes:
    """A ``.p12`` as the Google console made them: the key and its certificate, under ``notasecret``."""
    return pkcs12.serialize_key_and_certificates(
        b"privatekey", key, self_signed_certificate(key), None, serialization.BestAvailableEncryption(password)
    )

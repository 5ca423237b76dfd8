"""``IdTokenVerifier``: the ID-token checks of OpenID Connect Core 3.1.3.7, with pyjwt.

Pure: it takes the token, the provider's keys (a list of ``PyJWK``) and what the
client expects, and returns the claims or raises :class:`InvalidIdTokenError`
naming the failed check.  Which keys to hand it is the caller's business: the
caller reads the token's header first (:meth:`IdTokenVerifier.read_header`) and
asks the JWKS cache, with its unknown-kid policy, for the keys of that ``kid``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import jwt
from jwt import PyJWK
from jwt.exceptions import InvalidSubjectError

from .errors import BadResponseError, ConfigurationError, InvalidIdTokenError

_HMAC_ALGS = frozenset({"HS256", "HS384", "HS512"})
_KEY_TYPE_FOR_ALG = {
    "RS256": "RSA", "RS384": "RSA", "RS512": "RSA",
    "PS256": "RSA", "PS384": "RSA", "PS512": "RSA",
    "ES256": "EC", "ES384": "EC", "ES512": "EC", "ES256K": "EC",
    "EdDSA": "OKP", "Ed25519": "OKP",
}
_CURVE_FOR_ALG = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521", "ES256K": "secp256k1"}
_MAX_SUB_LENGTH = 255  # OIDC Core 2: sub "MUST NOT exceed 255 ASCII characters in length"

_PYJWT_CHECKS: list[tuple[type[Exception], str]] = [
    (jwt.InvalidIssuerError, "iss"),
    (jwt.InvalidAudienceError, "aud"),
    (InvalidSubjectError, "sub"),
    (jwt.ExpiredSignatureError, "exp"),
    (jwt.InvalidSignatureError, "signature"),
    (jwt.InvalidAlgorithmError, "alg"),
    (jwt.DecodeError, "format"),
]


def key_matches_alg(key: PyJWK, alg: str) -> bool:
    """Whether a JWK may verify ``alg``: right key type, curve, ``use`` and ``alg`` member."""
    data = getattr(key, "_jwk_data", {})
    if data.get("use") not in (None, "sig"):
        return False
    if data.get("alg") not in (None, alg):
        return False
    if key.key_type != _KEY_TYPE_FOR_ALG.get(alg):
        return False
    curve = _CURVE_FOR_ALG.get(alg)
    return curve is None or data.get("crv") == curve


def select_keys(keys: Iterable[PyJWK], kid: str | None, alg: str) -> list[Any]:
    """The key material of ``keys`` that may verify a token with this ``kid`` (any, when it has none) and ``alg``."""
    return [k.key for k in keys if (kid is None or k.key_id == kid) and key_matches_alg(k, alg)]


@dataclass(frozen=True)
class TokenHeader:
    """What a signed token's header says about its key: the ``kid`` (``None`` when absent) and the ``alg``."""

    kid: str | None
    alg: str

    @property
    def uses_published_keys(self) -> bool:
        """Whether the provider's JWKS holds the key: not for MAC algorithms (the client secret is the key)."""
        return self.alg in _KEY_TYPE_FOR_ALG


def read_header(token: Any, algorithms: list[str]) -> TokenHeader:
    """The unverified header of a JWS in compact form, after checking its ``alg`` is one of ``algorithms``.

    Never ``none``, whatever ``algorithms`` say.
    """
    if not isinstance(token, str) or token.count(".") != 2:
        raise InvalidIdTokenError(check="format", description="not a signed JWT")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise InvalidIdTokenError(check="format", description="the header cannot be decoded") from None
    alg = header.get("alg")
    if not isinstance(alg, str) or alg == "none" or alg not in algorithms:
        raise InvalidIdTokenError(
            check="alg", description=f"algorithm {alg!r} is not accepted (expected one of {algorithms})"
        )
    kid = header.get("kid")
    return TokenHeader(kid if isinstance(kid, str) else None, alg)


def left_half_hash(value: str, alg: str) -> str:
    """``at_hash``/``c_hash``: base64url of the left half of the alg's hash of ``value``."""
    if alg in ("EdDSA", "Ed25519"):
        digest = hashlib.sha512(value.encode()).digest()
    else:
        digest = jwt.get_algorithm_by_name(alg).compute_hash_digest(value.encode())
    half = digest[: len(digest) // 2]
    return base64.urlsafe_b64encode(half).rstrip(b"=").decode()


@dataclass
class IdTokenVerifier:
    """What a client expects of every ID token it receives from one issuer."""

    client_id: str
    issuer: str
    algorithms: list[str] = field(default_factory=lambda: ["RS256"])
    client_secret: str | None = None
    leeway: int = 60
    #: Audiences besides ``client_id`` that may appear in ``aud`` (OIDC Core 3.1.3.7 step 3).
    trusted_audiences: Collection[str] = ()

    def read_header(self, id_token: Any) -> TokenHeader:
        """The ID token's ``kid`` and ``alg``, unverified; refuses a malformed token or an algorithm not accepted.

        The caller uses it to choose the keys to hand :meth:`verify`.
        """
        return read_header(id_token, self.algorithms)

    def verify(
        self,
        id_token: str,
        keys: Iterable[PyJWK],
        *,
        nonce: str | None = None,
        access_token: str | None = None,
        max_age: int | None = None,
        claims_options: Mapping[str, Mapping[str, Any]] | None = None,
        now: float | None = None,
        header: TokenHeader | None = None,
    ) -> dict[str, Any]:
        """Verify signature and claims; return the claims.

        ``keys`` are the provider's keys that may have signed the token: those
        matching its ``kid`` (every one when it has none) and its algorithm's key
        type are tried; MAC algorithms use the client secret instead.  ``nonce``,
        ``access_token`` (for ``at_hash``) and ``max_age`` are what the client sent
        or received; ``now`` (epoch seconds) stands in for the clock.  ``header`` is
        what :meth:`read_header` returned for this token, when the caller has read
        it already (it is not parsed twice; the signature check still binds its ``alg``).
        """
        if header is None or header.alg == "none" or header.alg not in self.algorithms:
            header = self.read_header(id_token)
        claims = self._decode(id_token, header, keys)
        self._check_claims(claims, header.alg, nonce, access_token, max_age, now)
        if claims_options:
            self._check_options(claims, claims_options)
        return claims

    def _candidate_keys(self, header: TokenHeader, keys: Iterable[PyJWK]) -> list[Any]:
        alg = header.alg
        if alg in _HMAC_ALGS:
            # OIDC Core 10.1: MAC algorithms use the client secret, never a published key.
            if not self.client_secret:
                raise InvalidIdTokenError(
                    check="alg", description=f"{alg} needs the client secret, and this client has none"
                )
            return [self.client_secret.encode()]
        if not header.uses_published_keys:
            raise InvalidIdTokenError(check="alg", description=f"algorithm {alg!r} is not supported")
        found = select_keys(keys, header.kid, alg)
        if not found:
            raise InvalidIdTokenError(
                check="kid", description="no key of the provider matches the token's kid and algorithm"
            )
        return found

    def _decode(self, id_token: str, header: TokenHeader, keys: Iterable[PyJWK]) -> dict[str, Any]:
        alg = header.alg
        candidates = self._candidate_keys(header, keys)
        # Time claims are checked by _check_times against ``now``; pyjwt would read the clock itself.
        options: Any = {
            "require": ["iss", "sub", "aud", "exp", "iat"],
            "verify_exp": False, "verify_iat": False, "verify_nbf": False,
        }
        last: Exception | None = None
        for key in candidates:
            try:
                return jwt.decode(
                    id_token, key=key, algorithms=[alg], audience=self.client_id,
                    issuer=self.issuer, options=options,
                )
            except jwt.InvalidSignatureError as exc:
                last = exc
            except jwt.MissingRequiredClaimError as exc:
                raise InvalidIdTokenError(check=exc.claim, description=f"the {exc.claim} claim is missing") from None
            except jwt.PyJWTError as exc:
                for kind, check in _PYJWT_CHECKS:
                    if isinstance(exc, kind):
                        raise InvalidIdTokenError(check=check, description=_describe(check)) from None
                raise InvalidIdTokenError(check="format", description="the token cannot be decoded") from None
        raise InvalidIdTokenError(check="signature", description="the signature does not verify") from last

    def _check_claims(
        self, claims: dict[str, Any], alg: str, nonce: str | None,
        access_token: str | None, max_age: int | None, now: float | None,
    ) -> None:
        now = time.time() if now is None else now
        self._check_times(claims, now)
        check_subject(claims["sub"])
        self._check_audience(claims)
        if nonce is not None:
            token_nonce = claims.get("nonce")
            if not isinstance(token_nonce, str) or not hmac.compare_digest(token_nonce.encode(), nonce.encode()):
                raise InvalidIdTokenError(check="nonce", description="the nonce does not match the one sent")
        at_hash = claims.get("at_hash")
        if (
            at_hash is not None and access_token
            and not hmac.compare_digest(str(at_hash).encode(), left_half_hash(access_token, alg).encode())
        ):
            raise InvalidIdTokenError(check="at_hash", description="the access token does not match at_hash")
        if max_age is not None:
            auth_time = claims.get("auth_time")
            if not _is_number(auth_time):
                raise InvalidIdTokenError(
                    check="auth_time", description="auth_time is required, a finite number, when max_age was sent"
                )
            if auth_time + int(max_age) + self.leeway < now:
                raise InvalidIdTokenError(
                    check="auth_time", description="the user authenticated longer ago than max_age"
                )

    def _check_audience(self, claims: dict[str, Any]) -> None:
        """No audience this client does not trust (pyjwt checked that ``client_id`` is one); ``azp`` is us."""
        aud = claims["aud"]
        audiences = aud if isinstance(aud, list) else [aud]
        if any(a != self.client_id and a not in self.trusted_audiences for a in audiences):
            raise InvalidIdTokenError(
                check="aud", description="the token is also meant for an audience this client does not trust "
                "(client_kwargs['trusted_audiences'] lists the ones it may)",
            )
        azp = claims.get("azp")
        if (len(audiences) > 1 or azp is not None) and azp != self.client_id:
            raise InvalidIdTokenError(check="azp", description="the authorized party is not this client")

    def _check_times(self, claims: dict[str, Any], now: float) -> None:
        """``exp``, ``iat`` (and ``nbf`` when present) against ``now``, within ``leeway``.

        Each must be a finite number: JSON parsers accept ``NaN`` and ``Infinity``,
        and an ``exp`` of ``NaN`` or ``Infinity`` would make a token that never expires.
        """
        exp, iat, nbf = claims.get("exp"), claims.get("iat"), claims.get("nbf")
        if not _is_number(exp):
            raise InvalidIdTokenError(check="exp", description="the exp claim is not a finite number")
        if exp <= now - self.leeway:
            raise InvalidIdTokenError(check="exp", description=_describe("exp"))
        if not _is_number(iat) or iat > now + self.leeway:
            raise InvalidIdTokenError(check="iat", description=_describe("iat"))
        if nbf is not None and (not _is_number(nbf) or nbf > now + self.leeway):
            raise InvalidIdTokenError(check="nbf", description="the token is not valid yet (nbf)")

    @staticmethod
    def _check_options(claims: dict[str, Any], options: Mapping[str, Mapping[str, Any]]) -> None:
        """Authlib-style ``claims_options``: extra checks; they can never remove ours."""
        for name, rule in options.items():
            value = claims.get(name)
            if rule.get("essential") and value in (None, ""):
                raise InvalidIdTokenError(check=name, description=f"the essential {name} claim is missing")
            if value is None:
                continue
            if "value" in rule and value != rule["value"]:
                raise InvalidIdTokenError(check=name, description=f"the {name} claim has an unexpected value")
            if "values" in rule and value not in rule["values"]:
                raise InvalidIdTokenError(check=name, description=f"the {name} claim has an unexpected value")
            validate = rule.get("validate")
            if callable(validate) and not validate(claims, value):
                raise InvalidIdTokenError(check=name, description=f"the {name} claim failed validation")


def read_userinfo_header(
    value: str, *, algorithms: list[str], client_id: str | None, issuer: str | None
) -> TokenHeader:
    """The ``kid`` and ``alg`` of a signed userinfo answer, after the checks that need no key.

    The answer is checked against the issuer and client id, so both must be
    known; it must be a decodable JWT; MAC algorithms and ``none`` are refused.
    """
    if not issuer or not client_id:
        raise ConfigurationError(
            description="a signed userinfo answer is checked against the issuer and client_id: "
            "set client_id and server_metadata_url (or issuer=)"
        )
    try:
        header = jwt.get_unverified_header(value)
        jwt.decode(value, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise BadResponseError(description="the signed userinfo answer cannot be decoded") from None
    alg = header.get("alg")
    if not isinstance(alg, str) or alg == "none" or alg not in algorithms or alg in _HMAC_ALGS:
        raise InvalidIdTokenError(check="alg", description=f"userinfo algorithm {alg!r} is not accepted")
    kid = header.get("kid")
    return TokenHeader(kid if isinstance(kid, str) else None, alg)


def verify_signed_userinfo(
    value: str, keys: Iterable[PyJWK], *, algorithms: list[str], client_id: str | None, issuer: str | None
) -> dict[str, Any]:
    """OIDC Core 5.3.2: a signed userinfo answer must verify with one of the provider's ``keys``.

    It must carry ``iss`` (the issuer), ``aud`` (naming this client) and a valid
    ``sub``; see :func:`read_userinfo_header` for the checks made first.
    """
    header = read_userinfo_header(value, algorithms=algorithms, client_id=client_id, issuer=issuer)
    alg = header.alg
    candidates = select_keys(keys, header.kid, alg)
    options: Any = {"require": ["iss", "aud", "sub"]}
    for key in candidates:
        try:
            claims = jwt.decode(value, key=key, algorithms=[alg], audience=client_id, issuer=issuer, options=options)
        except jwt.InvalidSignatureError:
            continue
        except jwt.MissingRequiredClaimError as exc:
            raise InvalidIdTokenError(
                check=exc.claim, description=f"the signed userinfo answer has no {exc.claim} claim"
            ) from None
        except jwt.PyJWTError as exc:
            check = next((name for kind, name in _PYJWT_CHECKS if isinstance(exc, kind)), "format")
            raise InvalidIdTokenError(
                check=check, description=f"the signed userinfo answer failed the {check} check"
            ) from None
        check_subject(claims["sub"])
        return claims
    raise InvalidIdTokenError(check="signature", description="the signed userinfo answer does not verify")


def check_subject(sub: Any) -> None:
    """OIDC Core 2: ``sub`` is a non-empty string of at most 255 characters."""
    if not isinstance(sub, str) or not sub or len(sub) > _MAX_SUB_LENGTH:
        raise InvalidIdTokenError(check="sub", description="the sub claim is not a string of 1 to 255 characters")


def _is_number(value: Any) -> TypeGuard[float]:
    """A finite JSON number (not a bool, not ``NaN`` or an infinity)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _describe(check: str) -> str:
    return {
        "exp": "the token has expired",
        "iat": "the token's iat is missing, malformed or in the future",
        "iss": "the issuer is not the expected one",
        "aud": "the audience does not include this client",
        "sub": "the sub claim is not a string of 1 to 255 characters",
        "signature": "the signature does not verify",
        "alg": "the algorithm is not accepted",
        "format": "the token cannot be decoded",
    }[check]

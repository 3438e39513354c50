"""The tool's RSA keys: generated on first use, rotated with an overlap, published as a JWKS."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import transaction
from django.db.models import Q
from jwt.algorithms import RSAAlgorithm

from .. import clock
from ..models import LtiKey

KEY_BITS = 2048


def _new_key() -> LtiKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    kid = secrets.token_hex(16)
    jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return LtiKey.objects.create(kid=kid, private_key_pem=pem, public_jwk=jwk)


def live_keys():
    """Keys still published: never rotated out, or inside their overlap."""
    return LtiKey.objects.filter(Q(retires_at__isnull=True) | Q(retires_at__gt=clock.now()))


def signing_key() -> LtiKey:
    """The newest live key that is not retiring; made on first use."""
    key = live_keys().filter(retires_at__isnull=True).first()
    if key is None:
        with transaction.atomic():
            key = live_keys().filter(retires_at__isnull=True).select_for_update().first()
            if key is None:
                key = _new_key()
    return key


def public_jwks() -> dict:
    """The JWKS platforms fetch to check what the tool signed."""
    signing_key()
    return {"keys": [key.public_jwk for key in live_keys()]}


def rotate(*, overlap: timedelta) -> tuple[LtiKey, list[LtiKey]]:
    """Add a new signing key; current keys stay published for `overlap`, then retire."""
    with transaction.atomic():
        retiring = list(live_keys().filter(retires_at__isnull=True).select_for_update())
        retires_at = clock.now() + overlap
        for key in retiring:
            key.retires_at = retires_at
            key.save(update_fields=["retires_at"])
        return _new_key(), retiring

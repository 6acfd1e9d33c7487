"""ProdManager's tokens (reference §1.2, FACE-11): HS256 JSON Web Tokens signed and checked with the standard
library. A token is checked as PyJWT checks it for ProdManager (claims iss, exp and nbf required, the issuer
compared, aud not checked) and then for ProdManager's own `version`; each refusal is PyJWT's text."""
import base64
import binascii
import hashlib
import hmac
import json
import math

ALGORITHM = "HS256"
VERSION = 1
REQUIRED = ("iss", "exp", "nbf")            # in the order their absence is reported
HEADER = {"alg": ALGORITHM, "typ": "JWT"}
BAD_SIGNATURE = "Signature verification failed"
NOT_AN_INTEGER = {"iat": "Issued At claim (iat) must be an integer.",
                  "nbf": "Not Before claim (nbf) must be an integer.",
                  "exp": "Expiration Time claim (exp) must be an integer."}


class Invalid(Exception):
    """A token refused; reason is the text ProdManager answers with."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def sign(claims, key):
    """The compact token of claims (a dict), keys in the given order, as PyJWT writes it."""
    signing_input = f"{encode_part(HEADER)}.{encode_part(claims)}"
    return f"{signing_input}.{encode(signature(signing_input, key))}"


def verify(token, key, issuer, now):
    """The claims of a token signed with key by issuer and valid at now (an aware datetime); Invalid else.
    The steps and their order are PyJWT's: every part decoded, the header, the signature, the claims."""
    header_text, payload_text, signature_text = split(token)
    header = json_object(decoded(header_text, "header"), "header")
    payload, given_signature = decoded(payload_text, "payload"), decoded(signature_text, "crypto")
    check_header(header)
    if not hmac.compare_digest(signature(f"{header_text}.{payload_text}", key), given_signature):
        raise Invalid(BAD_SIGNATURE)
    claims = json_object(payload, "payload")
    check_claims(claims, issuer, now.timestamp())
    if type(claims.get("version")) is not int or claims["version"] != VERSION:
        raise Invalid(f"Token version is expired. expected : {VERSION}")
    return claims


def split(token):
    signing_input, dot, signature_text = token.rpartition(".")
    header_text, dot_again, payload_text = signing_input.partition(".")
    if not dot or not dot_again:
        raise Invalid("Not enough segments")
    return header_text, payload_text, signature_text


def check_header(header):
    """Only HS256, and no extension the token would need understood (crit)."""
    if "kid" in header and not isinstance(header["kid"], str):
        raise Invalid("Key ID header parameter must be a string")
    if "crit" in header:
        names = header["crit"]
        named = names[0] if isinstance(names, list) and names and isinstance(names[0], str) else None
        raise Invalid(f"Unsupported critical extension: {named}" if named else "Invalid 'crit' header parameter")
    if "alg" not in header:
        raise Invalid("Algorithm not specified")
    if header["alg"] != ALGORITHM:
        raise Invalid("The specified alg value is not allowed")


def check_claims(claims, issuer, now):
    for name in REQUIRED:
        if claims.get(name) is None:
            raise Invalid(f'Token is missing the "{name}" claim')
    moments = {name: whole_seconds(claims, name) for name in ("iat", "nbf", "exp") if name in claims}
    if moments.get("iat", -math.inf) > now:
        raise Invalid("The token is not yet valid (iat)")
    if moments["nbf"] > now:
        raise Invalid("The token is not yet valid (nbf)")
    if moments["exp"] <= now:
        raise Invalid("Signature has expired")
    if not isinstance(claims["iss"], str):
        raise Invalid("Payload Issuer (iss) must be a string")
    if claims["iss"] != issuer:
        raise Invalid("Invalid issuer")
    if "sub" in claims and not isinstance(claims["sub"], str):
        raise Invalid("Subject must be a string")
    if "jti" in claims and not isinstance(claims["jti"], str):
        raise Invalid("JWT ID must be a string")


def whole_seconds(claims, name):
    """A NumericDate claim as PyJWT reads it (int(), so 12.7 is 12); numbers only, where PyJWT also reads
    digits in a string."""
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise Invalid(NOT_AN_INTEGER[name])
    return int(value)


def signature(signing_input, key):
    return hmac.new(key.encode("utf-8"), signing_input.encode("utf-8"), hashlib.sha256).digest()


def encode_part(value):
    return encode(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def encode(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decoded(text, part):
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise Invalid(f"Invalid {part} padding") from None


def json_object(raw, part):
    """The JSON object of the header or the payload; what else they hold is not repeated to the caller."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        value = None
    if not isinstance(value, dict):
        raise Invalid(f"Invalid {part} string: must be a json object")
    return value

"""The media catalogue, their settings schemas and address checks (MED-1…MED-3, DST-4, DST-5, PHN-2)."""
import re

import phonenumbers

from ..fields import check_text

MEDIA_NAMES = {"email": "Email", "sms": "SMS"}          # MED-1, by slug
SETTING_KEYS = {"email": "email_address", "sms": "phone_number"}

JSON_SCHEMAS = {
    "email": {"title": "Email Settings", "description": "Settings for a DestinationConfig using email.",
              "type": "object", "required": ["email_address"],
              "properties": {"email_address": {"type": "string", "title": "Email address"}}},
    "sms": {"title": "SMS Settings", "description": "Settings for a DestinationConfig using SMS.",
            "type": "object", "required": ["phone_number"],
            "properties": {"phone_number": {
                "type": "string", "title": "Phone number",
                "description": "The phone number is validated and the country code needs to be given."}}},
}

INVALID_EMAIL = "Enter a valid email address."
INVALID_PHONE = "Enter a valid phone number (e.g. +12125552368)."
EMAIL = re.compile(r"[^@\s\"(),:;<>\[\\\]]+@(localhost|([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                   r"[A-Za-z]{2,63}\.?)")


def installed(settings):
    """MED-1: the catalogue restricted to ARGUS_LITE_MEDIA, by slug."""
    return [slug for slug in sorted(MEDIA_NAMES) if slug in settings.media]


def email_address(value):
    """The address, or ValueError with the DST-4 message."""
    if not isinstance(value, str):
        raise ValueError(INVALID_EMAIL)
    check_text(value)       # NUL and lone surrogates: neither database nor SMTP takes them
    if len(value) > 254 or not EMAIL.fullmatch(value.strip()):
        raise ValueError(INVALID_EMAIL)
    return value.strip()


def e164(value):
    """PHN-2: an international, valid number in E.164, or ValueError with the PHN-2 message."""
    if not isinstance(value, str):
        raise ValueError(INVALID_PHONE)
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        raise ValueError(INVALID_PHONE) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(INVALID_PHONE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

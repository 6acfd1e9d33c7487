"""Settings: one table of (name, converter, default), read from ARGUS_LITE_* variables and an INI file."""
import configparser
import dataclasses
import json
import re
import zoneinfo


class SettingsError(Exception):
    """A bad setting; the message is the one line printed at start-up."""


def as_bool(text):
    word = str(text).strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"not a boolean: {text!r}")


def positive_int(text):
    try:
        number = int(str(text).strip())
    except ValueError:
        raise ValueError(f"not an integer: {text!r}") from None
    if number < 1:
        raise ValueError(f"must be at least 1: {text!r}")
    return number


def port_number(text):
    number = positive_int(text)
    if number > 65535:
        raise ValueError(f"not a port number: {text!r}")
    return number


def zone_name(text):
    try:
        return zoneinfo.ZoneInfo(str(text).strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone: {text!r}") from None


def database_url(text):
    url = str(text).strip()
    if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ValueError(f"must start with sqlite:/// or postgresql://: {text!r}")
    return url


def word_list(text):
    return tuple(word.strip() for word in str(text).split(",") if word.strip())


def json_object(text):
    try:
        value = json.loads(text) if isinstance(text, str) else text
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error}") from None
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def text(value):
    return str(value)


def header_value(value):
    """Text that goes into every email's header as it is (the From address): one line, no control characters,
    else every message would be parked as failed."""
    if re.search(r"[\x00-\x1f\x7f]", str(value)):
        raise ValueError(f"holds a line break or control character: {value!r}")
    return str(value)


def log_format(text):
    if str(text).strip() not in ("text", "json"):
        raise ValueError(f"not text or json: {text!r}")
    return str(text).strip()


def base_url(text):
    url = str(text).strip().rstrip("/")
    if url and not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", url):
        raise ValueError(f"not an http(s) URL without query: {text!r}")
    return url


# (name, converter, default); the environment variable is ARGUS_LITE_<name> (spec README §4).
SETTINGS = (
    ("DATABASE_URL", database_url, "sqlite:///argus_lite.sqlite3"),
    ("SECRET_KEY", text, ""),
    ("TIME_ZONE", zone_name, "Europe/Oslo"),
    ("AUTH_TOKEN_EXPIRES_AFTER_DAYS", positive_int, "14"),
    ("PAGE_SIZE_MAX", positive_int, "1000"),
    ("SEND_NOTIFICATIONS", as_bool, "false"),
    ("EMAIL_HOST", text, "localhost"),
    ("EMAIL_PORT", port_number, "25"),
    ("EMAIL_USE_TLS", as_bool, "false"),
    ("EMAIL_HOST_USER", text, ""),
    ("EMAIL_HOST_PASSWORD", text, ""),
    ("DEFAULT_FROM_EMAIL", header_value, "argus@localhost"),
    ("NOTIFICATION_SUBJECT_PREFIX", text, "[Argus] "),
    ("SMS_GATEWAY_ADDRESS", text, ""),
    ("MEDIA", word_list, "email,sms"),
    ("FALLBACK_FILTER", json_object, "{}"),
    ("TICKET_PLUGIN", text, ""),
    ("TICKET_ENDPOINT", text, ""),
    ("FRONTEND_URL", text, ""),
    ("MAX_BODY_BYTES", positive_int, "1048576"),
    ("LOGIN_FAILURES_PER_ADDRESS", positive_int, "10"),
    ("LOGIN_FAILURES_PER_USERNAME", positive_int, "30"),
    ("LOGIN_FAILURE_WINDOW_SECONDS", positive_int, "300"),
    ("LOGIN_FAILURES_PER_SECOND", positive_int, "5"),
    ("LOGIN_HASHES_AT_ONCE", positive_int, "1"),
    ("LOGIN_HASH_WAIT_SECONDS", positive_int, "2"),
    ("CONNECTION_LIMIT", positive_int, "1000"),
    ("CHANNEL_TIMEOUT", positive_int, "30"),
    ("PUBLIC_URL", base_url, ""),
    ("FACES", word_list, "argus,prodmanager,cachet,console"),    # FACE-2: the faces served
    ("PRODMANAGER_SECRET", text, ""),                            # FACE-11: unset, no JWT is minted
    ("METRICS_TOKEN", text, ""),                                 # unset: /metrics needs no token
    ("LOG_FORMAT", log_format, "text"),                          # request log lines: text or json
    ("STATUS_TITLE", text, "Service status"),                    # the public status page's heading
    ("STATUS_INTRO", text, ""),                                  # and the paragraph under it
)

# Argus documents this one without a prefix; the prefixed name wins when both are set.
UNPREFIXED_ALIASES = {"AUTH_TOKEN_EXPIRES_AFTER_DAYS"}


@dataclasses.dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    time_zone: zoneinfo.ZoneInfo
    auth_token_expires_after_days: int
    page_size_max: int
    send_notifications: bool
    email_host: str
    email_port: int
    email_use_tls: bool
    email_host_user: str
    email_host_password: str
    default_from_email: str
    notification_subject_prefix: str
    sms_gateway_address: str
    media: tuple
    fallback_filter: dict
    ticket_plugin: str
    ticket_endpoint: str
    frontend_url: str
    max_body_bytes: int
    login_failures_per_address: int
    login_failures_per_username: int
    login_failure_window_seconds: int
    login_failures_per_second: int
    login_hashes_at_once: int
    login_hash_wait_seconds: int
    connection_limit: int
    channel_timeout: int
    public_url: str
    faces: tuple
    prodmanager_secret: str
    metrics_token: str
    log_format: str
    status_title: str
    status_intro: str

    @classmethod
    def from_env(cls, environ, ini_path=None, **overrides):
        """INI values first, the environment on top, keyword overrides (embedding, tests) last."""
        raw = read_ini(ini_path) if ini_path else {}
        for name, _, _ in SETTINGS:
            if name in UNPREFIXED_ALIASES and name in environ:
                raw[name] = environ[name]
            if f"ARGUS_LITE_{name}" in environ:
                raw[name] = environ[f"ARGUS_LITE_{name}"]
        for key, value in overrides.items():
            raw[key.upper()] = value
        values = {}
        for name, convert, default in SETTINGS:
            value = raw.get(name, default)
            try:
                values[name.lower()] = convert(value)
            except (ValueError, TypeError) as error:
                raise SettingsError(f"ARGUS_LITE_{name}: {error}") from None
        unknown = set(raw) - {name for name, _, _ in SETTINGS}
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return cls(**values)

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)


def read_ini(path):
    """Keys of the [argus_lite] section, with or without the ARGUS_LITE_ prefix."""
    parser = configparser.ConfigParser()
    parser.optionxform = str
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except OSError as error:
        raise SettingsError(f"--config {path}: {error.strerror}") from None
    except configparser.Error as error:
        raise SettingsError(f"--config {path}: {error.message.splitlines()[0]}") from None
    section = parser["argus_lite"] if parser.has_section("argus_lite") else {}
    return {key.upper().removeprefix("ARGUS_LITE_"): value for key, value in section.items()}

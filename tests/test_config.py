"""Settings from the environment and an INI file (issue: settings table; spec README §4)."""
import pytest

from argus_lite.config import Settings, SettingsError


def test_defaults_are_argus_defaults():
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///argus_lite.sqlite3"
    assert settings.time_zone.key == "Europe/Oslo"
    assert settings.auth_token_expires_after_days == 14
    assert settings.page_size_max == 1000
    assert settings.send_notifications is False
    assert (settings.email_host, settings.email_port) == ("localhost", 25)
    assert settings.media == ("email", "sms")


def test_environment_beats_ini(tmp_path):
    ini = tmp_path / "argus.ini"
    ini.write_text("[argus_lite]\nEMAIL_PORT = 2525\nARGUS_LITE_TIME_ZONE = UTC\n")
    settings = Settings.from_env({"ARGUS_LITE_EMAIL_PORT": "2626"}, ini_path=str(ini))
    assert settings.email_port == 2626 and settings.time_zone.key == "UTC"


def test_unprefixed_token_lifetime_is_accepted():
    assert Settings.from_env({"AUTH_TOKEN_EXPIRES_AFTER_DAYS": "3"}).auth_token_expires_after_days == 3
    both = {"AUTH_TOKEN_EXPIRES_AFTER_DAYS": "3", "ARGUS_LITE_AUTH_TOKEN_EXPIRES_AFTER_DAYS": "5"}
    assert Settings.from_env(both).auth_token_expires_after_days == 5


@pytest.mark.parametrize("name, value, message", [
    ("ARGUS_LITE_EMAIL_PORT", "x", "ARGUS_LITE_EMAIL_PORT: not an integer: 'x'"),
    ("ARGUS_LITE_TIME_ZONE", "Mars/Base", "ARGUS_LITE_TIME_ZONE: unknown time zone: 'Mars/Base'"),
    ("ARGUS_LITE_SEND_NOTIFICATIONS", "maybe", "ARGUS_LITE_SEND_NOTIFICATIONS: not a boolean: 'maybe'"),
    ("ARGUS_LITE_DEFAULT_FROM_EMAIL", "argus@x\nBcc: y@z",
     "ARGUS_LITE_DEFAULT_FROM_EMAIL: holds a line break or control character: 'argus@x\\nBcc: y@z'"),
    ("ARGUS_LITE_DATABASE_URL", "mysql://x", "ARGUS_LITE_DATABASE_URL: must start with sqlite:/// or postgresql://: 'mysql://x'"),
])
def test_bad_values_name_the_variable(name, value, message):
    with pytest.raises(SettingsError) as error:
        Settings.from_env({name: value})
    assert str(error.value) == message


def test_unknown_ini_key_is_refused(tmp_path):
    ini = tmp_path / "argus.ini"
    ini.write_text("[argus_lite]\nEMAIL_PROT = 25\n")
    with pytest.raises(SettingsError, match="EMAIL_PROT"):
        Settings.from_env({}, ini_path=str(ini))

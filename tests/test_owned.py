"""Writes of the caller's own notification objects that a racing request refused: a taken name is the
name's 400, a vanished referent the 404 or 400 the request now earns, else 409; never a false name error
nor a 500 (MOD-9, NP-3, C-9)."""
import pytest

from argus_lite import db, errors
from argus_lite.argus.owned import RACED, stored
from argus_lite.models import Destination, Filter, NotificationProfile, ProfileFilter, Timeslot
from tests.factories import make_user

NP = "/api/v2/notificationprofiles/"
NAME_TAKEN = errors.field_error("name", "taken")
GONE = errors.field_error("filters", ['Invalid pk "999999" - object does not exist.'])


@pytest.fixture
def owner(wsgi_app):
    return make_user("kari", email="kari@example.org")


@pytest.fixture
def profile(owner):
    timeslot = Timeslot.get(Timeslot.user == owner.user.id)
    return NotificationProfile.create(user=owner.user.id, timeslot=timeslot.id, name="p")


def answer_of(model, write, recheck=None):
    with pytest.raises(errors.ApiError) as raised:
        with stored(model, NAME_TAKEN, recheck):
            write()
    return raised.value


def refuse(error):
    raise error


def test_a_unique_index_refusing_the_write_is_the_name_error(owner):  # MOD-9
    Filter.create(user=owner.user.id, name="f")
    assert answer_of(Filter, lambda: Filter.create(user=owner.user.id, name="f")) is NAME_TAKEN
    assert Filter.select().count() == 1


def test_only_the_named_unique_index_is_the_name_error(owner):  # PHN-4: a taken number, not a taken label
    Destination.create(user=owner.user.id, media="sms", address="+4791234567", label="work")
    number_key = ("user", "media", "address")
    for row, is_name_error in [({"address": "+4791234567"}, True), ({"address": "+4792345678", "label": "work"}, False)]:
        with pytest.raises(errors.ApiError) as raised:
            with stored(Destination, NAME_TAKEN, unique=number_key):
                Destination.create(user=owner.user.id, media="sms", **row)
        assert (raised.value is NAME_TAKEN) is is_name_error
        assert raised.value.status == (400 if is_name_error else 409)


def test_a_foreign_key_refusing_the_write_is_what_the_recheck_finds(profile):  # C-9
    write = lambda: ProfileFilter.create(profile=profile.id, filter=999999)  # noqa: E731
    assert answer_of(NotificationProfile, write, recheck=lambda: refuse(GONE)) is GONE
    assert ProfileFilter.select().count() == 0


def test_a_foreign_key_refusal_nothing_explains_answers_409(profile):
    write = lambda: ProfileFilter.create(profile=profile.id, filter=999999)  # noqa: E731
    for recheck in (None, lambda: None):
        answer = answer_of(NotificationProfile, write, recheck)
        assert (answer.status, answer.body) == (409, {"detail": RACED})


@pytest.fixture
def links_refused(wsgi_app):
    """Every profile_filter insert is refused as a foreign key would refuse it, as when a racing request
    deleted the filter after the body was read."""
    if db.is_sqlite():
        db.db.execute_sql("CREATE TRIGGER refuse_links BEFORE INSERT ON profile_filter "
                          "BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed'); END")
    else:
        db.db.execute_sql("CREATE FUNCTION refuse_links() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                          "RAISE EXCEPTION 'refused' USING ERRCODE = 'foreign_key_violation'; END $$")
        db.db.execute_sql("CREATE TRIGGER refuse_links BEFORE INSERT ON profile_filter "
                          "FOR EACH ROW EXECUTE FUNCTION refuse_links()")
    yield
    db.db.execute_sql("DROP TRIGGER refuse_links" + ("" if db.is_sqlite() else " ON profile_filter"))
    if not db.is_sqlite():
        db.db.execute_sql("DROP FUNCTION refuse_links()")


def test_a_profile_whose_link_is_refused_is_no_name_error_and_stores_nothing(api, owner, links_refused):  # NP-3
    filter_pk = api.post_json(f"{NP}filters/", {"name": "f"}, headers=owner.headers).json["pk"]
    timeslot = api.get(f"{NP}timeslots/", headers=owner.headers).json[0]["pk"]
    answer = api.post_json(NP, {"name": "N", "timeslot": timeslot, "filters": [filter_pk]},
                           headers=owner.headers, status=409)
    assert answer.json == {"detail": RACED}
    assert NotificationProfile.select().count() == 0 and ProfileFilter.select().count() == 0

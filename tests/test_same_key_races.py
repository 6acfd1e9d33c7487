"""Racing requests on one key through real waitress threads: a 200/201 or the contract's 400, never a 500
(A-1, A-6, SRC-2, PHN-4)."""
import threading
import urllib.error
import urllib.request

import pytest

from argus_lite.models import Destination, SourceSystem, SourceSystemType, Token, User
from argus_lite.testing import serve_in_thread
from tests.conftest import settings_for
from tests.racing import race, send

THREADS = 8


@pytest.fixture
def settings(database_url):
    # 20 logins at once queue for the one password-hash slot; the race on the token row is the subject here.
    return settings_for(database_url, login_hash_wait_seconds=60)


@pytest.fixture
def live_url(wsgi_app):
    url, stop = serve_in_thread(wsgi_app, threads=THREADS)
    yield url
    stop()


def works(url, key):
    request = urllib.request.Request(f"{url}/api/v2/auth/user/", headers={"Authorization": f"Token {key}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status == 200
    except urllib.error.HTTPError:
        return False


def test_concurrent_logins_of_one_user_all_get_a_token(live_url, end_user):
    answers = race(f"{live_url}/api/v2/token-auth/", [{"username": "kari", "password": "secret-pw"}] * 20)
    assert [status for status, _ in answers] == [200] * 20
    assert Token.select().where(Token.user == end_user.pk).count() == 1
    assert sum(works(live_url, body["token"]) for _, body in answers) == 1   # the last one replaced the rest


def test_concurrent_refreshes_of_one_token_leave_one(live_url, end_user):
    answers = race(f"{live_url}/api/v2/refresh-token/", [{}] * 20, token=end_user.token)
    assert all(status in (200, 401) for status, _ in answers) and 200 in [status for status, _ in answers]
    assert Token.select().where(Token.user == end_user.pk).count() == 1


def test_identical_source_creations_make_one(live_url, admin):  # SRC-2
    SourceSystemType.create(name="nav")
    body = {"name": "nav-trd", "type": "nav", "username": "nav-user"}
    answers = race(f"{live_url}/api/v2/incidents/sources/", [body] * 20, token=admin.token)
    assert sorted(status for status, _ in answers) == [201] + [400] * 19
    duplicate = {"non_field_errors": ["Source system with this Name and Type already exists."]}
    assert all(answer == duplicate for status, answer in answers if status == 400)
    assert SourceSystem.select().count() == 1
    assert User.select().where(User.username.startswith("nav-user")).count() == 1


def test_sources_racing_for_one_username_get_suffixes(live_url, admin):  # SRC-2
    SourceSystemType.create(name="nav")
    bodies = [{"name": f"nav-{i}", "type": "nav", "username": "nav-user"} for i in range(20)]
    answers = race(f"{live_url}/api/v2/incidents/sources/", bodies, token=admin.token)
    assert [status for status, _ in answers] == [201] * 20
    names = [user.username for user in User.select().where(User.username.startswith("nav-user"))]
    assert len(set(names)) == 20 and "nav-user" in names
    assert all(name == "nav-user" or len(name) == len("nav-user_ABCDEF") for name in names)


def test_identical_phone_numbers_store_one(live_url, end_user):  # PHN-4
    answers = race(f"{live_url}/api/v1/auth/phone-number/", [{"phone_number": "+4791234567"}] * 40,
                   token=end_user.token)
    assert sorted(status for status, _ in answers) == [201] + [400] * 39
    assert all(answer == {"phone_number": ["Phone number already exists"]}
               for status, answer in answers if status == 400)
    assert Destination.select().where(Destination.media == "sms").count() == 1


def test_phone_number_edits_racing_to_one_number_store_one(live_url, end_user):  # PHN-5
    numbers = [send(f"{live_url}/api/v1/auth/phone-number/", {"phone_number": f"+47912345{i:02}"},
                    end_user.token)[1]["pk"] for i in range(16)]
    start, answers = threading.Barrier(len(numbers)), []

    def edit(pk):
        start.wait()
        answers.append(send(f"{live_url}/api/v1/auth/phone-number/{pk}/", {"phone_number": "+4722334455"},
                            end_user.token, method="PUT")[0])
    threads = [threading.Thread(target=edit, args=(pk,)) for pk in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201] + [400] * (len(numbers) - 1)
    assert Destination.select().where(Destination.address == "+4722334455").count() == 1

"""The console's notification settings (issue 14) through webtest, on both databases: a timeslot, a filter, a
destination and a profile made through the console's forms read back through the Argus API as the API would
have stored them (TS-3, NF-2, NF-5, DST-3, NP-3); refused forms show the API's messages and store nothing
(TS-4, DST-4, DST-6, NP-4); the previews list exactly the API's (N-9); another user's objects are 404; forms
without the CSRF token are refused."""
import re

import pytest

from argus_lite.models import Destination, Filter, NotificationProfile, TimeRecurrence, Timeslot
from tests.factories import make_incident, make_user
from tests.test_console import csrf_of, flashes, log_in

NP = "/api/v2/notificationprofiles/"
SETTINGS = "/console/settings"


@pytest.fixture
def operator(api, end_user):
    log_in(api)
    return end_user


def submitted(page, status=303, button=None, **values):
    """The page's settings form filled with values (a list for checkboxes and repeated fields) and sent."""
    form = page.forms[[key for key, found in page.forms.items() if "settings" in (found.action or "")][-1]]
    for name, value in values.items():
        if isinstance(value, list):
            for field in form.fields.get(name, []):
                field.checked = field._value in [str(v) for v in value]     # checkboxes of one name
        else:
            form[name] = value
    return form.submit(*(("action",) if button else ()), value=button, status=status) if button \
        else form.submit(status=status)


def field_error(page, key):
    found = re.search(rf'id="error-{re.escape(key)}">([^<]*)<', page.text)
    return found and found.group(1).replace("&#34;", '"').replace("&#39;", "'")


def make_timeslot(api, **rows):
    page = api.get(f"{SETTINGS}/timeslots/new")
    return submitted(page, **rows)


def test_a_timeslot_made_in_the_console_is_the_apis(api, operator):  # TS-3, TS-1
    answer = make_timeslot(api, **{"name": "office hours", "days-0": [1, 2, 3, 4, 5], "start-0": "08:00",
                                   "end-0": "16:00", "days-1": [6], "all_day-1": True})
    assert answer.location == SETTINGS
    assert "Timeslot saved." in flashes(answer.follow())
    shown = [slot for slot in api.get(f"{NP}timeslots/", headers=operator.headers).json
             if slot["name"] == "office hours"]
    assert shown == [{"pk": shown[0]["pk"], "name": "office hours", "time_recurrences": [
        {"days": [1, 2, 3, 4, 5], "start": "08:00:00", "end": "16:00:00"},
        {"days": [6], "start": "00:00:00", "end": "23:59:59.999999", "all_day": True}]}]
    page = api.get(f"{SETTINGS}/timeslots/{shown[0]['pk']}")
    week = re.findall(r'<tr><th scope="row">(\w+)</th>(.*?)</tr>', page.text)
    assert [(day, cells.count('class="on"')) for day, cells in week] == \
        [("Mon", 8), ("Tue", 8), ("Wed", 8), ("Thu", 8), ("Fri", 8), ("Sat", 24), ("Sun", 0)]
    submitted(page, **{"end-0": "17:30"})
    again = api.get(f"{NP}timeslots/{shown[0]['pk']}/", headers=operator.headers).json
    assert again["time_recurrences"][0]["end"] == "17:30:00" and len(again["time_recurrences"]) == 2


def test_a_bad_timeslot_shows_the_apis_messages_and_stores_nothing(api, operator):  # TS-4
    before = (Timeslot.select().count(), TimeRecurrence.select().count())
    body = {"name": "night", "time_recurrences": [{"days": [1], "start": "22:00", "end": "06:00"}]}
    expected = api.post_json(f"{NP}timeslots/", body, headers=operator.headers, status=400).json
    page = make_timeslot(api, status=400, **{"name": "night", "days-0": [1], "start-0": "22:00", "end-0": "06:00"})
    assert field_error(page, "time_recurrences-0-non_field_errors") == \
        expected["time_recurrences"][0]["non_field_errors"][0] == "'start' must be before 'end'."
    page = make_timeslot(api, status=400, **{"name": "night", "days-1": [2], "start-1": "25:00", "end-1": "23:00"})
    assert field_error(page, "time_recurrences-0-start").startswith("Time has wrong format.")
    assert 'value="25:00"' in page.text                                  # the form as it was sent
    assert (Timeslot.select().count(), TimeRecurrence.select().count()) == before


def test_a_filter_made_in_the_console_is_the_apis(api, operator, source):  # NF-2, NF-5, NF-1
    page = api.get(f"{SETTINGS}/filters/new")
    submitted(page, name="nav critical", sourceSystemIds=str(source.source.id), tags="site=trd, host=a",
              open="true", acked="false", maxlevel="2")
    shown = api.get(f"{NP}filters/", headers=operator.headers).json
    by_api = api.post_json(f"{NP}filters/", {"name": "same by api", "filter": {
        "sourceSystemIds": [source.source.id], "tags": ["site=trd", "host=a"], "open": True, "acked": False,
        "stateful": None, "maxlevel": 2, "event_type": None}}, headers=operator.headers).json
    console_made = next(f for f in shown if f["name"] == "nav critical")
    assert {**console_made, "pk": None, "name": None} == {**by_api, "pk": None, "name": None}
    assert console_made["filter_string"] == \
        f'{{"sourceSystemIds": [{source.source.id}], "tags": ["site=trd", "host=a"]}}'


def test_a_bad_filter_shows_the_apis_messages(api, operator):  # NF-4, MOD-9
    api.post_json(f"{NP}filters/", {"name": "taken"}, headers=operator.headers)
    page = submitted(api.get(f"{SETTINGS}/filters/new"), status=400, name="taken", tags="ab")
    assert field_error(page, "name") == 'A filter named "taken" already exists.'
    assert "Ensure this field has at least 3 characters." in page.text
    assert Filter.select().where(Filter.name == "taken").count() == 1


def preview_pks(page):
    section = page.text.split('id="preview"', 1)[1]
    return [int(pk) for pk in re.findall(r'<tr data-pk="(\d+)"', section)]


def test_the_filter_preview_lists_what_the_apis_filterpreview_does(api, operator, source):  # N-9, F-2
    for index in range(3):
        make_incident(source, tags=["site=trd", f"host=h{index}"], description=f"trd {index}")
    make_incident(source, tags=["site=osl"], description="osl")
    page = api.get(f"{SETTINGS}/filters/new")
    shown = submitted(page, status=200, button="preview", name="", tags="site=trd")
    expected = api.post_json(f"{NP}filterpreview/", {"sourceSystemIds": [], "tags": ["site=trd"]},
                             headers=operator.headers).json
    assert preview_pks(shown) == [incident["pk"] for incident in expected] and len(expected) == 3
    assert Filter.select().count() == 0                          # a preview saves nothing
    bad = submitted(page, status=400, button="preview", sourceSystemIds="x")
    assert field_error(bad, "preview") == "sourceSystemIds must be a list of integers."


def test_a_destination_made_in_the_console_is_the_apis(api, operator):  # DST-3, DST-1
    page = api.get(f"{SETTINGS}/destinations/new")
    submitted(page, media="sms", label="on call", address="+47 912 34 567")
    shown = [d for d in api.get(f"{NP}destinations/", headers=operator.headers).json if d["media"]["slug"] == "sms"]
    assert shown == [{"pk": shown[0]["pk"], "media": {"slug": "sms", "name": "SMS"}, "label": "on call",
                      "suggested_label": "SMS: +4791234567", "settings": {"phone_number": "+4791234567"}}]


def test_a_bad_destination_shows_the_apis_message_and_stores_nothing(api, operator):  # DST-4, DST-5, DST-6
    before = Destination.select().count()
    page = submitted(api.get(f"{SETTINGS}/destinations/new"), status=400, media="email", address="not-an-address")
    expected = api.post_json(f"{NP}destinations/", {"media": "email", "settings": {"email_address": "not-an-address"}},
                             headers=operator.headers, status=400).json
    assert field_error(page, "address") == expected["email_address"][0] == "Enter a valid email address."
    page = submitted(api.get(f"{SETTINGS}/destinations/new"), status=400, media="sms", address="12")
    assert field_error(page, "address") == "Enter a valid phone number (e.g. +12125552368)."
    page = submitted(api.get(f"{SETTINGS}/destinations/new"), status=400, media="email",
                     address="kari@example.org")
    assert field_error(page, "non_field_errors") == "This email address is already registered in another destination."
    assert Destination.select().count() == before


def test_a_profile_made_in_the_console_is_the_apis_and_previews_its_incidents(api, operator, source):  # NP-3, N-9
    make_timeslot(api, **{"name": "always", "days-0": [1, 2, 3, 4, 5, 6, 7], "all_day-0": True})
    timeslot = Timeslot.get(Timeslot.name == "always")
    filter_pk = api.post_json(f"{NP}filters/", {"name": "trd", "filter": {"tags": ["site=trd"]}},
                              headers=operator.headers).json["pk"]
    email = Destination.get((Destination.user == operator.user.id) & (Destination.media == "email"))
    make_incident(source, tags=["site=trd"], description="in trd")
    make_incident(source, tags=["site=osl"], description="in osl")
    page = api.get(f"{SETTINGS}/profiles/new")
    answer = submitted(page, name="night watch", timeslot=str(timeslot.id), filters=[filter_pk],
                       destinations=[email.id], active=True)
    profile = NotificationProfile.get(NotificationProfile.name == "night watch")
    assert answer.location == f"{SETTINGS}/profiles/{profile.id}"
    shown = api.get(f"{NP}{profile.id}/", headers=operator.headers).json
    assert (shown["name"], shown["active"], shown["timeslot"]["pk"], [f["pk"] for f in shown["filters"]],
            [d["pk"] for d in shown["destinations"]]) == ("night watch", True, timeslot.id, [filter_pk], [email.id])
    expected = api.get(f"{NP}{profile.id}/incidents/", headers=operator.headers).json
    assert preview_pks(answer.follow()) == [incident["pk"] for incident in expected] and len(expected) == 1
    submitted(answer.follow(), active=False)
    assert api.get(f"{NP}{profile.id}/", headers=operator.headers).json["active"] is False


def test_a_bad_profile_shows_the_apis_messages_and_stores_nothing(api, operator):  # NP-3
    timeslot = Timeslot.get(Timeslot.user == operator.user.id)
    page = submitted(api.get(f"{SETTINGS}/profiles/new"), status=400, timeslot=str(timeslot.id))
    expected = api.post_json(NP, {"timeslot": timeslot.id, "filters": []}, headers=operator.headers, status=400).json
    assert field_error(page, "filters") == expected["filters"][0] == "This list may not be empty."
    assert NotificationProfile.select().count() == 0


def test_another_users_objects_are_not_found(api, operator):  # NP-8, TS-6, NF-7, DST-2
    other = make_user("ola", email="ola@example.org")
    timeslot = api.get(f"{NP}timeslots/", headers=other.headers).json[0]["pk"]
    filter_pk = api.post_json(f"{NP}filters/", {"name": "theirs"}, headers=other.headers).json["pk"]
    profile = api.post_json(NP, {"timeslot": timeslot, "filters": [filter_pk]}, headers=other.headers).json["pk"]
    destination = api.get(f"{NP}destinations/", headers=other.headers).json[0]["pk"]
    csrf = csrf_of(api.get(SETTINGS))
    for path in (f"profiles/{profile}", f"timeslots/{timeslot}", f"filters/{filter_pk}",
                 f"destinations/{destination}"):
        assert "There is no such page." in api.get(f"{SETTINGS}/{path}", status=404).text
        api.post(f"{SETTINGS}/{path}", {"csrf": csrf, "name": "mine now"}, status=404)
        api.post(f"{SETTINGS}/{path}/delete", {"csrf": csrf}, status=404)
    assert api.get(f"{NP}{profile}/", headers=other.headers).json["name"] is None
    assert NotificationProfile.select().count() == 1 and Filter.get_by_id(filter_pk).name == "theirs"


def test_forms_without_the_csrf_token_are_refused(api, operator):
    timeslot = Timeslot.get(Timeslot.user == operator.user.id)
    for path in ("timeslots", "filters", "destinations", "profiles", f"timeslots/{timeslot.id}",
                 f"timeslots/{timeslot.id}/delete"):
        api.post(f"{SETTINGS}/{path}", {"name": "x", "days-0": "1", "start-0": "08:00", "end-0": "09:00"},
                 status=403)
        api.post(f"{SETTINGS}/{path}", {"csrf": "wrong", "name": "x"}, status=403)
    assert Timeslot.select().count() == 1 and Filter.select().count() == 0


def test_deleting_goes_through_the_apis_rules(api, operator):  # NF-8, DST-9, TS-6
    timeslot = Timeslot.get(Timeslot.user == operator.user.id)
    filter_pk = api.post_json(f"{NP}filters/", {"name": "used"}, headers=operator.headers).json["pk"]
    profile = api.post_json(NP, {"timeslot": timeslot.id, "filters": [filter_pk], "name": "p"},
                            headers=operator.headers).json["pk"]
    csrf = csrf_of(api.get(SETTINGS))
    refused = api.post(f"{SETTINGS}/filters/{filter_pk}/delete", {"csrf": csrf}, status=303).follow()
    assert flashes(refused) == ["Cannot delete this filter since it is in use in the notification profile(s): p."]
    synced = Destination.get((Destination.user == operator.user.id) & Destination.is_synced)
    refused = api.post(f"{SETTINGS}/destinations/{synced.id}/delete", {"csrf": csrf}, status=303).follow()
    assert flashes(refused) == ["Cannot delete this email destination since it was defined by an outside source."]
    api.post(f"{SETTINGS}/profiles/{profile}/delete", {"csrf": csrf}, status=303)
    api.post(f"{SETTINGS}/filters/{filter_pk}/delete", {"csrf": csrf}, status=303)
    assert api.get(f"{NP}filters/", headers=operator.headers).json == []
    assert api.get(f"{NP}", headers=operator.headers).json == []


def test_the_settings_page_lists_the_users_own_objects_only(api, operator):
    other = make_user("ola", email="ola@example.org")
    api.post_json(f"{NP}filters/", {"name": "ola's filter"}, headers=other.headers)
    api.post_json(f"{NP}filters/", {"name": "kari's filter"}, headers=operator.headers)
    page = api.get(SETTINGS)
    assert "kari&#39;s filter" in page.text and "ola&#39;s filter" not in page.text
    assert 'href="/console/settings"' in page.text                  # in the navigation


@pytest.mark.parametrize("path, fields", [
    ("timeslots", {"name": "\x00", "days-0": ["0", "x", "8"], "start-0": "99:99", "end-0": "08:00\x00"}),
    ("timeslots", {"name": "n" * 41, "days-3": "1", "all_day-3": "1"}),
    ("filters", {"name": "f", "sourceSystemIds": "1, 99999999999999999999999, -3, x", "tags": "a,=,\x00x=1",
                 "open": "maybe", "maxlevel": "9", "event_type": "NOPE"}),
    ("filters", {"name": "f", "tags": "k=v", "action": "preview", "sourceSystemIds": "9" * 30}),
    ("destinations", {"media": "pigeon", "address": "x"}),
    ("destinations", {"media": "email", "label": "l" * 51, "address": "a@example.org"}),
    ("profiles", {"timeslot": "x", "filters": ["0", "-1", "9" * 30], "destinations": ["y"]}),
    ("profiles", {"timeslot": "9" * 30}),
])
def test_hostile_forms_are_refused_with_messages_never_a_500(api, operator, path, fields):  # C-2
    before = [model.select().count() for model in (Timeslot, TimeRecurrence, Filter, Destination, NotificationProfile)]
    body = [("csrf", csrf_of(api.get(SETTINGS)))]
    body += [(name, item) for name, value in fields.items() for item in (value if isinstance(value, list) else [value])]
    page = api.post(f"{SETTINGS}/{path}", body, status=400)
    assert 'class="field-error"' in page.text or 'class="flash error"' in page.text
    assert [model.select().count() for model in (Timeslot, TimeRecurrence, Filter, Destination,
                                                 NotificationProfile)] == before


def test_editing_a_filter_and_a_destination_is_the_apis_put(api, operator, source):  # NF-5, NF-7, DST-7
    made = api.post_json(f"{NP}filters/", {"name": "old", "filter": {"tags": ["a=1"], "open": True}},
                         headers=operator.headers).json
    page = api.get(f"{SETTINGS}/filters/{made['pk']}")
    assert page.forms["filter-form"]["tags"].value == "a=1" and page.forms["filter-form"]["open"].value == "true"
    submitted(page, name="new", tags="b=2", open="")
    assert api.get(f"{NP}filters/{made['pk']}/", headers=operator.headers).json == {
        "pk": made["pk"], "name": "new", "filter_string": '{"sourceSystemIds": [], "tags": ["b=2"]}',
        "filter": {"tags": ["b=2"], "open": None, "acked": None, "stateful": None, "maxlevel": None,
                   "event_type": None}}
    sms = api.post_json(f"{NP}destinations/", {"media": "sms", "settings": {"phone_number": "+4791234567"}},
                        headers=operator.headers).json
    page = api.get(f"{SETTINGS}/destinations/{sms['pk']}")
    submitted(page, label="pager", address="+4792345678")
    assert api.get(f"{NP}destinations/{sms['pk']}/", headers=operator.headers).json["settings"] == \
        {"phone_number": "+4792345678"}
    assert Destination.get_by_id(sms["pk"]).label == "pager"

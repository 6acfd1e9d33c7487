"""Cachet 2.x incident templates (reference §3, FACE-14): read under /cachet/api/v1/incidents/templates, and
named by an incident create (`template` slug and `vars`), which renders the message; an unknown slug falls
back to the message, as 2.4 does.

Ported from cachethq/cachet 2.4 tests/Api/IncidentTemplateTest.php: both its cases (list, an unknown
template is 404); and from its IncidentTest.php the create with a template and vars."""
import pytest

from argus_lite import db
from argus_lite.models import Event, Incident, PageIncident

API = "/cachet/api/v1"
FIXTURE = "Hey,\n\nA new incident has been reported:\n\nName: {{ incident.name }}\n{{ incident.message }}"


@pytest.fixture
def cachet(api, end_user):
    return api, {"X-Cachet-Token": end_user.token}, {"Authorization": f"Bearer {end_user.token}"}


def template(cachet, name, text):
    """A template, written through the 3.x face (2.x only reads them)."""
    api, _, bearer = cachet
    return api.post_json("/cachet/api/incident-templates", {"name": name, "template": text}, headers=bearer,
                         status=201).json["data"]["attributes"]


def counts():
    with db.db.connection_context():
        return [model.select().count() for model in (Incident, Event, PageIncident)]


def test_can_get_all_incident_templates(cachet):
    api, _, _ = cachet
    made = [template(cachet, f"Template {number}", "Hello {{ name }}") for number in range(3)]
    answer = api.get(f"{API}/incidents/templates").json
    assert [thing["id"] for thing in answer["data"]] == [one["id"] for one in made]
    assert answer["data"][0]["slug"] == "template-0" and answer["data"][0]["template"] == "Hello {{ name }}"
    assert answer["meta"]["pagination"]["total"] == 3
    assert api.get(f"{API}/incidents/templates/{made[1]['id']}").json["data"]["name"] == "Template 1"


def test_cannot_get_invalid_incident_template(api):
    errors = api.get(f"{API}/incidents/templates/1", status=404).json["errors"]
    assert [(error["status"], error["title"]) for error in errors] == [(404, "Not Found")]


def test_create_incident_with_a_template_and_vars(cachet):
    api, token, _ = cachet
    template(cachet, "Reported", FIXTURE + "{{ region }}")
    body = {"name": "New Incident Occurred", "status": 1, "template": "reported", "vars": {"region": "eu"}}
    answer = api.post_json(f"{API}/incidents", body, headers=token, status=200).json["data"]
    assert answer["message"] == "Hey,\n\nA new incident has been reported:\n\nName: New Incident Occurred\neu"


def test_an_unknown_template_falls_back_to_the_message(cachet):
    api, token, _ = cachet
    body = {"name": "Down", "status": 1, "message": "Written by hand", "template": "nothing-like-it"}
    assert api.post_json(f"{API}/incidents", body, headers=token).json["data"]["message"] == "Written by hand"


def test_no_message_and_no_known_template_is_refused(cachet):
    api, token, _ = cachet
    before = counts()
    answer = api.post_json(f"{API}/incidents", {"name": "Down", "status": 1, "template": "nothing-like-it"},
                           headers=token, status=400).json
    assert answer["errors"][0]["meta"]["details"] == ["The message field is required."]
    assert counts() == before


def test_a_template_that_does_not_render_is_refused_and_nothing_is_stored(cachet):
    """FACE-14: a render error is the face's 4xx, never a 500."""
    api, token, _ = cachet
    template(cachet, "Broken", "{{ incident.name }}{{ region.nope.deeper }}")
    before = counts()
    body = {"name": "Down", "status": 1, "template": "broken", "vars": {"region": {}}}
    answer = api.post_json(f"{API}/incidents", body, headers=token, expect_errors=True)
    assert answer.status_int == 400 and answer.json["errors"][0]["title"] == "Bad Request"
    assert answer.json["errors"][0]["meta"]["details"][0].startswith("The template is invalid")
    assert counts() == before

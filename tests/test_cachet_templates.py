"""Cachet 3.x incident templates under /cachet/api/incident-templates (reference §2.3, FACE-11, FACE-14).

Ported from cachethq/core tests/Feature/Api/IncidentTemplateTest.php: 14 of its 15 cases (list, paging,
show, create, update, delete, each without a token and without the token's ability). Left out: creating a
Blade template with Cachet's Blade renderer enabled (1): Blade cannot run here, it is always refused."""
import pytest

from argus_lite import db
from argus_lite.core import tokens
from argus_lite.core.incident_templates import slug_of
from argus_lite.models import IncidentTemplate
from tests.factories import make_user

API = "/cachet/api"
TEMPLATE = {"name": "New Template", "slug": "new-template", "template": "Hello {{ name }}", "engine": "twig"}


@pytest.fixture
def cachet(api, end_user):
    """A client with an unlimited token, and one whose token holds no ability (FACE-11)."""
    lacking = tokens.issue_token(make_user("ola", email="ola@example.org").user, abilities=())
    return api, {"Authorization": f"Bearer {end_user.token}"}, {"Authorization": f"Bearer {lacking}"}


def create(cachet, **fields):
    """A stored template; a field given as None is left out."""
    api, token, _ = cachet
    body = {name: value for name, value in {**TEMPLATE, **fields}.items() if value is not None}
    return api.post_json(f"{API}/incident-templates", body, headers=token, status=201).json["data"]


def stored():
    with db.db.connection_context():
        return [(row.name, row.slug, row.template, row.engine) for row in IncidentTemplate.select().order_by(IncidentTemplate.id)]


def test_can_list_incident_templates_15_by_default_and_more_per_page(cachet):
    api, _, _ = cachet
    for number in range(20):
        create(cachet, name=f"Template {number}", slug=None)
    assert len(api.get(f"{API}/incident-templates").json["data"]) == 15
    assert len(api.get(f"{API}/incident-templates?per_page=18").json["data"]) == 18
    second = api.get(f"{API}/incident-templates?page=2").json
    assert len(second["data"]) == 5 and "next" not in second["links"]


def test_can_filter_and_sort_incident_templates(cachet):
    api, _, _ = cachet
    for name in ("Beta outage", "Alpha outage", "Gamma fix"):
        create(cachet, name=name, slug=None)
    names = lambda answer: [thing["attributes"]["name"] for thing in answer.json["data"]]  # noqa: E731
    assert names(api.get(f"{API}/incident-templates?filter[name]=outage&sort=name")) == ["Alpha outage", "Beta outage"]
    assert names(api.get(f"{API}/incident-templates?filter[slug]=gamma")) == ["Gamma fix"]
    assert names(api.get(f"{API}/incident-templates?sort=-id")) == ["Gamma fix", "Alpha outage", "Beta outage"]
    assert api.get(f"{API}/incident-templates?filter[engine]=twig", status=400).json["message"].startswith(
        "Requested filter(s) `engine` are not allowed.")


def test_can_get_an_incident_template(cachet):
    api, _, _ = cachet
    for number in range(5):
        create(cachet, name=f"T {number}", slug=None)
    pk = create(cachet)["attributes"]["id"]
    answer = api.get(f"{API}/incident-templates/{pk}")
    assert answer.content_type == "application/vnd.api+json"
    data = answer.json["data"]
    assert data["id"] == str(pk) and data["type"] == "incidentTemplates"
    assert set(data["attributes"]) == {"id", "name", "slug", "template", "engine", "created", "updated"}
    assert api.get(f"{API}/incident-templates/999", status=404).json == {
        "message": "No query results for model [Cachet\\Models\\IncidentTemplate] 999"}


def test_cannot_write_an_incident_template_when_not_authenticated(cachet):
    api, token, _ = cachet
    pk = create(cachet)["attributes"]["id"]
    before = stored()
    assert api.post_json(f"{API}/incident-templates", {**TEMPLATE, "slug": "other"}, status=401).json == {
        "message": "Unauthenticated."}
    api.put_json(f"{API}/incident-templates/{pk}", {"name": "Updated Template"}, status=401)
    api.delete(f"{API}/incident-templates/{pk}", status=401)
    assert stored() == before


def test_cannot_write_an_incident_template_without_the_token_ability(cachet):
    api, _, lacking = cachet
    pk = create(cachet)["attributes"]["id"]
    before = stored()
    forbidden = {"message": "Invalid ability provided."}
    assert api.post_json(f"{API}/incident-templates", {**TEMPLATE, "slug": "other"}, headers=lacking,
                         status=403).json == forbidden
    assert api.put_json(f"{API}/incident-templates/{pk}", {"name": "Updated Template"}, headers=lacking,
                        status=403).json == forbidden
    assert api.delete(f"{API}/incident-templates/{pk}", headers=lacking, status=403).json == forbidden
    assert stored() == before


def test_can_create_an_incident_template_with_the_ability(cachet, end_user):
    api, _, _ = cachet
    key = tokens.issue_token(end_user.user, abilities=("incident-templates.manage",))
    answer = api.post_json(f"{API}/incident-templates", TEMPLATE, headers={"Authorization": f"Bearer {key}"},
                           status=201)
    assert {name: answer.json["data"]["attributes"][name] for name in TEMPLATE} == TEMPLATE
    assert stored() == [tuple(TEMPLATE.values())]


def test_the_slug_defaults_to_the_names_and_the_engine_to_twig(cachet):
    attributes = create(cachet, name="Héllo Wörld_2 @ DC1!", slug=None, engine=None)["attributes"]
    assert (attributes["slug"], attributes["engine"]) == ("hello-world-2-at-dc1", "twig")
    assert slug_of("Über  --  Maß.") == "uber-ma"


@pytest.mark.parametrize("payload, errors", [
    ({"name": None, "template": None}, {"name": ["The name field is required."],
                                        "template": ["The template field is required."]}),
    ({**TEMPLATE, "name": "x" * 256, "engine": "mustache"}, {
        "name": ["The name field must not be greater than 255 characters."],
        "engine": ["The selected engine is invalid."]}),
    ({**TEMPLATE, "template": "Hello {{ $name }}", "engine": "blade"}, {
        "engine": ["The selected engine is invalid."]}),            # Cachet's Blade renderer is off here
    ({**TEMPLATE, "template": "Hello {{ name "}, {"template": None}),            # FACE-14: does not compile
    ({**TEMPLATE, "template": "{% include 'x' %}"}, {"template": None}),
])
def test_cannot_create_an_incident_template_with_bad_data(cachet, payload, errors):
    api, token, _ = cachet
    answer = api.post_json(f"{API}/incident-templates", payload, headers=token, status=422)
    assert list(answer.json["errors"]) == list(errors)
    for field, messages in errors.items():
        if messages is None:
            assert answer.json["errors"][field][0].startswith("The template is invalid: ")
        else:
            assert answer.json["errors"][field] == messages
    assert stored() == []


def test_a_slug_is_unique(cachet):
    api, token, _ = cachet
    create(cachet)
    pk = create(cachet, slug="second")["attributes"]["id"]
    before = stored()
    assert api.post_json(f"{API}/incident-templates", TEMPLATE, headers=token, status=422).json["errors"] == {
        "slug": ["The slug has already been taken."]}
    api.patch_json(f"{API}/incident-templates/{pk}", {"slug": "new-template"}, headers=token, status=422)
    assert stored() == before


def test_can_update_an_incident_template(cachet):
    api, token, _ = cachet
    pk = create(cachet)["attributes"]["id"]
    answer = api.put_json(f"{API}/incident-templates/{pk}", {"name": "Updated Template"}, headers=token)
    attributes = answer.json["data"]["attributes"]
    assert (attributes["name"], attributes["slug"], attributes["template"]) == (
        "Updated Template", "updated-template", "Hello {{ name }}")
    api.patch_json(f"{API}/incident-templates/{pk}", {"template": "Bye {{ name }}"}, headers=token)
    assert stored() == [("Updated Template", "updated-template", "Bye {{ name }}", "twig")]


def test_an_update_that_does_not_compile_changes_nothing(cachet):
    api, token, _ = cachet
    pk = create(cachet)["attributes"]["id"]
    before = stored()
    answer = api.patch_json(f"{API}/incident-templates/{pk}", {"name": "Renamed", "template": "{% for %}"},
                            headers=token, status=422)
    assert list(answer.json["errors"]) == ["template"]
    assert stored() == before
    api.put_json(f"{API}/incident-templates/999", {"name": "x"}, headers=token, status=404)


def test_can_delete_an_incident_template(cachet, end_user):
    api, _, _ = cachet
    pk = create(cachet)["attributes"]["id"]
    key = tokens.issue_token(end_user.user, abilities=("incident-templates.delete",))
    answer = api.delete(f"{API}/incident-templates/{pk}", headers={"Authorization": f"Bearer {key}"}, status=204)
    assert answer.body == b""
    assert stored() == []
    api.delete(f"{API}/incident-templates/{pk}", headers={"Authorization": f"Bearer {key}"}, status=404)

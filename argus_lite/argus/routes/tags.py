"""Tags of one incident as their own resource (TAG-1, TAG-4, TAG-5). No change events (TAG-4)."""
from ... import errors, times, web
from ...core import changes, incidents
from ...fields import Invalid, check_text
from ...models import IncidentTag, Tag
from .. import auth, readers

NO_INCIDENT = "An incident with this id does not exist"


def install(app, version):
    many = f"/api/{version}/incidents/<incident_pk:int>/tags"
    one = f"{many}/<tag_text:path>"         # :path, as a tag's value may hold "/"
    app.route(many, "GET", list_tags)
    app.route(many, "POST", add_tag)
    app.route(one, "GET", get_tag)
    app.route(one, "DELETE", remove_tag)


def list_tags(incident_pk):
    """TAG-4: in attach order."""
    auth.require_user()
    incident_or_404(incident_pk)
    relations = (IncidentTag.select(IncidentTag, Tag).join(Tag).where(IncidentTag.incident == incident_pk)
                 .order_by(IncidentTag.id))
    return [{"tag": relation.tag.text} for relation in relations]


def add_tag(incident_pk):
    """TAG-4: attach (a no-op when already there), 201 either way."""
    user = auth.require_user()
    incident_or_404(incident_pk)
    pair = readers.read_tag(web.json_body())
    with changes.recording(web.settings(), web.listeners()):
        incidents.attach(incidents.locked(incident_pk), [pair], user, times.now())
    web.created()
    return {"tag": incidents.tag_text(pair)}


def get_tag(incident_pk, tag_text):
    """TAG-5: 404 unless attached."""
    auth.require_user()
    incident_or_404(incident_pk)
    relation = attached(incident_pk, tag_text)
    return {"tag": relation.tag.text}


def remove_tag(incident_pk, tag_text):
    """TAG-5: any authenticated user may detach; an unused tag row goes too."""
    auth.require_user()
    incident_or_404(incident_pk)
    relation = attached(incident_pk, tag_text)
    with changes.recording(web.settings(), web.listeners()):
        incidents.detach(relation)
    web.no_content()


def incident_or_404(incident_pk):
    """TAG-4, TAG-5: a missing incident is named in the 404 of the tag endpoints."""
    if incidents.find(incident_pk) is None:
        raise errors.not_found(NO_INCIDENT)


def attached(incident_pk, tag_text):
    try:
        check_text(tag_text)
        pair = incidents.parse_tag(tag_text)
    except Invalid:
        raise errors.not_found() from None
    relation = incidents.attached_relation(incident_pk, pair)
    if relation is None:
        raise errors.not_found()
    return relation

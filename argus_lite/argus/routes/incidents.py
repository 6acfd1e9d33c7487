"""One incident: create, read, change, ticket URL (INC-5…INC-7, INC-11…INC-13, INC-16)."""
from functools import partial

from ... import errors, times, web
from ...core import changes, incident_shapes, incidents
from ...models.incidents import row_of
from .. import auth, readers


def install(app, version):
    api = f"/api/{version}/incidents"
    app.route(api, "POST", create_incident)                         # INC-11
    app.route(f"{api}/mine", "POST", create_incident)               # INC-14
    app.route(f"{api}/<incident_pk:int>", "GET", get_incident)      # INC-12; DELETE, POST -> 405
    app.route(f"{api}/<incident_pk:int>", "PATCH", partial(change_incident, tags_required=False))
    app.route(f"{api}/<incident_pk:int>", "PUT", partial(change_incident, tags_required=True))
    app.route(f"{api}/<incident_pk:int>/ticket_url", "PUT", put_ticket_url)


def create_incident():
    user = auth.require_user()
    values = readers.read_new(web.json_body())
    values["source"] = incidents.source_for(user, values["source"])     # INC-5, before the transaction
    with changes.recording(web.settings(), web.listeners()) as unit:
        incident, events = incidents.create(values, user)
        unit.add(events)
    web.created()
    # Answered from what was written, not read back: the tags in body order (INC-8), added by this caller
    # at the first event's received time (create() uses one "now" for both), not acked yet.
    created_us = times.to_us(events[0].received)
    tags = [(user.id, created_us, incidents.tag_text(pair)) for pair in values["tags"]]
    return incident_shapes.incident(row_of(incident, values["source"]), tags, created_us)


def get_incident(incident_pk):
    auth.require_user()
    answer = incident_shapes.shown(incident_pk)
    if answer is None:
        raise errors.not_found()
    return answer


def change_incident(incident_pk, tags_required):
    """INC-7 (PATCH), INC-12 (PUT = PATCH with tags required): any authenticated user."""
    user = auth.require_user()
    incidents.get(incident_pk)
    values = readers.read_changes(web.json_body(), tags_required)
    with changes.recording(web.settings(), web.listeners()) as unit:
        unit.add(incidents.change(incidents.locked(incident_pk), values, user))
    return incident_shapes.shown(incident_pk)


def put_ticket_url(incident_pk):
    """INC-13."""
    user = auth.require_user()
    incidents.get(incident_pk)
    value = readers.read_ticket_url(web.json_body())
    with changes.recording(web.settings(), web.listeners()) as unit:
        unit.add(incidents.set_ticket_url(incidents.locked(incident_pk), value, user))
    return {"ticket_url": value}

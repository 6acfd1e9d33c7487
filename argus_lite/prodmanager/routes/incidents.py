"""ProdManager incidents (reference §1.4; FACE-4…FACE-9): list, show, create, update, comment, delete."""
from functools import partial

from ... import times, web
from ...core import affected, changes, pages
from ...core.outcomes import NotFound
from .. import answers, auth, paging, readers, serialize
from ..readers import Form

PERMISSION = "incident_api"
PHASES_OF_STATUS = {"active": ["reported"], "investigating": ["investigating", "identified"],
                    "stable": ["monitoring"], "resolved": ["resolved"]}
PHASE_OF_STATUS = {"active": "reported", "investigating": "investigating", "stable": "monitoring",
                   "resolved": "resolved"}
STATUS_ORDER = ["active", "investigating", "resolved", "stable"]        # the enum names, sorted as stored
SEVERITY_ORDER = ["critical", "high", "low", "minor", "moderate"]
PHASE_RANK = {phase: STATUS_ORDER.index(status) for phase, status in serialize.STATUS_OF_PHASE.items()}
LEVEL_RANK = {level: SEVERITY_ORDER.index(name) for level, name in serialize.SEVERITY_OF_LEVEL.items()}
# Dates a status owns; choosing a status sets its own date (when none is sent) and clears later ones.
DATE_OF_STATUS = {"investigating": "investigating_at", "stable": "monitoring_at", "resolved": "resolved_at"}
DATE_FIELDS = {"investigating_at": "investigation_date", "monitoring_at": "stable_date",
               "resolved_at": "resolve_date"}
WORKFLOW = ["active", "investigating", "stable", "resolved"]          # the order "later status" means
FORM_FIELD = {"scope": "scope", "service": "service", "title": "name", "body": "description",
              "external_reference": "external_reference", "external_link": "external_link", "level": "severity",
              "start_time": "start_impact_date", **DATE_FIELDS}


def install(route):
    route("/api/incident", "GET", list_incidents)
    route("/api/incident/<incident_pk:int>", "GET", show_incident, "Incident show failed", "incident")
    route("/api/incident/create", "POST", create_incident, "Incident creation failed", "incident")
    route("/api/incident/<incident_pk:int>/update", "POST", update_incident, "Incident update failed", "incident")
    route("/api/incident/<incident_pk:int>/comment", "POST", comment_incident, "Incident comment failed", "incident")
    route("/api/incident/<incident_pk:int>/delete", "POST", delete_incident, "Incident deletion failed", "incident")


# Reading ----------------------------------------------------------------------------------------

def list_filters():
    """The list filters of reference §1.3: repeats are OR, values that do not convert are dropped."""
    def date_us(text):
        moment = readers.parse_date(text.strip())
        return None if moment is None else times.to_us(moment)

    def number(text):
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None

    phases = readers.query_values("status", PHASES_OF_STATUS.get)
    before, after = readers.query_values("impact_before", date_us), readers.query_values("impact_after", date_us)
    return {"phase": [phase for group in phases for phase in group],
            "level": readers.query_values("severity", serialize.LEVEL_OF_SEVERITY.get),
            "scope": readers.query_values("scope", number), "service": readers.query_values("service", number),
            "external_reference": readers.query_values("external_reference", lambda text: text or None),
            "started_before": min(before) if before else None, "started_after": max(after) if after else None}


def list_incidents():
    caller = auth.caller()
    page, size = paging.page_and_size()
    filters = list_filters()
    show_internal = caller is not None
    found = pages.listed(filters, show_internal, (page - 1) * size, size, PHASE_RANK, LEVEL_RANK)
    paging.set_page_headers(page, size, pages.total(filters, show_internal))
    notes = pages.notes_of([row.incident_id for row in found], show_internal)
    return {"items": [serialize.incident(row, notes[row.incident_id]) for row in found]}


def show_incident(incident_pk):
    caller = auth.caller()
    page = pages.get(incident_pk, show_internal=caller is not None)
    return serialize.incident(page, pages.notes_of([incident_pk], caller is not None)[incident_pk])


# Writing ----------------------------------------------------------------------------------------

def read_common(form):
    """The fields create and update share (reference §1.4 table)."""
    return {"scope": form.pk("scope", partial(pages.find_affected, "scope")),
            "service": form.pk("service", partial(pages.find_affected, "service")),
            "title": form.text("name", required=True, min_length=4),
            "body": form.text("description", max_length=100_000),
            "external_reference": form.text("external_reference", max_length=500),
            "external_link": form.url("external_link"),
            "level": form.choice("severity", serialize.LEVEL_OF_SEVERITY)}


def create_incident():
    caller = auth.require(PERMISSION)
    form = Form(readers.form())
    values = read_common(form)
    values["start_time"] = form.date("start_impact_date", required=form.given("start_impact_date"))
    form.check()
    with changes.recording(web.settings(), web.listeners()) as unit:
        values.update(held_affected(values))
        page, stored = pages.publish_new(auth.FACE, values, caller.user)
        unit.add(stored)
    answers.redirect(f"/api/incident/{page.incident_id}")


def held_affected(values):
    """FACE-5: the scope and service the form named, read again inside the write transaction and held there
    (core.affected.held), so that a rename or delete committed since is seen; one gone is an unknown id."""
    found = {kind: affected.held(kind, values[kind].id) for kind in pages.AFFECTED if values.get(kind) is not None}
    gone = {kind: [readers.NOT_A_CHOICE] for kind, thing in found.items() if thing is None}
    if gone:
        raise answers.Refused(gone)
    return found


def update_incident(incident_pk):
    """Reference §1.4 with FACE-8: a field left out keeps its stored value; choosing a status sets its own
    date when none is sent (and none is stored) and clears the dates of later statuses."""
    caller = auth.require(PERMISSION)
    form = Form(readers.form())
    values = read_common(form)
    status = form.choice("status", PHASE_OF_STATUS)
    values.update({name: form.date(field) for name, field in DATE_FIELDS.items()})
    # Sent blank, the impact start is refused as ProdManager's DataRequired refuses it: an incident has one.
    values["start_time"] = form.date("start_impact_date", required=form.given("start_impact_date"))
    form.check()
    with changes.recording(web.settings(), web.listeners()) as unit:
        page = pages.locked(incident_pk)
        values.update(held_affected(values))
        unit.add(pages.change(page, wanted_changes(page, form, values, status), caller.user))
    answers.redirect(f"/api/incident/{incident_pk}")


def wanted_changes(page, form, values, status):
    """The core.pages fields the update changes: those sent (a blank one clears), the phase unless the
    status is the phase's own, and the dates of reference §1.4's rule."""
    sent = {name: value for name, value in values.items() if value is not None or form.given(FORM_FIELD[name])}
    current = serialize.STATUS_OF_PHASE[page.phase]
    wanted = {key: value for key, value in sent.items() if key not in DATE_FIELDS}
    wanted["phase"] = page.phase if status_of(status) == current else status
    state = pages.state_of(pages.row_of(page))
    position = WORKFLOW.index(status_of(status))
    for later_status, name in DATE_OF_STATUS.items():
        owned = WORKFLOW.index(later_status)
        if owned > position:
            wanted[name] = None
        elif name in sent:
            wanted[name] = sent[name]
        elif owned == position and state[name] is None:
            wanted[name] = times.now()
    return wanted


def status_of(phase):
    return serialize.STATUS_OF_PHASE[phase]


def comment_incident(incident_pk):
    caller = auth.require(PERMISSION)
    form = Form(readers.form())
    text = form.text("comment", required=True)
    is_public = not form.flag("internal")
    form.check()
    with changes.recording(web.settings(), web.listeners()) as unit:
        unit.add(pages.comment(pages.locked(incident_pk), text, is_public, caller.user))
    answers.redirect(f"/api/incident/{incident_pk}")


def delete_incident(incident_pk):
    auth.require(PERMISSION)
    try:
        with changes.recording(web.settings(), web.listeners()):
            pages.delete(pages.locked(incident_pk))
    except NotFound:        # ProdManager's incident delete gives this one reason as a string, not a list
        raise answers.refusal(404, "Incident deletion failed", {"incident": f"Resource not found : {incident_pk}"})
    answers.redirect("/api/incident")


"""The public status page (issue 14) under /status: no login, no session, no script. The overall state, the
components by group, ProdManager's scope × service grid, the open incidents with their public notes, the
last 14 days, one page per incident and an Atom feed, all read as a guest reads the faces (FACE-7): only
public incidents published by now, only public notes."""
import datetime

import bottle

from ... import times, web
from ...core import affected, components, status_page
from ...core.outcomes import NotFound
from ...models.pages import PHASES
from .. import atom
from ..pages import Page
from . import static

PREFIX = "/status"
HISTORY_DAYS = 14
OPEN_MAX = 100                    # open incidents shown
HISTORY_MAX = 500                 # resolved incidents over the 14 days
NOTES_MAX = 1000                  # public notes of the incidents of one page, in all
GROUPS_MAX = COMPONENTS_MAX = 200
AFFECTED_MAX = 100                # scopes, and services, in the grid
FEED_MAX = 50
LEVELS = {1: "Critical", 2: "High", 3: "Moderate", 4: "Low", 5: "Minor"}
PHASE_NAMES = {phase: phase.capitalize() for phase in PHASES}
COMPONENT_STATUSES = {components.OPERATIONAL: "Operational", components.PERFORMANCE: "Performance issues",
                      components.PARTIAL: "Partial outage", components.MAJOR: "Major outage",
                      components.UNKNOWN: "Unknown", components.MAINTENANCE: "Under maintenance"}
SYSTEM_STATES = {"operational": "All systems operational", "partial_outage": "Some systems are having problems",
                 "major_outage": "Some systems are down", "under_maintenance": "Some systems are under maintenance"}


def install(route):
    route("", "GET", overview)              # /status/ (the trailing slash is stripped, C-3)
    route("/incidents/<incident_pk:int>", "GET", incident_page)
    route("/feed.atom", "GET", feed)
    route("/static/<name>", "GET", static.static_file)


def overview():
    now_us = times.to_us(times.now())
    open_rows = status_page.open_incidents(now_us, OPEN_MAX)
    resolved = status_page.resolved_since(history_start(now_us), now_us, HISTORY_MAX)
    groups, shown_components = grouped_components()
    return Page("status.html", **common(), state=components.system_status(unresolved=len(open_rows)),
                groups=groups, grid=scope_service_grid(now_us), incidents=open_rows,
                history=days_of(resolved, now_us), **about(open_rows, shown_components))


def incident_page(incident_pk):
    now_us = times.to_us(times.now())
    row = status_page.find(incident_pk, now_us)
    if row is None:
        raise NotFound("incident", incident_pk)
    _, shown_components = grouped_components()
    return Page("status_incident.html", **common(), incident=row, **about([row], shown_components))


def common():
    settings = web.settings()
    return {"title": settings.status_title, "intro": settings.status_intro, "levels": LEVELS,
            "phases": PHASE_NAMES, "component_statuses": COMPONENT_STATUSES, "system_states": SYSTEM_STATES,
            "update_phase": update_phase, "component_status": components.latest_status}


def about(rows, shown_components):
    """What the incident templates show beside each row: public notes, scope and service names, and the
    components it affects that guests see."""
    pks = [row.incident_id for row in rows]
    affecting = components.of_incidents(pks)
    return {"notes": status_page.public_notes_of(pks, NOTES_MAX),
            "scope_names": affected.names_of("scope", [row.scope_id for row in rows]),
            "service_names": affected.names_of("service", [row.service_id for row in rows]),
            "affects": {pk: [(thing, status) for thing, status in found if thing.id in shown_components]
                        for pk, found in affecting.items()}}


def update_phase(note):
    """A Cachet update's phase (its status is the index in PHASES); a comment has none."""
    return PHASE_NAMES[PHASES[note.status]] if note.status is not None and 0 <= note.status < len(PHASES) else None


def grouped_components():
    """[(group or None, [ComponentRow])] as guests see them, groups with none left out, and the pks shown."""
    groups = components.groups_listed(False, [("order", False), ("name", False)], 0, GROUPS_MAX)
    members = components.of_groups([group.id for group in groups], False)
    ungrouped = components.listed({"group_pk": None}, False, [("order", False), ("name", False)], 0, COMPONENTS_MAX)
    found = [(group, members[group.id]) for group in groups if members[group.id]]
    if ungrouped:
        found.append((None, ungrouped))
    return found, {row.id for _, rows in found for row in rows}


def scope_service_grid(now_us):
    """(scopes, services, cells): every scope and service as (pk, name) rows and columns, and the worst open
    state of each pair that has open public incidents; None when there are neither scopes nor services."""
    cells = status_page.open_grid(now_us)
    names = {}
    for position, kind in enumerate(("scope", "service")):
        names[kind] = {thing.id: thing.name for thing in affected.listed(kind, 0, AFFECTED_MAX)}
        missing = {pair[position] for pair in cells} - set(names[kind])
        names[kind].update(affected.names_of(kind, missing))
    if not names["scope"] and not names["service"]:
        return None
    ordered = {kind: sorted(found.items(), key=lambda item: (item[1], item[0])) for kind, found in names.items()}
    return {"scopes": ordered["scope"], "services": ordered["service"], "cells": cells}


def history_start(now_us):
    """The first instant of the day HISTORY_DAYS - 1 days ago, in the server's zone."""
    today = datetime.datetime.fromtimestamp(now_us / 1e6, times.server_zone()).date()
    first = today - datetime.timedelta(days=HISTORY_DAYS - 1)
    return times.to_us(datetime.datetime.combine(first, datetime.time(), times.server_zone()))


def days_of(resolved, now_us):
    """[(date, [PageRow resolved that day])], today first, for each of the HISTORY_DAYS days."""
    zone = times.server_zone()
    today = datetime.datetime.fromtimestamp(now_us / 1e6, zone).date()
    by_day = {today - datetime.timedelta(days=back): [] for back in range(HISTORY_DAYS)}
    for row in resolved:
        day = datetime.datetime.fromtimestamp(row.end_time / 1e6, zone).date()
        if day in by_day:
            by_day[day].append(row)
    return list(by_day.items())


# The feed -----------------------------------------------------------------------------------------

def feed():
    """Atom 1.0: an entry per public incident (its phase now) of the newest, and per public note, the
    latest changed first."""
    now_us = times.to_us(times.now())
    title = web.settings().status_title
    entries = [incident_entry(row) for row in status_page.newest(now_us, FEED_MAX)]
    entries += [note_entry(note) for note in status_page.newest_public_notes(now_us, FEED_MAX)]
    entries.sort(key=lambda entry: entry.updated, reverse=True)
    body = atom.document(web.absolute_url(f"{PREFIX}/"), title, web.absolute_url(f"{PREFIX}/feed.atom"),
                         web.absolute_url(f"{PREFIX}/"), entries[:FEED_MAX], now_us)
    bottle.response.content_type = "application/atom+xml; charset=utf-8"
    return body


def incident_link(incident_pk):
    return web.absolute_url(f"{PREFIX}/incidents/{incident_pk}")


def incident_entry(row):
    content = f"{PHASE_NAMES[row.phase]}." + (f"\n\n{row.body}" if row.body else "")
    updated = max(row.updated, row.published_at or 0)
    return atom.Entry(incident_link(row.incident_id), f"{row.title} ({PHASE_NAMES[row.phase].lower()})",
                      updated, incident_link(row.incident_id), content)


def note_entry(note):
    phase = update_phase(note)
    link = f"{incident_link(note.incident_id)}#note-{note.id}"
    title = f"{note.title}: {phase.lower()}" if phase else f"{note.title}: update"
    return atom.Entry(link, title, note.created, link, note.content)

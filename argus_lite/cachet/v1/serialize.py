"""Cachet 2.4 objects (reference §3.2): incidents flat with their updates, dates Y-m-d H:i:s in the server
zone, lists with Fractal's pagination meta."""
import datetime
import urllib.parse

import bottle

from ... import times, web
from ...core import components, pages
from .. import serialize as v3

HUMAN_STATUS = ("Scheduled", "Investigating", "Identified", "Watching", "Fixed")
ICONS = ("icon ion-android-calendar", "icon ion-flag oranges", "icon ion-alert-circled reds",
         "icon ion-eye yellows", "icon ion-checkmark greens")


def status_of(core_status):
    """The 2.x status of a core component one: Unknown and Under Maintenance have no 2.x number but 0."""
    return core_status if components.OPERATIONAL <= core_status <= components.MAJOR else 0


def core_status(status):
    return status if status else components.UNKNOWN


def date(value):
    """Y-m-d H:i:s in the server zone, of µs since the epoch (written out: strftime costs half again)."""
    if value is None:
        return None
    moment = datetime.datetime.fromtimestamp(value // 1_000_000, times.server_zone())
    return (f"{moment.year:04}-{moment.month:02}-{moment.day:02} "
            f"{moment.hour:02}:{moment.minute:02}:{moment.second:02}")


def incident(row, updates, component_pk):
    """A core.pages.PageRow with its UpdateRows (oldest first) and the pk of the component it affects (0
    for none). As 2.4's IncidentPresenter: updates newest
    first as bare rows, is_resolved from the latest update, duration whole seconds since creation (0 with no
    update: 2.4 measures up to the update's occurred_at, which updates do not have, so up to now)."""
    status = v3.status_of(row.phase)
    latest = updates[-1] if updates else None
    latest_status = latest.status if latest else None
    return {
        "id": row.incident_id, "component_id": component_pk, "name": row.title, "status": status,
        "visible": 1 if row.visibility == pages.PUBLIC else 0, "message": row.body or "",
        "occurred_at": date(row.start_time), "created_at": date(row.created), "updated_at": date(row.updated),
        "deleted_at": None, "user_id": None, "stickied": bool(row.stickied), "notifications": bool(row.notifications),
        "is_resolved": (latest_status if latest else status) == 4, "human_status": HUMAN_STATUS[status],
        "latest_update_id": latest.id if latest else None, "latest_status": latest_status,
        "latest_human_status": HUMAN_STATUS[latest_status] if latest else None,
        "latest_icon": ICONS[latest_status] if latest else None,
        "permalink": web.absolute_url(f"/incidents/{row.incident_id}"),
        "duration": (times.to_us(times.now()) - row.created) // 1_000_000 if latest else 0,
        "meta": {}, "updates": [bare_update(one) for one in reversed(updates)]}


def bare_update(row):
    """An update as the incident's eager-loaded relation holds it: its columns, no presenter fields."""
    return {"id": row.id, "incident_id": row.incident_id, "status": row.status, "message": row.content,
            "user_id": None, "created_at": date(row.created), "updated_at": date(row.updated)}


def update(row):
    """A core.pages.UpdateRow, as 2.4's IncidentUpdatePresenter."""
    return {**bare_update(row), "human_status": HUMAN_STATUS[row.status],
            "permalink": web.absolute_url(f"/incidents/{row.incident_id}#update-{row.id}")}


def single(thing):
    return {"data": thing}


def page(things, total, number, size):
    """Fractal's IlluminatePaginatorAdapter meta: totals and the links of the pages beside this one."""
    pages_total = max((total + size - 1) // size, 1)
    return {"meta": {"pagination": {
        "total": total, "count": len(things), "per_page": size, "current_page": number,
        "total_pages": pages_total, "links": {
            "next_page": link(number + 1, size) if number < pages_total else None,
            "previous_page": link(number - 1, size) if number > 1 else None}}}, "data": things}


def query_values():
    """The query string as {name: text}, a value that is no UTF-8 left out."""
    query = bottle.request.query
    return {name: value for name in query if (value := query.getunicode(name)) is not None}


def link(number, size):
    query = {**query_values(), "page": number, "per_page": size}
    return f"{web.absolute_url(bottle.request.path)}?{urllib.parse.urlencode(query)}"

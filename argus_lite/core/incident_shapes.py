"""INC-1: an incident as JSON values, the shape the Argus API shows and the ticket plugins receive (TKT-3)."""
from .. import times
from ..models.incidents import details_url, one_incident, tags_of
from ..times import format_us


def incident(row, tags, now_us):
    """INC-1, in its key order, from an IncidentRow (models.incidents) and its tags (tags_of)."""
    return {
        "pk": row.id,
        "start_time": format_us(row.start_time),
        "end_time": format_us(row.end_time),
        "source": {"pk": row.source_pk, "name": row.source_name, "type": {"name": row.source_type},
                   "user": row.source_user, "base_url": row.source_base_url},
        "source_incident_id": row.source_incident_id,
        "details_url": details_url(row.details_url, row.source_base_url),
        "description": row.description,
        "level": row.level,
        "ticket_url": row.ticket_url,
        "tags": [tag(*attached) for attached in tags],
        "stateful": row.end_time is not None,
        "open": row.end_time is not None and row.end_time > now_us,        # MOD-5; infinity is 2^62
        "acked": bool(row.acked),
    }


def incidents(rows, now=None):
    """IncidentRows serialized with one query more, for their tags."""
    tags, now_us = tags_of([row.id for row in rows]), times.to_us(now or times.now())
    return [incident(row, tags[row.id], now_us) for row in rows]


def tag(added_by, added_us, text):
    """MOD-6, from models.incidents.tags_of."""
    return {"added_by": added_by, "added_time": format_us(added_us), "tag": text}


def shown(incident_pk):
    """INC-1 for one incident, read fresh (None when there is none)."""
    now = times.now()
    found = one_incident(incident_pk, now)
    return None if found is None else incident(*found, times.to_us(now))

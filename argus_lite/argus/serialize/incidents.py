"""Incidents, sources, events and acks as the API shows them (INC-1, MOD-4, MOD-7, MOD-8)."""
from ... import times
from ...models.incidents import EVENT_TYPES, details_url, tags_of
from ...times import format_time, format_us


def source(row):
    return {"pk": row.id, "name": row.name, "type": {"name": row.type_id}, "user": row.user_id,
            "base_url": row.base_url}


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


def event(row, actor_username):
    """MOD-7."""
    return {
        "pk": row.id,
        "incident": row.incident_id,
        "actor": {"pk": row.actor_id, "username": actor_username},
        "timestamp": format_time(row.timestamp),
        "received": format_time(row.received),
        "type": {"value": row.type, "display": EVENT_TYPES[row.type]},
        "description": row.description,
    }


def ack(row, event_row, actor_username):
    """MOD-8: the ack's pk is its event's pk."""
    return {"pk": row.event_id, "event": event(event_row, actor_username),
            "expiration": format_time(row.expiration)}

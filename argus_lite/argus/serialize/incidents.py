"""Sources, events and acks as the API shows them (MOD-4, MOD-7, MOD-8); incidents: core.incident_shapes."""
from ...models.incidents import EVENT_TYPES
from ...times import format_time


def source(row):
    return {"pk": row.id, "name": row.name, "type": {"name": row.type_id}, "user": row.user_id,
            "base_url": row.base_url}


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

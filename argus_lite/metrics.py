"""The process's Prometheus metrics (prometheus_client, in a registry of argus_lite's own): counters that
the request hooks, the unit of work's listeners and the notification sender move. What the database
holds (the outbox) is read when /metrics is scraped (argus_lite.ops.metrics). No HTTP here: the sender
counts too."""
from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry()
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

REQUESTS = Counter("argus_lite_http_requests", "HTTP requests answered, by route template, method and status",
                   ["route", "method", "status"], registry=REGISTRY)
LATENCY = Histogram("argus_lite_http_request_duration_seconds", "Time to answer a request, by route template",
                    ["route", "method"], buckets=LATENCY_BUCKETS, registry=REGISTRY)
INCIDENTS_CREATED = Counter("argus_lite_incidents_created", "Incidents created (their STA events)",
                            registry=REGISTRY)
EVENTS = Counter("argus_lite_events", "Events stored, by type", ["type"], registry=REGISTRY)
ACKS = Counter("argus_lite_acks", "Acknowledgements stored (their ACK events)", registry=REGISTRY)
SENDER_ATTEMPTS = Counter("argus_lite_sender_attempts",
                          "Notification deliveries tried, by outcome: sent, retried (later) or failed (parked)",
                          ["outcome"], registry=REGISTRY)


def count_changes(changes):
    """A core.changes listener: the events of one committed unit of work."""
    for change in changes:
        EVENTS.labels(change.event_type).inc()
        if change.event_type == "STA":
            INCIDENTS_CREATED.inc()
        elif change.event_type == "ACK":
            ACKS.inc()

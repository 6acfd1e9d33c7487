"""GET /metrics in the Prometheus text format: the counters of argus_lite.metrics, and, read when scraped,
the outbox (pending, failed, sent, the age of the oldest pending message) and the database pool. With
ARGUS_LITE_METRICS_TOKEN set, only `Authorization: Bearer <that token>` may read it."""
import hmac

import bottle
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import GaugeMetricFamily

from .. import db, errors, metrics, times, web
from ..notify import outbox


def install(app, settings):
    app.route("/metrics", "GET", lambda: scrape(settings), skip=[web.render_json])


def scrape(settings):
    if settings.metrics_token and not is_allowed(bottle.request.get_header("Authorization", ""),
                                                 settings.metrics_token):
        bottle.response.status = 401
        bottle.response.content_type = "application/json"
        bottle.response.set_header("WWW-Authenticate", 'Bearer realm="metrics"')
        return errors.encode({"detail": "Authentication credentials were not provided."})
    bottle.response.content_type = CONTENT_TYPE_LATEST
    return generate_latest(metrics.REGISTRY)


def is_allowed(header, token):
    scheme, _, given = header.partition(" ")
    return scheme == "Bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


class StoredState:
    """The gauges read from the database at each scrape: three counts and one minimum over the outbox."""

    def collect(self):
        with db.db.connection_context():
            counts, oldest = outbox.counts(), outbox.oldest_pending_created()
        messages = GaugeMetricFamily("argus_lite_outbox_messages", "Outbox messages, by state", labels=["state"])
        for state in ("pending", "failed", "sent"):
            messages.add_metric([state], counts[state])
        yield messages
        age = (times.now() - oldest).total_seconds() if oldest is not None else 0
        yield GaugeMetricFamily("argus_lite_outbox_oldest_pending_seconds",
                                "Age of the oldest message waiting to be sent (0: none waits)", value=age)
        in_use, size = db.pool_usage()
        yield GaugeMetricFamily("argus_lite_db_connections_in_use", "Database connections lent out", value=in_use)
        yield GaugeMetricFamily("argus_lite_db_connections_max", "Database connections the pool may open",
                                value=size)


metrics.REGISTRY.register(StoredState())

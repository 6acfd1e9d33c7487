"""What an operator runs argus_lite with, on every app whatever its faces: request ids, one log line and
the metrics of each request, /healthz, /readyz and /metrics."""
from . import health, metrics, requests


def install_hooks(app, settings):
    """Before any other hook, so that a request another hook refuses is timed, counted and logged too."""
    requests.install(app, settings)


def install_routes(app, settings):
    health.install(app, settings)
    metrics.install(app, settings)

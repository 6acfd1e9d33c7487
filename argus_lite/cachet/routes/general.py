"""GET /ping, /version and /status (reference §2.3): the status is computed from the components and the
guest-visible incidents (Cachet's Status::current)."""
from ...core import components

VERSION = "3.x-dev"
MESSAGES = {"operational": "All systems are operational.",                      # Cachet's system_status
            "partial_outage": "Some systems are experiencing issues.",
            "major_outage": "Some systems are experiencing major issues.",
            "under_maintenance": "Some systems are under maintenance."}


def install(route):
    route("/ping", "GET", ping)
    route("/version", "GET", show_version)
    route("/status", "GET", status)


def ping():
    return {"data": "Pong!"}


def show_version():
    return {"data": {"version": VERSION}}


def status():
    current = components.system_status()
    return {"data": {"status": current, "message": MESSAGES[current]}}

"""GET /ping, /version and /status (reference §2.3). The status is computed from components, which this
face does not hold yet: with none, Cachet says all systems are operational."""

VERSION = "3.x-dev"


def install(route):
    route("/ping", "GET", ping)
    route("/version", "GET", show_version)
    route("/status", "GET", status)


def ping():
    return {"data": "Pong!"}


def show_version():
    return {"data": {"version": VERSION}}


def status():
    return {"data": {"status": "operational", "message": "All Systems Operational"}}

"""ProdManager's weather (reference §1.7): how many incidents are in each status, with the incident list's
filters and visibility (FACE-7). Monitors, maintenances and announcements have none here (FACE-15)."""
from ...core import pages
from .. import auth, paging
from . import incidents


def install(route):
    route("/api/weather/incident", "GET", incident_weather)


def incident_weather():
    caller = auth.caller()
    paging.page_and_size()          # ProdManager checks the paging values here too, and ignores them
    counts = pages.phase_counts(incidents.list_filters(), show_internal=caller is not None)
    return {status: sum(counts[phase] for phase in phases)
            for status, phases in incidents.PHASES_OF_STATUS.items()}

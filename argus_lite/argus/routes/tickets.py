"""v2 automatic tickets (TKT-1…TKT-4): the configured plugin makes a ticket for one incident."""
import urllib.parse

from ... import errors, times, web
from ...core import changes, incidents, tickets
from ...fields import Invalid
from .. import auth
from .incidents import shown

NO_URL = "No url could be generated. Please check that the ticket plugin provides a function to create tickets."


def install(app, version):
    if version == "v2":     # V-9
        app.route("/api/v2/incidents/<incident_pk:int>/automatic-ticket", "PUT", automatic_ticket)


def automatic_ticket(incident_pk):
    """TKT-1: an existing ticket_url is answered as is; else TKT-2…TKT-4."""
    user = auth.require_user()
    incident = incidents.get(incident_pk)
    if incident.ticket_url:
        return {"ticket_url": incident.ticket_url}
    url = ticket_for(incident_pk, user)
    with changes.recording(web.settings(), web.listeners()) as unit:
        incident = incidents.locked(incident_pk)
        if incident.ticket_url:     # another request made one meanwhile: keep the first
            return {"ticket_url": incident.ticket_url}
        unit.add(incidents.set_field(incident, "ticket_url", url, user, times.now(),
                                     description=f"Change: ticket_url \u2192 {url}"))
    return {"ticket_url": url}


def ticket_for(incident_pk, user):
    """TKT-2, TKT-3: the plugin's URL; its failures are outcomes (answers.py: bare string bodies)."""
    settings = web.settings()
    plugin = tickets.load(settings.ticket_plugin)
    incident = dict(shown(incident_pk), argus_url=urllib.parse.urljoin(settings.frontend_url,
                                                                       f"incidents/{incident_pk}"),
                    user=user.full_name)
    url = plugin.create_ticket(incident, settings)
    if not url or not isinstance(url, str):
        raise errors.bad_request(NO_URL)
    try:
        return incidents.ticket_url(url)      # as a client's ticket_url: no NUL, no javascript: link (INC-11)
    except Invalid:
        raise errors.ApiError(500, "The ticket plugin answered a url that cannot be stored.") from None


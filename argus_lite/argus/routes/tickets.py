"""v2 automatic tickets (TKT-1…TKT-4): the configured plugin makes a ticket for one incident."""
from ... import web
from ...core import tickets
from .. import auth


def install(app, version):
    if version == "v2":     # V-9
        app.route("/api/v2/incidents/<incident_pk:int>/automatic-ticket", "PUT", automatic_ticket)


def automatic_ticket(incident_pk):
    """TKT-1…TKT-4; the plugin's failures are outcomes (answers.py: bare string bodies)."""
    user = auth.require_user()
    return {"ticket_url": tickets.attach_automatic(incident_pk, user, web.settings(), web.listeners())}

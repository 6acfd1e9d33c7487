"""Automatic tickets (TKT-1…TKT-4): the plugin interface, the built-in `dummy` and `http` plugins, loading.

A plugin is any object with `create_ticket(incident, settings) -> url`, where incident is the INC-1 dict
plus "argus_url" and "user" (TKT-3). It signals failures by raising one of the TicketError classes below,
whose message the caller shows; each face answers each class in its own way (TKT-3 for Argus).
"""
import importlib
import json
import urllib.error
import urllib.parse
import urllib.request

from .. import times
from ..fields import Invalid
from . import changes, incident_shapes, incidents
from .outcomes import DomainError


class TicketError(DomainError):
    """Any other plugin failure (TKT-3)."""


class TicketSettingsError(TicketError):
    """The plugin's settings are missing or wrong."""


class TicketClientError(TicketError):
    """The ticket system cannot be reached."""


class TicketCreationError(TicketError):
    """The ticket system refused the ticket."""


class PluginMissing(DomainError):
    """ARGUS_LITE_TICKET_PLUGIN is empty (TKT-2)."""


class PluginBroken(DomainError):
    """ARGUS_LITE_TICKET_PLUGIN names nothing usable (TKT-2)."""


class NoTicketUrl(DomainError):
    """The plugin answered no URL (TKT-2)."""


class UnstorableTicketUrl(DomainError):
    """The plugin answered a URL no client could store as ticket_url (INC-11)."""


def attach_automatic(incident_pk, user, settings, listeners):
    """TKT-1: an existing ticket_url is kept; else the plugin's URL is stored with its CHI event, unless
    another request stored one meanwhile (the first one stays). Returns the incident's ticket_url."""
    incident = incidents.get(incident_pk)
    if incident.ticket_url:
        return incident.ticket_url
    url = plugin_url(incident_pk, user, settings)
    with changes.recording(settings, listeners) as unit:
        incident = incidents.locked(incident_pk)
        if incident.ticket_url:
            return incident.ticket_url
        unit.add(incidents.set_field(incident, "ticket_url", url, user, times.now(),
                                     description=f"Change: ticket_url \u2192 {url}"))
    return url


def plugin_url(incident_pk, user, settings):
    """TKT-2, TKT-3: the configured plugin's URL for the incident, checked as a client's ticket_url is."""
    plugin = load(settings.ticket_plugin)
    incident = dict(incident_shapes.shown(incident_pk),
                    argus_url=urllib.parse.urljoin(settings.frontend_url, f"incidents/{incident_pk}"),
                    user=user.full_name)
    url = plugin.create_ticket(incident, settings)
    if not url or not isinstance(url, str):
        raise NoTicketUrl()
    try:
        return incidents.ticket_url(url)      # no NUL, no javascript: link (INC-11)
    except Invalid:
        raise UnstorableTicketUrl() from None


class DummyPlugin:
    """TKT-4: needs no settings; a deterministic URL for tests."""

    @staticmethod
    def create_ticket(incident, settings):
        return f"https://tickets.invalid/argus-lite/{incident['pk']}"


class HttpPlugin:
    """POSTs the incident as JSON to ARGUS_LITE_TICKET_ENDPOINT and reads {"url": ...} back."""

    timeout_seconds = 10

    @classmethod
    def create_ticket(cls, incident, settings):
        if not settings.ticket_endpoint:
            raise TicketSettingsError("ARGUS_LITE_TICKET_ENDPOINT is not set.")
        if not settings.ticket_endpoint.lower().startswith(("http://", "https://")):
            raise TicketSettingsError("ARGUS_LITE_TICKET_ENDPOINT must be an http:// or https:// URL.")
        request = urllib.request.Request(settings.ticket_endpoint, data=json.dumps(incident).encode("utf-8"),
                                         headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=cls.timeout_seconds) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise answer_error(error.code) from None
        except (urllib.error.URLError, OSError) as error:
            raise TicketClientError(f"Cannot reach the ticket system: {reason(error)}") from None
        return url_from(raw)


def answer_error(status):
    """A 4xx means the ticket system said no; a 5xx that it is not working."""
    if status >= 500:
        return TicketClientError(f"The ticket system answered {status}.")
    return TicketCreationError(f"The ticket system refused the ticket ({status}).")


def reason(error):
    return getattr(error, "reason", None) or str(error) or type(error).__name__


def url_from(raw):
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise TicketError("The ticket system did not answer with JSON.") from None
    url = answer.get("url") if isinstance(answer, dict) else None
    if url is not None and not isinstance(url, str):
        raise TicketError("The ticket system answered a url that is not a string.")
    return url or ""


BUILT_IN = {"dummy": DummyPlugin, "http": HttpPlugin}


def load(name):
    """"dummy", "http" or a dotted path module.attribute to an object with create_ticket."""
    if not name:
        raise PluginMissing()
    if name in BUILT_IN:
        return BUILT_IN[name]
    module_name, _, attribute = name.rpartition(".")
    try:
        plugin = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError, TypeError):
        raise PluginBroken() from None
    if not callable(getattr(plugin, "create_ticket", None)):
        raise PluginBroken()
    return plugin

"""v2 media catalogue and settings schemas (MED-1…MED-3)."""
from ... import errors, web
from ...notify import media
from .. import auth
from ..serialize import notify as serialize


def install(app, version):
    if version != "v2":      # V-16
        return
    base = f"/api/{version}/notificationprofiles/media"
    app.route(base, "GET", list_media)
    app.route(f"{base}/<slug>", "GET", get_medium)
    app.route(f"{base}/<slug>/json_schema", "GET", json_schema)


def list_media():
    auth.require_user()
    return [serialize.media(slug) for slug in media.installed(web.settings())]


def get_medium(slug):
    auth.require_user()
    return serialize.media(installed_or_404(slug))


def json_schema(slug):
    """MED-3: the schema with its $id first."""
    auth.require_user()
    slug = installed_or_404(slug)
    return {"json_schema": {"$id": web.absolute_url(f"/json-schema/{slug}"), **media.JSON_SCHEMAS[slug]}}


def installed_or_404(slug):
    if slug not in media.installed(web.settings()):
        raise errors.not_found()
    return slug

"""The console's vendored stylesheet and script, and `/` sending people to the console."""
import pathlib

import bottle

from ..pages import PREFIX

FOLDER = pathlib.Path(__file__).resolve().parent.parent / "static"
FILES = {path.name for path in FOLDER.iterdir() if path.suffix in (".css", ".js")}


def install(route, app):
    route("/static/<name>", "GET", static_file)


def static_file(name):
    """Only the files shipped here; a day in caches."""
    if name not in FILES:
        raise bottle.HTTPError(404)
    answer = bottle.static_file(name, root=str(FOLDER))
    answer.set_header("Cache-Control", "public, max-age=86400")
    return answer


def to_console():
    return bottle.redirect(f"{PREFIX}/", 303)

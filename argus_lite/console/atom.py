"""An Atom 1.0 document (RFC 4287) built with ElementTree, which escapes every text and attribute: the status
page's feed of public incidents and their updates."""
import collections
import xml.etree.ElementTree as ElementTree

from .. import times

NAMESPACE = "http://www.w3.org/2005/Atom"
ElementTree.register_namespace("", NAMESPACE)

Entry = collections.namedtuple("Entry", ("id", "title", "updated", "link", "content"))   # updated: µs


def element(parent, name, text=None, **attributes):
    child = ElementTree.SubElement(parent, f"{{{NAMESPACE}}}{name}", attributes)
    if text is not None:
        child.text = text
    return child


def document(feed_id, title, self_link, page_link, entries, updated):
    """The feed's bytes (UTF-8, with its XML declaration); updated (µs) is the feed's when it has no entry."""
    feed = ElementTree.Element(f"{{{NAMESPACE}}}feed")
    element(feed, "id", feed_id)
    element(feed, "title", title)
    element(feed, "updated", rfc3339(max([entry.updated for entry in entries], default=updated)))
    element(feed, "link", rel="self", type="application/atom+xml", href=self_link)
    element(feed, "link", rel="alternate", type="text/html", href=page_link)
    author = element(feed, "author")
    element(author, "name", title)
    for entry in entries:
        item = element(feed, "entry")
        element(item, "id", entry.id)
        element(item, "title", entry.title)
        element(item, "updated", rfc3339(entry.updated))
        element(item, "link", rel="alternate", type="text/html", href=entry.link)
        element(item, "content", entry.content, type="text")
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)


def rfc3339(us):
    """An instant as Atom dates it: with its offset, as the API's times (C-4) are."""
    return times.format_us(us)

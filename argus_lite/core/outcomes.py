"""What the domain says when it refuses: exceptions named after outcomes, holding plain values; each face
maps them to its own answers (for Argus: argus/answers.py)."""


class DomainError(Exception):
    """A request the domain refuses; nothing it would have written is written."""


class NotFound(DomainError):
    """The thing asked for does not exist (or lies beyond any pk, C-9)."""

    def __init__(self, kind, pk):
        super().__init__(kind, pk)
        self.kind, self.pk = kind, pk


class NoSourceSystem(DomainError):
    """INC-5: an incident needs a source, and the caller has none of its own."""


class SourceNotAllowed(DomainError):
    """INC-5: only superusers may name a source other than their own."""

    def __init__(self, source_pk):
        super().__init__(source_pk)
        self.source_pk = source_pk


class UnknownSource(DomainError):
    """INC-5: the source named does not exist; raw is the value as the caller gave it."""

    def __init__(self, raw):
        super().__init__(raw)
        self.raw = raw


class DuplicateSourceIncident(DomainError):
    """INC-4: the source already has an incident of this source_incident_id."""

    def __init__(self, source_pk, source_incident_id):
        super().__init__(source_pk, source_incident_id)
        self.source_pk, self.source_incident_id = source_pk, source_incident_id


class TagsOfOthers(DomainError):
    """INC-7: detaching tags another user attached needs a superuser; tag_texts are those, in attach order."""

    def __init__(self, tag_texts):
        super().__init__(tag_texts)
        self.tag_texts = tag_texts


class EventRefused(DomainError):
    """EV-2: who posts (table A) or the incident's state (table B) refuses an event of this type."""

    def __init__(self, type_code, reason, incident_pk=None):
        super().__init__(type_code, reason, incident_pk)
        self.type_code, self.reason, self.incident_pk = type_code, reason, incident_pk


# The reasons of EventRefused: table A …
SOURCE_SYSTEM_MAY_NOT_POST = "source system may not post"
END_USER_MAY_NOT_POST = "end user may not post"
# … and table B.
ACKS_HAVE_THEIR_ENDPOINT = "acks have their endpoint"
ALREADY_POSTED = "already posted"
START_OF_STATELESS = "start of stateless"
STATELESS_OF_STATEFUL = "stateless of stateful"
STATE_OF_STATELESS = "state of stateless"
ALREADY_CLOSED = "already closed"
ALREADY_OPEN = "already open"


class AckExpired(DomainError):
    """EV-5: an acknowledgement that has expired keeps its expiration."""


class TokenRefused(DomainError):
    """A-5: a token that names nobody who may act now."""


class TokenUnknown(TokenRefused):
    pass


class TokenExpired(TokenRefused):
    """A-1: older than the lifetime (the token is deleted, A-5)."""


class UserInactive(TokenRefused):
    pass


class NameTaken(DomainError):
    """FACE-5: a scope or service of that name exists already."""

    def __init__(self, kind, name):
        super().__init__(kind, name)
        self.kind, self.name = kind, name


class StillInUse(DomainError):
    """FACE-9: a scope or service that incidents still use is not deleted."""

    def __init__(self, kind, pk):
        super().__init__(kind, pk)
        self.kind, self.pk = kind, pk


class TemplateRefused(DomainError):
    """FACE-14: an incident template that does not compile, names an engine we cannot run (Blade), or fails
    while rendering; reason says why in words fit for the client."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class Raced(DomainError):
    """C-9: a row a notification setting names was deleted by a racing request meanwhile; send it again."""


class InUse(DomainError):
    """NF-8: a filter that a notification profile uses stays; message names those profiles."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

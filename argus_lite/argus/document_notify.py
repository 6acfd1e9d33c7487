"""The notification side of the Argus API's documents (see document.py): notification profiles, timeslots,
filters and their preview, destinations, media, and v1's phone numbers."""
from ..models.incidents import EVENT_TYPES
from ..notify.media import MEDIA_NAMES
from ..openapi import BOOLEAN, INTEGER, STRING, Operation, array, nullable, obj, ref

PK = {"type": "integer", "minimum": 1}
TIME_SHOWN = {"type": "string", "pattern": r"^\d{2}:\d{2}:\d{2}(\.\d{6})?$",
              "description": "C-4: hh:mm:ss[.ffffff]."}
TIME_READ = {"type": "string", "pattern": r"^\d{1,2}:\d{2}(:\d{2}(\.\d{1,6})?)?$",
             "description": "hh:mm[:ss[.uuuuuu]] (TS-4)."}
DAY = {"type": "integer", "enum": list(range(1, 8)), "description": "ISO weekday: 1 is Monday."}
SLUG = {"type": "string", "enum": sorted(MEDIA_NAMES), "description": "MED-1: the installed media only."}
PK_LIST = array(PK)
E164 = {"type": "string", "pattern": r"^\+[1-9][0-9]{1,14}$", "description": "PHN-2: E.164."}
NAME = {"type": "string", "maxLength": 40, "description": "MOD-9: unique among the caller's."}
NEW_NAME = {**NAME, "minLength": 1}

SCHEMAS = {
    "TimeRecurrence": obj({"days": {**array(DAY), "minItems": 1}, "start": TIME_SHOWN, "end": TIME_SHOWN,
                           "all_day": {"const": True, "description": "TS-1: present only when true."}},
                          required=["days", "start", "end"]),
    "Timeslot": obj({"pk": PK, "name": NAME, "time_recurrences": array(ref("TimeRecurrence"))}),
    "FilterBlob": obj({"sourceSystemIds": array(PK), "tags": array(STRING), "open": nullable(BOOLEAN),
                       "acked": nullable(BOOLEAN), "stateful": nullable(BOOLEAN),
                       "maxlevel": nullable({"type": "integer", "minimum": 1, "maximum": 5}),
                       "event_type": nullable({"type": "string", "enum": sorted(EVENT_TYPES)})},
                      required=["open", "acked", "stateful", "maxlevel", "event_type"]),
    "Filter": obj({"pk": PK, "name": NAME, "filter_string": STRING, "filter": ref("FilterBlob")}),
    "Media": obj({"slug": SLUG, "name": {"type": "string", "enum": sorted(MEDIA_NAMES.values())}}),
    "EmailSettings": obj({"synced": BOOLEAN, "email_address": STRING}),
    "SmsSettings": obj({"phone_number": E164}),
    "Destination": obj({"pk": PK, "media": ref("Media"), "label": nullable({"type": "string", "maxLength": 50}),
                        "suggested_label": STRING,
                        "settings": {"anyOf": [ref("EmailSettings"), ref("SmsSettings")]}}),
    "PhoneNumber": obj({"pk": PK, "user": PK, "phone_number": E164}),
    "NotificationProfileV1": obj({"pk": PK, "timeslot": ref("Timeslot"), "filters": array(ref("Filter")),
                                  "media": array({"type": "string", "enum": ["EM", "SM"]}), "active": BOOLEAN,
                                  "phone_number": nullable(ref("PhoneNumber"))},
                                 ) | {"description": "NP-2: API v1's profile."},
    "NotificationProfileV2": obj({"pk": PK, "name": nullable(NAME), "timeslot": ref("Timeslot"),
                                  "filters": array(ref("Filter")), "destinations": array(ref("Destination")),
                                  "active": BOOLEAN}) | {"description": "NP-1: API v2's profile."},
}


def body(properties, required=()):
    """A request body: these properties, the named ones required, others ignored (DRF)."""
    return obj(properties, required=list(required), extra=True)


TIMESLOT_FIELDS = {"name": NEW_NAME,
                   "time_recurrences": array(body({"days": {**array(DAY), "minItems": 1}, "start": TIME_READ,
                                                   "end": TIME_READ, "all_day": BOOLEAN}, ["days"]))}
FILTER_FIELDS = {"name": NEW_NAME,
                 "filter_string": {"type": "string",
                                   "description": 'NF-3: JSON text {"sourceSystemIds": [int], "tags": [str]}.'},
                 "filter": body({"sourceSystemIds": array(PK), "tags": array({"type": "string", "minLength": 3}),
                                 "open": nullable(BOOLEAN), "acked": nullable(BOOLEAN),
                                 "stateful": nullable(BOOLEAN),
                                 "maxlevel": nullable({"type": "integer", "minimum": 1, "maximum": 5}),
                                 "event_type": nullable({"type": "string", "enum": sorted(EVENT_TYPES)})})}
PROFILE_FIELDS = {"timeslot": PK, "filters": {**PK_LIST, "minItems": 1}, "name": nullable(NAME),
                  "active": BOOLEAN,
                  "destinations": {**PK_LIST, "description": "API v2 (NP-3): the caller's destinations."},
                  "media": {**array({"type": "string", "enum": ["EM", "SM"]}),
                            "description": "API v1 (NP-6): EM the synced email destination, SM phone_number."},
                  "phone_number": {**nullable(PK), "description": "API v1 (NP-6): one of the caller's numbers."}}
DESTINATION_FIELDS = {"media": SLUG, "label": nullable({"type": "string", "maxLength": 50}),
                      "settings": body({"email_address": STRING, "phone_number": STRING})}
NUMBER_FIELDS = {"phone_number": {"type": "string", "description": "PHN-2: E.164, country code included."}}
PREVIEW = {**body({"sourceSystemIds": array(INTEGER), "tags": array(STRING)}),
           "examples": [{"sourceSystemIds": [1], "tags": ["host=db1.example.org"]}]}


def owned(name, schema, fields, required, rules, example, created="201", changed="200"):
    """The six operations of an owner-scoped resource (list, create, get, PUT, PATCH, DELETE); example: a body
    its create accepts."""
    whole = {**body(fields, required), "examples": [example]}
    return {
        "list": Operation(f"The caller's {name}s ({rules}).", {"200": array(schema)}),
        "create": Operation(f"Creates one of the caller's {name}s ({rules}).", {created: schema},
                            body=whole, body_required=True),
        "get": Operation(f"One of the caller's {name}s; another user's is unknown, 404 ({rules}).",
                         {"200": schema}),
        "put": Operation(f"Replaces one of the caller's {name}s ({rules}).", {changed: schema},
                         body=body(fields, required), body_required=True),
        "patch": Operation(f"Changes the given fields of one of the caller's {name}s ({rules}).",
                           {changed: schema}, body=body(fields)),
        "delete": Operation(f"Deletes one of the caller's {name}s ({rules}).", {"204": None}),
    }


def table(base, pk, operations):
    one = f"{base}/<{pk}:int>"
    return {("GET", base): operations["list"], ("POST", base): operations["create"],
            ("GET", one): operations["get"], ("PUT", one): operations["put"],
            ("PATCH", one): operations["patch"], ("DELETE", one): operations["delete"]}


TIMESLOTS = owned("timeslot", ref("Timeslot"), TIMESLOT_FIELDS, ["name", "time_recurrences"], "TS-1…TS-7",
                    {"name": "Work hours", "time_recurrences": [
                        {"days": [1, 2, 3, 4, 5], "start": "08:00:00", "end": "16:00:00"},
                        {"days": [6, 7], "all_day": True}]})
TIMESLOTS["list"] = Operation("The caller's timeslots, by name (TS-2).", {"200": array(ref("Timeslot"))})
FILTERS = owned("filter", ref("Filter"), FILTER_FIELDS, ["name"], "NF-1…NF-8",
                {"name": "Database servers", "filter": {"sourceSystemIds": [1], "tags": ["host=db1.example.org"],
                                                        "maxlevel": 2, "open": True}})
FILTERS["delete"] = Operation("Deletes one of the caller's filters; refused (400) while a profile uses it (NF-8).",
                              {"204": None})
PROFILES = owned("notification profile", ref("NotificationProfile"), PROFILE_FIELDS, ["timeslot", "filters"],
                 "NP-1…NP-8", {"timeslot": 1, "filters": [1], "name": "Databases at work", "active": True})
DESTINATIONS = owned("destination", ref("Destination"), DESTINATION_FIELDS, ["media", "settings"],
                     "DST-1…DST-9", {"media": "sms", "label": "On call", "settings": {"phone_number": "+4798765432"}})
DESTINATIONS["delete"] = Operation("Deletes one of the caller's destinations; a synced or used email "
                                   "destination is refused, 400 (DST-9).", {"204": None})
NUMBERS = owned("phone number", ref("PhoneNumber"), NUMBER_FIELDS, ["phone_number"], "PHN-1…PHN-6",
                {"phone_number": "+4798765432"}, changed="201")
NUMBERS["patch"] = Operation("Changes the number of one of the caller's phone numbers; PATCH needs "
                             "phone_number as PUT does and both answer 201, as Argus does (PHN-5).",
                             {"201": ref("PhoneNumber")}, body=body(NUMBER_FIELDS, ["phone_number"]),
                             body_required=True)

OPERATIONS = {
    **table("/notificationprofiles/timeslots", "timeslot_pk", TIMESLOTS),
    **table("/notificationprofiles/filters", "filter_pk", FILTERS),
    **table("/notificationprofiles", "profile_pk", PROFILES),
    ("GET", "/notificationprofiles/<profile_pk:int>/incidents"): Operation(
        "The incidents the profile's filters select together, most recent first, at most a page's worth; "
        "another user's profile is unknown, 404 (N-9).", {"200": array(ref("Incident"))}),
    ("POST", "/notificationprofiles/filterpreview"): Operation(
        "The incidents a filter body would select, most recent first, at most a page's worth; a missing key "
        "is an empty list, and an empty filter selects nothing (N-9, NF-3).", {"200": array(ref("Incident"))},
        body=PREVIEW),
    **table("/notificationprofiles/destinations", "destination_pk", DESTINATIONS),
    ("GET", "/notificationprofiles/destinations/<destination_pk:int>/duplicate"): Operation(
        "Whether another user has a destination of the same medium and address (DST-10).",
        {"200": obj({"is_duplicate": BOOLEAN})}),
    ("GET", "/notificationprofiles/media"): Operation("The installed media (MED-1, MED-2).",
                                                      {"200": array(ref("Media"))}),
    ("GET", "/notificationprofiles/media/<slug>"): Operation(
        "One installed medium; another slug is unknown, 404 (MED-2).", {"200": ref("Media")}),
    ("GET", "/notificationprofiles/media/<slug>/json_schema"): Operation(
        "The JSON schema of an installed medium's destination settings, its $id first (MED-3).",
        {"200": obj({"json_schema": obj({"$id": STRING, "title": STRING, "description": STRING,
                                         "type": {"const": "object"}, "required": array(STRING),
                                         "properties": {"type": "object"}})})}),
    **table("/auth/phone-number", "number_pk", NUMBERS),
}
ONLY_IN = {"v1": {("GET", "/auth/phone-number"), ("POST", "/auth/phone-number"),
                  ("GET", "/auth/phone-number/<number_pk:int>"), ("PUT", "/auth/phone-number/<number_pk:int>"),
                  ("PATCH", "/auth/phone-number/<number_pk:int>"), ("DELETE", "/auth/phone-number/<number_pk:int>")},
           "v2": {("GET", "/notificationprofiles/destinations"), ("POST", "/notificationprofiles/destinations"),
                  ("GET", "/notificationprofiles/destinations/<destination_pk:int>"),
                  ("PUT", "/notificationprofiles/destinations/<destination_pk:int>"),
                  ("PATCH", "/notificationprofiles/destinations/<destination_pk:int>"),
                  ("DELETE", "/notificationprofiles/destinations/<destination_pk:int>"),
                  ("GET", "/notificationprofiles/destinations/<destination_pk:int>/duplicate"),
                  ("GET", "/notificationprofiles/media"), ("GET", "/notificationprofiles/media/<slug>"),
                  ("GET", "/notificationprofiles/media/<slug>/json_schema")}}


def schemas(version):
    """The component schemas of one version: a notification profile has its version's shape (V-13)."""
    return {**SCHEMAS, "NotificationProfile": ref(f"NotificationProfile{version.upper()}")}

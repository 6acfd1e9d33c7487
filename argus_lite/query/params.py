"""Every query parameter of the incident lists, once (F-1 table, F-4, F-10, INC-14)."""
import dataclasses
import typing

from . import parse


@dataclasses.dataclass(frozen=True)
class Param:
    """read: value text → term (or None = no filter), None for the page parameters;
    join_repeats: repeats act as one comma-joined value (F-2), else the last counts (F-1);
    on_mine: also a filter of incidents/mine/ (INC-14 ignores the others there)."""
    read: typing.Callable | None
    join_repeats: bool = False
    on_mine: bool = True

    def value_of(self, values):
        if self.join_repeats:
            return ",".join(value for value in values if value)
        return values[-1] if values else ""


PARAMS = {
    "acked": Param(parse.flag(parse.Acked)),
    "open": Param(parse.flag(parse.Open)),
    "stateful": Param(parse.flag(parse.Stateful)),
    "end_time__isnull": Param(parse.flag(parse.Stateful, invert=True)),
    "ticket": Param(parse.flag(parse.HasTicket)),
    "level__lte": Param(parse.level_at_most, on_mine=False),
    "duration__gte": Param(parse.duration_at_least),
    "start_time__gte": Param(parse.time_bound("start_time", ">=")),
    "start_time__lte": Param(parse.time_bound("start_time", "<=")),
    "end_time__gte": Param(parse.time_bound("end_time", ">=")),
    "end_time__lte": Param(parse.time_bound("end_time", "<=")),
    "source__id__in": Param(parse.source_ids, on_mine=False),
    "source__name__in": Param(parse.source_names, on_mine=False),
    "source__type__in": Param(parse.source_types, on_mine=False),
    "source_incident_id": Param(parse.source_incident_id),
    "tags": Param(parse.parse_tags, join_repeats=True),
    "search": Param(parse.search, on_mine=False),
    "token_expiry": Param(parse.token_expiry),
    "count": Param(None),          # F-10: answer the count instead of a page
    "cursor": Param(None),         # F-4, checked by cursor.py
    "page_size": Param(None),      # F-4, never an error
}

MINE_PARAMS = {name: param for name, param in PARAMS.items() if param.on_mine}

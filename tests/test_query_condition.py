"""The public entry point argus_lite.query.incident_condition, as other code (notification filters) uses it."""
import datetime

import pytest

from argus_lite import query, times
from argus_lite.models import Incident
from tests.factories import make_incident

T0 = datetime.datetime(2024, 1, 1, tzinfo=times.UTC)


def selected(params, now=None):
    return [row.id for row in Incident.select(Incident.id).where(query.incident_condition(params, now=now))
            .order_by(Incident.id)]


def test_condition_is_an_expression_over_incident(source):  # F-1, F-2
    tagged = make_incident(source, tags=["a=1", "b=2"])
    make_incident(source, tags=["a=1"])
    assert selected({"source__id__in": [f"{source.source.id},99"], "tags": ["a=1,b=2"]}) == [tagged.id]
    assert selected({}) == selected({"unknown": ["x"], "page_size": ["1"], "cursor": ["?"], "count": [""]})


def test_now_decides_open_and_duration(source):  # F-1a, MOD-5
    ends = make_incident(source, start_time=T0, end_time=T0 + datetime.timedelta(hours=2))
    before_end, after_end = T0 + datetime.timedelta(hours=1), T0 + datetime.timedelta(hours=3)
    assert selected({"open": ["true"]}, now=before_end) == [ends.id]
    assert selected({"open": ["true"]}, now=after_end) == []
    assert selected({"duration__gte": ["90"]}, now=before_end) == []
    assert selected({"duration__gte": ["90"]}, now=after_end) == [ends.id]


def test_filter_error_names_every_bad_parameter(source):  # F-1
    with pytest.raises(query.FilterError) as caught:
        query.incident_condition({"open": ["maybe"], "source__type__in": ["nav,nope"], "level__lte": ["1"]})
    assert caught.value.errors == {
        "open": ["Enter a valid boolean: true, false, 1 or 0."],
        "source__type__in": ["Select a valid choice. That choice is not one of the available choices."]}

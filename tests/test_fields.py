"""fields.read_fields and its readers, without HTTP (C-2): all errors, partial bodies, first error only."""
import pytest

from argus_lite import fields
from argus_lite.fields import MISSING, Invalid, list_of, optional, read_fields, required, string
from argus_lite.query import parse
from argus_lite.query.params import PARAMS


def positive(raw):
    if type(raw) is not int or raw < 1:
        raise Invalid("Ensure this value is greater than or equal to 1.")
    return raw


def elsewhere(raw):
    raise Invalid("Settings has to be a dictionary.", key="non_field_errors")


READERS = {"name": required(string), "size": required(positive), "note": optional(string)}


def test_every_field_is_read_and_every_error_reported_in_reader_order():
    values, errors = read_fields({"size": 0, "name": 7}, READERS)
    assert values == {}
    assert list(errors.items()) == [("name", ["Not a valid string."]),
                                    ("size", ["Ensure this value is greater than or equal to 1."])]


def test_values_leave_out_optional_keys_that_are_absent():
    assert read_fields({"name": "a", "size": 2}, READERS) == ({"name": "a", "size": 2}, {})
    assert read_fields({"name": "a", "size": 2, "note": "n"}, READERS)[0]["note"] == "n"


def test_partial_reads_only_the_keys_the_body_has():  # PATCH (NF-7, TS-5, NP-8)
    assert read_fields({}, READERS, is_partial=True) == ({}, {})
    assert read_fields({"size": 3}, READERS, is_partial=True) == ({"size": 3}, {})
    assert read_fields({"name": None}, READERS, is_partial=True) == ({}, {"name": ["This field may not be null."]})


def test_without_partial_a_required_key_that_is_absent_is_an_error():
    assert read_fields({}, READERS)[1] == {"name": ["This field is required."], "size": ["This field is required."]}


def test_first_error_only_stops_at_the_first_error():  # DST-3…DST-7, PHN-4: Argus reports one
    values, errors = read_fields({"name": "a", "size": 0, "note": None}, READERS, first_error_only=True)
    assert values == {"name": "a"}
    assert errors == {"size": ["Ensure this value is greater than or equal to 1."]}


def test_an_error_may_go_under_another_key():
    readers = {"settings": elsewhere, "size": required(positive)}
    assert read_fields({"settings": 1, "size": 1}, readers) == (
        {"size": 1}, {"non_field_errors": ["Settings has to be a dictionary."]})


def test_a_reader_may_drop_its_key_by_returning_missing():
    assert read_fields({"x": 1}, {"x": lambda raw: MISSING}) == ({}, {})


def test_invalid_keeps_structured_details_and_wraps_a_message():
    assert Invalid("one").detail == ["one"]
    assert Invalid({"0": ["bad"]}).detail == {"0": ["bad"]}
    assert Invalid("one").key is None and Invalid("one", key="media").key == "media"


def test_list_of_reports_problems_by_index():  # NF-4, BLK-1: DRF ListField
    read = list_of(positive)
    assert read([1, 2]) == [1, 2]
    with pytest.raises(Invalid) as problem:
        read([1, 0, "x"])
    assert problem.value.detail == {"1": ["Ensure this value is greater than or equal to 1."],
                                    "2": ["Ensure this value is greater than or equal to 1."]}
    with pytest.raises(Invalid) as problem:
        read("1,2")
    assert problem.value.detail == ['Expected a list of items but got type "str".']


@pytest.mark.parametrize("raw, message", [(None, "This field may not be null."), (3, "Not a valid string."),
                                          ("a\x00b", "Null characters are not allowed."),
                                          ("\ud800", "Not a valid string.")])
def test_string_refuses_what_a_strict_text_field_does(raw, message):
    with pytest.raises(Invalid) as problem:
        string(raw)
    assert problem.value.detail == [message]


def test_the_query_language_rejects_values_with_the_same_invalid():  # F-1
    with pytest.raises(fields.Invalid) as problem:
        parse.as_bool("maybe")
    assert problem.value.detail == [parse.BOOLEAN_MESSAGE]
    assert parse.parse({"open": ["maybe"]}, PARAMS) == ((), {"open": [parse.BOOLEAN_MESSAGE]})

"""The query language without a database: every parameter of F-1, every error, F-2 tags, F-4 page size."""
import datetime
import zoneinfo

import pytest

from argus_lite import times
from argus_lite.query import cursor, params, parse
from argus_lite.query.parse import (Acked, DurationAtLeast, HasTicket, LevelAtMost, Open, Search, SourceIds,
                                    SourceIncidentId, SourceNames, SourceTypes, Stateful, Tags, TimeBound,
                                    TokenExpiry)

BOOLEAN = ["Enter a valid boolean: true, false, 1 or 0."]
NUMBER = ["Enter a number."]
DATETIME = ["Enter a valid date/time."]
TAGS = ['Enter a valid key-value construct: "key=value", where key and value are strings.']


@pytest.fixture(autouse=True)
def oslo():
    times.configure(zoneinfo.ZoneInfo("Europe/Oslo"))
    yield
    times.configure(times.UTC)


def terms(**query):
    found, errors = parse.parse({name: [value] if isinstance(value, str) else value
                                 for name, value in query.items()}, params.PARAMS)
    assert errors == {}
    return found


def errors_of(**query):
    return parse.parse({name: [value] for name, value in query.items()}, params.PARAMS)[1]


def us(*args, tz=times.UTC):
    return times.to_us(datetime.datetime(*args, tzinfo=tz))


@pytest.mark.parametrize("text, wanted", [("true", True), ("TRUE", True), ("1", True), ("True", True),
                                          ("false", False), ("FaLsE", False), ("0", False)])
def test_booleans_in_any_case(text, wanted):  # F-1
    assert terms(acked=text, open=text, stateful=text, ticket=text) == (
        Acked(wanted), Open(wanted), Stateful(wanted), HasTicket(wanted))


def test_end_time_isnull_is_stateful_inverted():  # F-1 table
    assert terms(end_time__isnull="true") == (Stateful(False),)
    assert terms(end_time__isnull="0") == (Stateful(True),)


@pytest.mark.parametrize("name", ["acked", "open", "stateful", "end_time__isnull", "ticket", "token_expiry"])
@pytest.mark.parametrize("text", ["yes", "no", "2", "t", "truee", "on"])
def test_bad_booleans_are_400_not_ignored(name, text):  # F-1 (deviation: Argus ignores them)
    assert errors_of(**{name: text}) == {name: BOOLEAN}


def test_empty_value_is_no_filter():  # F-1
    assert terms(acked="", open="", level__lte="", tags="", search="", start_time__gte="", cursor="") == ()
    assert terms(open="  ") == ()


def test_unknown_and_page_parameters_are_ignored():  # F-1, F-4, F-10
    assert terms(foo="bar", page_size="x", cursor="garbage", count="", format="json") == ()


def test_last_repeat_counts_except_tags():  # F-1, F-2
    assert terms(open=["true", "false"]) == (Open(False),)
    assert terms(open=["yes", "true"]) == (Open(True),)
    assert terms(tags=["host=a", "host=b"]) == (Tags((("host", frozenset({"a", "b"})),)),)


@pytest.mark.parametrize("text, level", [("2", 2), ("2.9", 2), ("9", 5), ("-1", 0), ("+3", 3), (".5", 0),
                                         ("5.", 5), ("1" + "0" * 60, 5)])
def test_level_lte_is_a_decimal_number(text, level):  # F-1, F-8
    assert terms(level__lte=text) == (LevelAtMost(level),)


@pytest.mark.parametrize("name", ["level__lte", "duration__gte"])
@pytest.mark.parametrize("text", ["x", "1e3", "NaN", "inf", "1,5", "--1", "½", "١", "1_000", "."])
def test_bad_numbers(name, text):  # F-8
    assert errors_of(**{name: text}) == {name: NUMBER}


@pytest.mark.parametrize("text, minutes", [("60", 60), ("30.9", 30), ("0.5", 0), ("-5", -5), ("-0.5", 0)])
def test_duration_is_truncated_minutes(text, minutes):  # F-1
    assert terms(duration__gte=text) == (DurationAtLeast(minutes),)


def test_duration_zero_is_no_filter():  # F-1
    assert terms(duration__gte="0") == terms(duration__gte="0.000") == terms(duration__gte="-0") == ()


def test_huge_duration_is_clamped_to_bigint_safe_range():
    (term,) = terms(duration__gte="9" * 40)
    assert term.minutes * 60_000_000 < 2**62


def test_time_bounds():  # F-1, F-7, C-4: naive = server zone, a date alone = local midnight
    oslo = zoneinfo.ZoneInfo("Europe/Oslo")
    assert terms(start_time__gte="2024-05-01T00:00:00%2B02:00".replace("%2B", "+"),
                 start_time__lte="2024-05-31T23:59:59", end_time__gte="2024-01-01",
                 end_time__lte="2024-01-01T00:00:00Z") == (
        TimeBound("start_time", ">=", us(2024, 4, 30, 22)),
        TimeBound("start_time", "<=", us(2024, 5, 31, 23, 59, 59, tz=oslo)),
        TimeBound("end_time", ">=", us(2024, 1, 1, tz=oslo)),
        TimeBound("end_time", "<=", us(2024, 1, 1)))


@pytest.mark.parametrize("name", ["start_time__gte", "start_time__lte", "end_time__gte", "end_time__lte"])
@pytest.mark.parametrize("text", ["2024-05-01T00:00:00 02:00", "yesterday", "2024-13-01", "infinity",
                                  "0001-01-01T00:00:00+14:00", "2024-05-01T25:00"])
def test_bad_datetimes(name, text):  # F-1: an unencoded '+' arrives as a space and is rejected
    assert errors_of(**{name: text}) == {name: DATETIME}


def test_source_lists():  # F-1: items split at commas, not trimmed, empty items ignored
    assert terms(source__id__in="1, 2,,3.0", source__name__in="a b,,c", source__type__in="nav,zabbix") == (
        SourceIds(frozenset({1, 2, 3})), SourceNames(frozenset({"a b", "c"})),
        SourceTypes(frozenset({"nav", "zabbix"})))


def test_source_ids_that_cannot_be_pks_match_nothing():  # F-8: numbers, but no pk has them
    assert terms(source__id__in="1.5,-3,0," + "9" * 30) == (SourceIds(frozenset()),)
    assert terms(source__id__in=",") == (SourceIds(frozenset()),)   # Argus: "," matches nothing


@pytest.mark.parametrize("text", ["1,x", "a", "1;2", "0x1"])
def test_bad_source_ids(text):  # F-1
    assert errors_of(source__id__in=text) == {"source__id__in": NUMBER}


def test_source_incident_id_is_exact_text():
    assert terms(source_incident_id=" 889 ") == (SourceIncidentId(" 889 "),)


def test_tags_group_by_key():  # F-2: OR within a key, AND across keys
    assert terms(tags="location=broomcloset,location=understairs,problem=onfire") == (Tags((
        ("location", frozenset({"broomcloset", "understairs"})), ("problem", frozenset({"onfire"})))),)


def test_tag_values_may_hold_equals_and_are_matched_trimmed():  # F-2, TAG-1
    assert terms(tags="url=a=b,host= x ") == (Tags((("host", frozenset({"x"})), ("url", frozenset({"a=b"})))),)


def test_tags_with_only_empty_items_are_no_filter():
    assert terms(tags=",,") == ()


@pytest.mark.parametrize("text", ["Host=a", "host", "host=", "=a", " host=a", "ho-st=a", "a=1,b", "é=1"])
def test_bad_tags(text):  # F-2
    assert errors_of(tags=text) == {"tags": TAGS}


def test_a_bad_tag_in_any_repeat_is_reported():  # F-2 combining
    assert parse.parse({"tags": ["a=1", "B=2"]}, params.PARAMS)[1] == {"tags": TAGS}


def test_search_words():  # F-9: commas count as spaces
    assert terms(search="sw-4  down,up") == (Search(("sw-4", "down", "up")),)
    assert terms(search=" , ") == ()


def test_token_expiry_true_and_false_filter_alike():  # F-11
    assert terms(token_expiry="true") == terms(token_expiry="false") == (TokenExpiry(),)


def test_every_bad_parameter_is_reported_together():  # F-1
    assert errors_of(open="yes", level__lte="x", start_time__gte="x", tags="A=b", source__id__in="q",
                     duration__gte="?", token_expiry="2") == {
        "open": BOOLEAN, "level__lte": NUMBER, "start_time__gte": DATETIME, "tags": TAGS,
        "source__id__in": NUMBER, "duration__gte": NUMBER, "token_expiry": BOOLEAN}


def test_mine_ignores_source_level_and_search_filters():  # INC-14
    found, errors = parse.parse({"level__lte": ["x"], "source__id__in": ["q"], "source__name__in": ["a"],
                                 "source__type__in": ["nope"], "search": ["x"], "open": ["1"]},
                                params.MINE_PARAMS)
    assert (found, errors) == ((Open(True),), {})


@pytest.mark.parametrize("text, size", [("", 100), ("x", 100), ("0", 100), ("-5", 100), ("1.5", 100),
                                        ("7", 7), ("1000", 1000), ("1001", 1000), ("10" * 30, 1000), ("٣", 100)])
def test_page_size(text, size):  # F-4
    assert parse.page_size({"page_size": [text]}, maximum=1000) == size
    assert parse.page_size({}, maximum=1000) == 100


def test_tokenize_keeps_repeats_in_order():
    assert parse.tokenize("tags=a%3D1&open=&tags=b=2&search=x+y") == {
        "tags": ["a=1", "b=2"], "open": [""], "search": ["x y"]}


def test_every_parameter_of_the_f1_table_is_known():  # F-1, F-4, F-10, F-11
    assert set(params.PARAMS) == {
        "acked", "open", "stateful", "end_time__isnull", "ticket", "level__lte", "duration__gte",
        "start_time__gte", "start_time__lte", "end_time__gte", "end_time__lte", "source__id__in",
        "source__name__in", "source__type__in", "source_incident_id", "tags", "search", "token_expiry",
        "count", "cursor", "page_size"}


# Cursors (F-4) -------------------------------------------------------------------------------------

def test_cursor_round_trip_is_url_safe():
    text = cursor.encode(cursor.Cursor("incidents", "previous", (-5, 7)), "key")
    assert text.replace("-", "").replace("_", "").replace(".", "").isalnum()
    assert cursor.decode(text, "incidents", "key") == cursor.Cursor("incidents", "previous", (-5, 7))


@pytest.mark.parametrize("text", ["null", "x", "W10.abc", "", "a.b.c"])
def test_garbage_cursors_are_invalid(text):
    with pytest.raises(cursor.InvalidCursor):
        cursor.decode(text, "incidents", "key")


def test_foreign_tampered_and_forged_cursors_are_invalid():
    text = cursor.encode(cursor.Cursor("incidents", "next", (1, 2)), "key")
    for bad, list_name, key in [(text, "events", "key"), (text, "incidents", "other key"),
                                (text[:-2] + ("AA" if text[-2:] != "AA" else "BB"), "incidents", "key")]:
        with pytest.raises(cursor.InvalidCursor):
            cursor.decode(bad, list_name, key)
    import itsdangerous
    for payload in (["incidents", "sideways", 1, 2], ["incidents", "next", "1", 2], ["incidents", "next", 1],
                    ["incidents", "next", 1.5, 2], {"a": 1}, ["incidents", "next", True, 2]):
        forged = itsdangerous.URLSafeSerializer("key", salt=cursor.SALT).dumps(payload)
        with pytest.raises(cursor.InvalidCursor):
            cursor.decode(forged, "incidents", "key")


def test_a_plain_string_value_counts_as_one_value():
    assert parse.parse({"open": "true", "tags": "a=1,b=2"}, params.PARAMS)[0] == (
        Open(True), Tags((("a", frozenset({"1"})), ("b", frozenset({"2"})))))


def test_search_words_and_tag_keys_are_bounded():  # each is a subquery; planning cost grows fast
    assert terms(search="a b a b") == (Search(("a", "b")),)
    assert len(terms(search=" ".join(f"w{n}" for n in range(20)))[0].words) == 20
    assert errors_of(search=" ".join(f"w{n}" for n in range(21))) == {
        "search": ["Ensure this field has no more than 20 words."]}
    assert len(terms(tags=",".join(f"k{n}=v" for n in range(20)) + ",k0=w")[0].wanted) == 20
    assert errors_of(tags=",".join(f"k{n}=v" for n in range(21))) == {
        "tags": ["Ensure this field has no more than 20 keys."]}

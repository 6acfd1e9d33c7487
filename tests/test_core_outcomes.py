"""The core without HTTP: each refusal is an outcome with plain values, and nothing is written after it
(INC-4, INC-5, INC-7, EV-2, EV-5, A-5, SRC-2, SRC-5); the Argus face has an answer for every outcome."""
import ast
import datetime
import inspect
import pathlib

import pytest

from argus_lite import times
from argus_lite.argus import answers
from argus_lite.core import events, incidents, outcomes, tokens, users
from argus_lite.db import write_transaction
from argus_lite.models import (Acknowledgement, Event, Incident, IncidentTag, SourceSystem, SourceSystemType, Token,
                               User)
from tests.factories import make_incident

LIFETIME = datetime.timedelta(days=14)
START = datetime.datetime(2024, 5, 2, 8, 15, tzinfo=datetime.timezone.utc)


def caller(party):
    """The user a test party's token names, as a face receives it (with .source and .source_pk)."""
    return tokens.user_of_key(party.token, LIFETIME, times.now())


def new_incident(source, **changes):
    values = {"start_time": START, "end_time": times.INFINITY, "source": source, "source_incident_id": "n1",
              "details_url": "", "description": "down", "level": 2, "ticket_url": "", "tags": [("host", "a")]}
    return dict(values, **changes)


def written():
    """Counts of the rows a refused write could have touched."""
    return (Incident.select().count(), Event.select().count(), IncidentTag.select().count(),
            Acknowledgement.select().count())


def test_an_incident_that_does_not_exist_is_not_found(wsgi_app):  # C-9
    for incident_pk in (999, 2**63):
        with pytest.raises(outcomes.NotFound) as refused:
            incidents.get(incident_pk)
        assert (refused.value.kind, refused.value.pk) == ("incident", incident_pk)


def test_the_source_of_a_new_incident(source, end_user, admin):  # INC-5
    assert incidents.source_for(caller(source), None).id == source.source.id
    with pytest.raises(outcomes.NoSourceSystem):
        incidents.source_for(caller(end_user), None)
    with pytest.raises(outcomes.SourceNotAllowed) as refused:
        incidents.source_for(caller(end_user), source.source.id)
    assert refused.value.source_pk == source.source.id
    with pytest.raises(outcomes.UnknownSource) as refused:
        incidents.source_for(caller(admin), "0999")
    assert refused.value.raw == "0999"
    assert incidents.source_for(caller(admin), str(source.source.id)).id == source.source.id


def test_a_second_incident_of_one_source_incident_id_writes_nothing(source):  # INC-4
    user = caller(source)
    with write_transaction():
        incidents.create(new_incident(source.source), user)
    before = written()
    with pytest.raises(outcomes.DuplicateSourceIncident) as refused, write_transaction():
        incidents.create(new_incident(source.source, tags=[("host", "b")]), user)
    assert (refused.value.source_pk, refused.value.source_incident_id) == (source.source.id, "n1")
    assert written() == before


def test_detaching_the_tags_of_others_names_them_and_changes_nothing(source, end_user):  # INC-7
    incident = make_incident(source, tags=["host=a", "room=b"])
    before = written()
    with pytest.raises(outcomes.TagsOfOthers) as refused, write_transaction():
        incidents.change(incidents.get(incident.id), {"tags": [("host", "a")], "level": 1}, caller(end_user))
    assert refused.value.tag_texts == ["room=b"]
    assert written() == before and Incident.get_by_id(incident.id).level == incident.level


@pytest.mark.parametrize("poster, type_code, reason", [
    ("source", "CLO", outcomes.SOURCE_SYSTEM_MAY_NOT_POST), ("source", "ACK", outcomes.SOURCE_SYSTEM_MAY_NOT_POST),
    ("end_user", "END", outcomes.END_USER_MAY_NOT_POST), ("end_user", "STA", outcomes.END_USER_MAY_NOT_POST)])
def test_who_may_post_what(request, source, end_user, poster, type_code, reason):  # EV-2 table A
    with pytest.raises(outcomes.EventRefused) as refused:
        events.check_poster(caller(request.getfixturevalue(poster)), type_code)
    assert (refused.value.type_code, refused.value.reason) == (type_code, reason)


@pytest.mark.parametrize("end_time, type_code, reason", [
    (times.INFINITY, "ACK", outcomes.ACKS_HAVE_THEIR_ENDPOINT),
    (times.INFINITY, "STA", outcomes.ALREADY_POSTED),
    (None, "STA", outcomes.START_OF_STATELESS),
    (times.INFINITY, "LES", outcomes.STATELESS_OF_STATEFUL),
    (None, "LES", outcomes.ALREADY_POSTED),
    (None, "CLO", outcomes.STATE_OF_STATELESS),
    (START, "CLO", outcomes.ALREADY_CLOSED),
    (times.INFINITY, "REO", outcomes.ALREADY_OPEN)])
def test_the_state_of_an_incident_refuses_events_and_nothing_is_written(source, end_time, type_code,
                                                                        reason):  # EV-2 table B, SM-2
    incident = make_incident(source, start_time=START, end_time=end_time)
    before = written()
    values = {"type": type_code, "timestamp": times.now(), "description": ""}
    with pytest.raises(outcomes.EventRefused) as refused, write_transaction():
        events.post(incidents.locked(incident.id), caller(source), values, times.now())
    assert (refused.value.type_code, refused.value.reason, refused.value.incident_pk) == \
        (type_code, reason, incident.id)
    assert written() == before and Incident.get_by_id(incident.id).end_time == end_time


def test_an_expired_ack_keeps_its_expiration(source, end_user):  # EV-5
    incident = make_incident(source)
    now = times.now()
    expired = now - datetime.timedelta(seconds=1)
    values = {"timestamp": now - datetime.timedelta(hours=1), "description": "seen", "expiration": expired}
    with write_transaction():
        ack, _ = events.record_ack(incidents.get(incident.id), caller(end_user), values, now)
    with pytest.raises(outcomes.AckExpired), write_transaction():
        events.change_expiration(ack, None, now)
    assert Acknowledgement.get(Acknowledgement.event == ack.event_id).expiration == expired


def test_token_lookup_reads_only_and_names_each_refusal(end_user):
    with pytest.raises(outcomes.TokenUnknown):
        tokens.user_of_key("0" * 40, LIFETIME, times.now())
    later = times.now() + LIFETIME
    with pytest.raises(outcomes.TokenExpired):
        tokens.user_of_key(end_user.token, LIFETIME, later)
    assert Token.select().where(Token.user == end_user.pk).count() == 1
    with pytest.raises(outcomes.TokenExpired):
        tokens.authenticate(end_user.token, LIFETIME, later)          # and A-5 deletes it
    with pytest.raises(outcomes.TokenUnknown):
        tokens.authenticate(end_user.token, LIFETIME, times.now())


def test_an_inactive_user_is_refused(end_user):
    User.update(is_active=False).where(User.id == end_user.pk).execute()
    with pytest.raises(outcomes.UserInactive):
        tokens.user_of_key(end_user.token, LIFETIME, times.now())


def test_source_names_and_type_names_that_are_taken(source):  # SRC-2, SRC-3, SRC-5
    other = users.create_source_system("nav-osl", "nav")
    with pytest.raises(users.SourceSystemTaken):
        users.rename_source_system(other, "nav-trd")
    assert SourceSystem.get_by_id(other.id).name == "nav-osl" and other.name == "nav-osl"
    with pytest.raises(users.SourceTypeTaken):
        users.create_source_type("nav")
    assert SourceSystemType.select().count() == 1


# FACE-5, FACE-9: raised only for scopes and services, which the Argus API never writes; the ProdManager face
# answers them (tests/test_prodmanager_scopes.py). FACE-14: only Cachet incident templates are refused.
STATUS_PAGE_OUTCOMES = {outcomes.NameTaken, outcomes.StillInUse, outcomes.TemplateRefused}


def test_the_argus_face_answers_every_outcome():
    named = [kind for _, kind in inspect.getmembers(outcomes, inspect.isclass)
             if issubclass(kind, outcomes.DomainError) and not kind.__subclasses__()     # those raised
             and kind not in STATUS_PAGE_OUTCOMES]
    assert all(any(base in answers.ANSWERS for base in kind.__mro__) for kind in named)
    reasons = [value for name, value in vars(outcomes).items() if name.isupper()]
    assert set(reasons) == set(answers.REFUSALS) | {outcomes.ACKS_HAVE_THEIR_ENDPOINT}


def test_the_core_imports_no_face_and_no_http():
    core = pathlib.Path(outcomes.__file__).parent
    for module in core.glob("*.py"):
        nodes = list(ast.walk(ast.parse(module.read_text())))
        imported = {node.module for node in nodes if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in nodes if isinstance(node, ast.Import) for alias in node.names}
        imported |= {alias.name for node in nodes if isinstance(node, ast.ImportFrom) and not node.module
                     for alias in node.names}            # from .. import web
        first_names = {name.split(".")[0] for name in imported}
        assert not {"bottle", "web", "errors", "argus"} & first_names, module.name

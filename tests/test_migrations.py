"""The SQL files in sql/ and the peewee models describe the same schema, on both backends."""
from argus_lite import db
from argus_lite.models import ALL_MODELS


def test_migrate_twice_is_a_no_op(empty_database_url):
    db.open_database(empty_database_url)
    assert db.schema_is_empty()
    first = db.migrate()
    assert first and first[0] == "0001_initial.sql"
    assert db.migrate() == []
    with db.db.connection_context():
        versions = db.db.execute_sql('SELECT "version" FROM "schema_version"').fetchall()
    assert [row[0] for row in versions] == [version for version, _, _ in db.migration_files()]
    db.db.obj.close_all()


def test_tag_links_get_their_incidents_start_time(empty_database_url):  # 0002, F-2
    db.open_database(empty_database_url)
    assert db.migrate(up_to=1) == ["0001_initial.sql"]
    with db.db.connection_context():
        for statement in (
                """INSERT INTO "user" ("id", "username") VALUES (7, 'nav')""",
                """INSERT INTO "source_system_type" ("name") VALUES ('nav')""",
                """INSERT INTO "source_system" ("id", "name", "type_id", "user_id") VALUES (3, 'nav', 'nav', 7)""",
                """INSERT INTO "incident" ("id", "start_time", "source_id") VALUES (5, 1717236000000000, 3)""",
                """INSERT INTO "tag" ("id", "key", "value") VALUES (9, 'host', 'a')""",
                """INSERT INTO "incident_tag" ("incident_id", "tag_id", "added_by_id", "added_time")
                   VALUES (5, 9, 7, 0)"""):
            db.db.execute_sql(statement)
    assert db.migrate(up_to=2) == ["0002_tag_link_start_time.sql"]
    with db.db.connection_context():
        assert db.db.execute_sql('SELECT "start_time" FROM "incident_tag"').fetchall() == [(1717236000000000,)]
    db.db.obj.close_all()


def test_rows_parked_before_0003_are_failed(empty_database_url):  # 0003, N-11
    db.open_database(empty_database_url)
    db.migrate(up_to=2)
    with db.db.connection_context():
        for statement in (
                """INSERT INTO "user" ("id", "username") VALUES (7, 'nav')""",
                """INSERT INTO "source_system_type" ("name") VALUES ('nav')""",
                """INSERT INTO "source_system" ("id", "name", "type_id", "user_id") VALUES (3, 'nav', 'nav', 7)""",
                """INSERT INTO "incident" ("id", "start_time", "source_id") VALUES (5, 1717236000000000, 3)""",
                """INSERT INTO "event" ("id", "incident_id", "actor_id", "timestamp", "received", "type",
                   "description") VALUES (2, 5, 7, 0, 0, 'STA', '')""",
                """INSERT INTO "outbox" ("id", "event_id", "media_id", "recipient", "subject", "body", "created",
                   "attempts", "next_attempt", "sent", "last_error") VALUES
                   (1, 2, 'email', 'a@example.org', 's', 'b', 11, 1, 12, 13, ''),
                   (2, 2, 'email', 'b@example.org', 's', 'b', 21, 3, 22, NULL, '451 busy'),
                   (3, 2, 'email', 'c@example.org', 's', 'b', 31, 12, 4611686018427387904, NULL, '550 no')"""):
            db.db.execute_sql(statement)
    assert db.migrate(up_to=3) == ["0003_outbox_failed.sql"]
    with db.db.connection_context():
        assert db.db.execute_sql('SELECT "id", "failed" FROM "outbox" ORDER BY "id"').fetchall() == [
            (1, None), (2, None), (3, 31)]
    db.db.obj.close_all()


def test_both_backends_have_the_same_migrations():
    from importlib.resources import files

    folder = files("argus_lite.sql")
    names = {kind: sorted(p.name for p in (folder / kind).iterdir() if p.name.endswith(".sql"))
             for kind in ("sqlite", "postgresql")}
    assert names["sqlite"] == names["postgresql"]


def test_models_match_the_schema(wsgi_app):
    with db.db.connection_context():
        tables = set(db.db.get_tables())
        for model in ALL_MODELS:
            table = model._meta.table_name
            assert table in tables, table
            columns = {column.name: column for column in db.db.get_columns(table)}
            fields = {field.column_name: field for field in model._meta.sorted_fields}
            assert set(columns) == set(fields), table
            for name, field in fields.items():
                if not columns[name].primary_key:
                    assert columns[name].null == field.null, f"{table}.{name} nullability"
            declared = {tuple(fields_of(model, index)) for index in model._meta.indexes}
            existing = {tuple(index.columns) for index in db.db.get_indexes(table)}
            assert declared <= existing, f"{table}: indexes {declared - existing} missing in SQL"


def fields_of(model, index):
    names, _unique = index
    return [model._meta.fields[name].column_name for name in names]

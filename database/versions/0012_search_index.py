"""person search index: tails of ID numbers, FTS5 trigram over name and phone, 1–2 character name parts

Revision ID: 0012_search_index
Revises: 0009_person_order
Create Date: 2026-12-08 09:00:00

What the one search box (services/targets/person_query.py) reads instead of scanning ``person``:

- ``person.id_rev``: the ID number reversed, a VIRTUAL generated column with an index — a tail
  ``…4321`` is the prefix ``1234…`` of it, one index range. SQLite computes it; no path can forget it.
- ``person_fts``: FTS5 trigram over ``person.name`` and ``person.phone`` (external content): any part of
  a name of 3 characters or more, any 3 or more digits of a phone.
- ``ix_person_initials`` (initials, pinyin, id) instead of the initials alone: typed initials are a range
  read without the table (the pinyin for the display order is in the index).
- ``person_name_gram``: every 1- and 2-character part of a name (ASCII lowercased, as LIKE folds case)
  with the name's pinyin, keyed in display order: a short part gives its first 31 names without sorting.

The last two are kept in step by the triggers below, in the statement that writes the person (the
form, the import's bulk insert, the demo, an undo — any path). Frozen here as shipped.

On PostgreSQL (issue 19, ``_upgrade_postgresql``): ``id_rev`` is a STORED generated column (PostgreSQL 15 has
no virtual ones) of the same expression; the trigram search is ``pg_trgm`` GIN indexes on ``person.name`` and
``person.phone`` (no ``person_fts`` table: person_query.py asks ``LIKE``/``ILIKE`` there); ``person_name_gram``
is the same table, kept by one PL/pgSQL trigger function (ASCII-only lowercasing, as SQLite's ``lower``).
"""
from alembic import op

revision = '0012_search_index'
down_revision = '0009_person_order'
branch_labels = None
depends_on = None

ID_REV = ' || '.join(f'substr(id_number, {k}, 1)' for k in range(18, 0, -1))
POSITIONS = '(VALUES ' + ', '.join(f'({k})' for k in range(1, 65)) + ')'  # a name has at most 40 characters


def _grams(row: str) -> str:
    """SELECT of the distinct 1- and 2-character parts of ``row``'s name (``NEW`` / ``OLD`` / a table alias)."""
    one = f'SELECT lower(substr({row}.name, column1, 1)) AS gram FROM {POSITIONS} WHERE column1 <= length({row}.name)'
    two = f'SELECT lower(substr({row}.name, column1, 2)) FROM {POSITIONS} WHERE column1 < length({row}.name)'
    return f'{one} UNION {two}'


def _add(row: str) -> str:
    return (f"INSERT INTO person_fts(rowid, name, phone) VALUES ({row}.id, {row}.name, {row}.phone);\n"
            f"INSERT OR IGNORE INTO person_name_gram(gram, name_pinyin, person_id) "
            f"SELECT gram, {row}.name_pinyin, {row}.id FROM ({_grams(row)});\n")


def _remove(row: str) -> str:
    return (f"INSERT INTO person_fts(person_fts, rowid, name, phone) VALUES ('delete', {row}.id, {row}.name, "
            f"{row}.phone);\n"
            f"DELETE FROM person_name_gram WHERE person_id = {row}.id AND name_pinyin = {row}.name_pinyin "
            f"AND gram IN ({_grams(row)});\n")


TRIGGERS = {
    'person_search_insert': f'AFTER INSERT ON person BEGIN\n{_add("NEW")}END',
    'person_search_delete': f'AFTER DELETE ON person BEGIN\n{_remove("OLD")}END',
    'person_search_update': f'AFTER UPDATE OF name, name_pinyin, phone ON person BEGIN\n'
                            f'{_remove("OLD")}{_add("NEW")}END',
}


ASCII_LOWER = "translate({0}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"


def _pg_grams(row: str) -> str:
    """PostgreSQL: the distinct 1- and 2-character parts of ``row``'s name, lowercased as SQLite does (ASCII)."""
    one = ASCII_LOWER.format(f'substr({row}.name, k, 1)')
    two = ASCII_LOWER.format(f'substr({row}.name, k, 2)')
    return (f'SELECT {one} FROM generate_series(1, length({row}.name)) AS k '
            f'UNION SELECT {two} FROM generate_series(1, length({row}.name) - 1) AS k')


PG_SYNC = f"""CREATE FUNCTION person_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM person_name_gram WHERE person_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO person_name_gram(gram, name_pinyin, person_id)
        SELECT g, NEW.name_pinyin, NEW.id FROM ({_pg_grams('NEW')}) AS grams(g) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$"""


def _upgrade_postgresql() -> None:
    op.execute(f'ALTER TABLE person ADD COLUMN id_rev VARCHAR(18) GENERATED ALWAYS AS ({ID_REV}) STORED')
    op.execute('CREATE INDEX ix_person_id_rev ON person (id_rev)')
    op.execute('DROP INDEX ix_person_name_initials')
    op.execute('CREATE INDEX ix_person_initials ON person (name_initials, name_pinyin, id)')
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.execute('CREATE INDEX ix_person_name_trgm ON person USING gin (name gin_trgm_ops)')
    op.execute('CREATE INDEX ix_person_phone_trgm ON person USING gin (phone gin_trgm_ops)')
    op.execute('CREATE TABLE person_name_gram (gram VARCHAR(2) NOT NULL, name_pinyin VARCHAR(160) NOT NULL, '
               'person_id INTEGER NOT NULL, PRIMARY KEY (gram, name_pinyin, person_id))')
    op.execute(f'INSERT INTO person_name_gram(gram, name_pinyin, person_id) '
               f'SELECT DISTINCT g, p.name_pinyin, p.id FROM person p, LATERAL ({_pg_grams("p")}) AS grams(g)')
    op.execute(PG_SYNC)
    op.execute('CREATE TRIGGER person_search_insert AFTER INSERT ON person FOR EACH ROW '
               'EXECUTE FUNCTION person_search_sync()')
    op.execute('CREATE TRIGGER person_search_delete AFTER DELETE ON person FOR EACH ROW '
               'EXECUTE FUNCTION person_search_sync()')
    op.execute('CREATE TRIGGER person_search_update AFTER UPDATE OF name, name_pinyin, phone ON person '
               'FOR EACH ROW EXECUTE FUNCTION person_search_sync()')


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        _upgrade_postgresql()
        return
    op.execute(f'ALTER TABLE person ADD COLUMN id_rev VARCHAR(18) GENERATED ALWAYS AS ({ID_REV}) VIRTUAL')
    op.execute('CREATE INDEX ix_person_id_rev ON person (id_rev)')
    op.execute('DROP INDEX ix_person_name_initials')
    op.execute('CREATE INDEX ix_person_initials ON person (name_initials, name_pinyin, id)')
    op.execute("CREATE VIRTUAL TABLE person_fts USING fts5(name, phone, content='person', content_rowid='id', "
               "tokenize='trigram')")
    op.execute("INSERT INTO person_fts(person_fts) VALUES ('rebuild')")
    op.execute('CREATE TABLE person_name_gram (gram VARCHAR(2) NOT NULL, name_pinyin VARCHAR(160) NOT NULL, '
               'person_id INTEGER NOT NULL, PRIMARY KEY (gram, name_pinyin, person_id)) WITHOUT ROWID')
    op.execute(f'INSERT OR IGNORE INTO person_name_gram(gram, name_pinyin, person_id) '
               f'SELECT lower(substr(p.name, column1, 1)), p.name_pinyin, p.id FROM person p, {POSITIONS} '
               f'WHERE column1 <= length(p.name) '
               f'UNION ALL SELECT lower(substr(p.name, column1, 2)), p.name_pinyin, p.id FROM person p, {POSITIONS} '
               f'WHERE column1 < length(p.name)')
    for name, body in TRIGGERS.items():
        op.execute(f'CREATE TRIGGER {name} {body}')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for name in TRIGGERS:
            op.execute(f'DROP TRIGGER {name} ON person')
        op.execute('DROP FUNCTION person_search_sync()')
        op.execute('DROP TABLE person_name_gram')
        op.execute('DROP INDEX ix_person_phone_trgm')
        op.execute('DROP INDEX ix_person_name_trgm')
        op.execute('DROP INDEX ix_person_initials')
        op.execute('CREATE INDEX ix_person_name_initials ON person (name_initials)')
        op.execute('DROP INDEX ix_person_id_rev')
        op.execute('ALTER TABLE person DROP COLUMN id_rev')
        return
    for name in TRIGGERS:
        op.execute(f'DROP TRIGGER {name}')
    op.execute('DROP TABLE person_name_gram')
    op.execute('DROP TABLE person_fts')
    op.execute('DROP INDEX ix_person_initials')
    op.execute('CREATE INDEX ix_person_name_initials ON person (name_initials)')
    op.execute('DROP INDEX ix_person_id_rev')
    op.execute('ALTER TABLE person DROP COLUMN id_rev')

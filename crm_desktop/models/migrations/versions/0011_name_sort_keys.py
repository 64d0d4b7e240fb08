"""name sort keys

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08

Lists sorted names by their characters: Álvarez after Zoë, every Chinese name after every
Latin one. contact, lead, company and deal get `sort_key` (lead also `company_sort_key`),
made by models/sort_keys.sort_key (accents and case folded, Chinese in pinyin), compared
byte by byte on both databases ("C" collation on PostgreSQL) and indexed with the id for the
lists' ORDER BY ... LIMIT and keyset seeks.

The keys of existing rows are filled here, deleted rows too (undo brings them back):
- SQLite: one UPDATE per table calling the same Python function as an SQL function
  registered on this connection (the fastest way through a million rows in SQLite, and
  inside the migration's one transaction: all or nothing);
- PostgreSQL: rows read by id in pages, keys computed in Python, COPY into a temporary
  table, then one UPDATE ... FROM per table.
The columns are added with ADD COLUMN (no table copy on SQLite: NOT NULL needs a DEFAULT
there, '' which every row gets replaced at once); the indexes are built after the fill.
"""

from collections.abc import Callable

from alembic import op
import sqlalchemy as sa

from crm_desktop.models.sort_keys import KEY_TYPE, SORTED, sort_key


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_PAGE = 20000
_SQL_FUNCTION = 'crm_sort_key_0011'


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    for table, columns in SORTED.items():
        for column in columns:
            if sqlite:
                op.add_column(
                    table, sa.Column(column.key, sa.Text(), nullable=False, server_default='')
                )
            else:
                op.add_column(table, sa.Column(column.key, KEY_TYPE, nullable=True))
    if sqlite:
        _fill_sqlite(bind)
    else:
        _fill_postgresql(bind)
    for table, columns in SORTED.items():
        for column in columns:
            if not sqlite:
                op.alter_column(table, column.key, nullable=False, existing_type=KEY_TYPE)
            op.create_index(f'ix_{table}_{column.key}', table, [column.key, 'id'])
        op.execute(f'ANALYZE {table}')


def _fill_sqlite(bind: sa.Connection) -> None:
    raw = bind.connection.driver_connection
    assert raw is not None

    def key(name: str | None, person: int) -> str:
        return sort_key(name, person=bool(person))

    raw.create_function(_SQL_FUNCTION, 2, key, deterministic=True)
    for table, columns in SORTED.items():
        sets = ', '.join(
            f'{c.key} = {_SQL_FUNCTION}({c.source}, {int(c.person)})' for c in columns
        )
        bind.exec_driver_sql(f'UPDATE {table} SET {sets}')


def _fill_postgresql(bind: sa.Connection) -> None:
    raw = bind.connection.driver_connection
    assert raw is not None
    for table, columns in SORTED.items():
        keys = ', '.join(f'{c.key} text' for c in columns)
        bind.exec_driver_sql(f'CREATE TEMPORARY TABLE sort_key_fill (id uuid, {keys})')
        makers: list[Callable[[str | None], str]] = [
            (lambda name, p=c.person: sort_key(name, person=p)) for c in columns
        ]
        names = ', '.join(c.source for c in columns)
        last = None
        while True:
            where = '' if last is None else 'WHERE id > %s '
            with raw.cursor() as cursor:
                cursor.execute(
                    f'SELECT id, {names} FROM {table} {where}ORDER BY id LIMIT {_PAGE}',
                    () if last is None else (last,),
                )
                rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            copy_columns = ', '.join(['id', *(c.key for c in columns)])
            with (
                raw.cursor() as cursor,
                cursor.copy(f'COPY sort_key_fill ({copy_columns}) FROM STDIN') as copy,
            ):
                for row in rows:
                    copy.write_row(
                        (row[0], *(make(row[i + 1]) for i, make in enumerate(makers)))
                    )
        sets = ', '.join(f'{c.key} = f.{c.key}' for c in columns)
        bind.exec_driver_sql(
            f'UPDATE {table} t SET {sets} FROM sort_key_fill f WHERE t.id = f.id'
        )
        bind.exec_driver_sql('DROP TABLE sort_key_fill')


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), not a batch table copy (see 0009).
    for table, columns in SORTED.items():
        for column in columns:
            op.drop_index(f'ix_{table}_{column.key}', table_name=table)
            op.drop_column(table, column.key)

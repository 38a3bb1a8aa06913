"""Alembic environment. The app's migration runner passes an open connection in
``config.attributes["connection"]``; the ``alembic`` command line uses ``sqlalchemy.url``."""

from alembic import context
from sqlalchemy import create_engine

from shuanbai_desktop.data import models  # noqa: F401  (registers every table)
from shuanbai_desktop.data.base import Base
from shuanbai_desktop.data.models.person import is_search_index_table

config = context.config
target_metadata = Base.metadata


def include_name(name, type_, parent_names) -> bool:
    """Autogenerate leaves the person search index (FTS5 and its shadow tables, 0012_search_index) alone."""
    return not (type_ == "table" and is_search_index_table(name or ""))


def _configure_and_run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      transactional_ddl=True, compare_type=True, include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    from pathlib import Path

    from shuanbai_desktop.data.engine import make_engine
    url = config.get_main_option("sqlalchemy.url")
    engine = make_engine(Path(url.removeprefix("sqlite:///"))) if url else create_engine("sqlite://")
    with engine.connect() as conn:
        _configure_and_run(conn)


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      render_as_batch=True, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()

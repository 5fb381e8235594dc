"""Alembic's environment: migrate the store's ``se_*`` tables on the connection given.

``selfeval.store.migrate`` passes an open connection in ``config.attributes["connection"]``;
tables that are not the store's (the web app's, which Django migrates) are left alone.
"""

from __future__ import annotations

from alembic import context

from selfeval.store.migrate import all_tables, include_name

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=all_tables(),
    include_name=include_name,
    # SQLite cannot alter a column in place: batch mode copies the table (Alembic's way).
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

"""Alembic's migration scripts for the store's ``se_*`` tables (see ``selfeval.store.migrate``)."""

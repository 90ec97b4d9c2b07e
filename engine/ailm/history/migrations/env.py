"""Alembic environment: run programmatically by ailm.history.store with the connection it opened."""

from __future__ import annotations

from alembic import context

from ailm.history.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, version_table="ailm_history_version")
with context.begin_transaction():
    context.run_migrations()

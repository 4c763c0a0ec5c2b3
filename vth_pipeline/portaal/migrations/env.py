"""Alembic's environment: the connection is handed over by `vth_pipeline.portaal.db.migrate`."""

from alembic import context

from vth_pipeline.portaal.db import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata)
with context.begin_transaction():
    context.run_migrations()

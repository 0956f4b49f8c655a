"""The Alembic environment every service's migrations run in (see ``alembic_config``)."""

from alembic import context

from leadflow_shared.migrations import run_env

run_env(context.config.attributes["target_metadata"], context.config.attributes["schema"])

from leadflow_router import SCHEMA
from leadflow_router.tables import metadata
from leadflow_shared.migrations import run_env

run_env(metadata, SCHEMA)

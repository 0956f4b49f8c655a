from leadflow_shared.migrations import run_env
from leadflow_verify import SCHEMA
from leadflow_verify.tables import metadata

run_env(metadata, SCHEMA)

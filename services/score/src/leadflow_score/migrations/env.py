from leadflow_score import SCHEMA
from leadflow_score.tables import metadata
from leadflow_shared.migrations import run_env

run_env(metadata, SCHEMA)

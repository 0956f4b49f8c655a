from leadflow_capture import SCHEMA
from leadflow_capture.tables import metadata
from leadflow_shared.migrations import run_env

run_env(metadata, SCHEMA)

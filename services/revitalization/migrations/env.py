from services.revitalization.tables import metadata
from shared.db.migrations import run_alembic_env

run_alembic_env(metadata)

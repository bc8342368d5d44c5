"""name gram index

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 08:20:00

Donor-name search on PostgreSQL matches the folded name's substrings of one to three
characters (`funds_name_grams`, stored in the generated column `name_grams`) through a GIN index.
pg_trgm cannot serve the commonest searches (a two-kanji surname or a one-kanji given name has
no trigram: the trigram index returned every row). A key of up to three characters is one
element of the index, so the statistics ANALYZE keeps of the column's most common elements
estimate its rows: the planner walks the date or amount index for a common name and reads the
gram index for a rare one.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every substring of one, two and three characters; services.funds.reports.identity.query_grams
# builds the query side.
GRAMS_FUNCTION = """
CREATE FUNCTION funds_name_grams(key text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT array(
        SELECT substr(key, i, n)
        FROM generate_series(1, char_length(key)) AS i, (VALUES (1), (2), (3)) AS width(n)
        WHERE i + n <= char_length(key) + 1
    )
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(GRAMS_FUNCTION)
    # Stored, so that walking the date or amount index filters on a column rather than computing
    # the grams of every line it passes.
    op.execute(
        "ALTER TABLE report_lines ADD COLUMN name_grams text[] "
        "GENERATED ALWAYS AS (funds_name_grams(name_key)) STORED"
    )
    op.execute("CREATE INDEX ix_report_lines_name_grams ON report_lines USING gin (name_grams)")
    op.execute("DROP INDEX IF EXISTS ix_report_lines_name_key_trgm")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_report_lines_name_grams")
    op.execute("ALTER TABLE report_lines DROP COLUMN IF EXISTS name_grams")
    op.execute("DROP FUNCTION IF EXISTS funds_name_grams(text)")
    available = (
        op.get_bind().exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").first()
    )
    if available is not None:
        op.execute(
            "CREATE INDEX ix_report_lines_name_key_trgm ON report_lines USING gin (name_key gin_trgm_ops)"
        )

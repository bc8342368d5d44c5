"""name grams by a loop

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 13:50:00

`funds_name_grams` computes the stored `name_grams` of every line a filing writes. As a SQL
function its body is a query (a set over `generate_series`) run by the SQL-function executor
once per row, which made it a large part of writing a filing's lines. The same grams, in the
same order, by a PL/pgSQL loop cost about half as much; the values already stored do not change.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every substring of one, two and three characters, by start then width (as 0003's function).
LOOP_FUNCTION = """
CREATE OR REPLACE FUNCTION funds_name_grams(key text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    key_length integer := char_length(key);
    grams text[] := '{}';
BEGIN
    FOR start IN 1..key_length LOOP
        FOR width IN 1..least(3, key_length - start + 1) LOOP
            grams := grams || substr(key, start, width);
        END LOOP;
    END LOOP;
    RETURN grams;
END
$$
"""

QUERY_FUNCTION = """
CREATE OR REPLACE FUNCTION funds_name_grams(key text) RETURNS text[]
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
    if op.get_bind().dialect.name == "postgresql":
        op.execute(LOOP_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(QUERY_FUNCTION)

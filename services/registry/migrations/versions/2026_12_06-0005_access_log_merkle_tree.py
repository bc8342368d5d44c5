"""access log as a Merkle tree: leaf indexes and hashes, stored subtrees, signed checkpoints, keys

The 64 hash-chained lanes give way to one append-only Merkle tree (RFC 9162): each entry gets a
dense 0-based leaf index (existing entries in entry-id order) and its leaf hash; the lane
columns and heads go. Existing entries are provided by the registry (`served_by`).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 05:00:00.000000
"""

import hashlib
from collections.abc import Sequence

import orjson
import sqlalchemy as sa
from alembic import op

from shared.db.types import UtcDateTime
from shared.values import to_rfc3339

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 10_000
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Migrations do not import the service: the payloads below are frozen copies of the formats of
# `services.registry.accesslog.entries` (the leaf) and of the retired `chain` module (the lanes).
REGISTRY = "registry"
LANES = 64

access_log = sa.table(
    "access_log",
    sa.column("entry_id", BIG_ID),
    sa.column("lane", sa.SmallInteger),
    sa.column("sequence", sa.BigInteger),
    sa.column("hash", sa.LargeBinary),
    sa.column("leaf_index", sa.BigInteger),
    sa.column("leaf_hash", sa.LargeBinary),
    sa.column("served_by", sa.String),
    sa.column("recorded_at", UtcDateTime()),
    sa.column("client_id", sa.String),
    sa.column("purpose", sa.String),
    sa.column("request_id", sa.String),
    sa.column("operation", sa.String),
    sa.column("resident_code", sa.String),
    sa.column("items", sa.String),
)


def _provision(row: sa.Row[tuple[object, ...]], *served_by: str) -> list[object]:
    return [
        to_rfc3339(row.recorded_at),
        *served_by,
        row.client_id,
        row.purpose,
        row.request_id,
        row.operation,
        row.resident_code,
        row.items,
    ]


def upgrade() -> None:
    with op.batch_alter_table("access_log") as batch_op:
        batch_op.add_column(sa.Column("leaf_index", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("served_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=True))
    bind = op.get_bind()
    leaf_index = 0
    for start in range(0, 1 << 62, BATCH):
        rows = bind.execute(
            sa.select(access_log)
            .where(access_log.c.leaf_index.is_(None))
            .order_by(access_log.c.entry_id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        values = [
            {
                "id": row.entry_id,
                "leaf_index": start + offset,
                "leaf_hash": hashlib.sha256(b"\x00" + orjson.dumps(_provision(row, REGISTRY))).digest(),
            }
            for offset, row in enumerate(rows)
        ]
        bind.execute(
            access_log.update()
            .where(access_log.c.entry_id == sa.bindparam("id"))
            .values(
                leaf_index=sa.bindparam("leaf_index"),
                leaf_hash=sa.bindparam("leaf_hash"),
                served_by=REGISTRY,
            ),
            values,
        )
        leaf_index = start + len(rows)
    with op.batch_alter_table("access_log") as batch_op:
        batch_op.alter_column("leaf_index", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("served_by", existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column("leaf_hash", existing_type=sa.LargeBinary(length=32), nullable=False)
        batch_op.create_unique_constraint(op.f("uq_access_log_leaf_index"), ["leaf_index"])
        batch_op.drop_constraint(op.f("uq_access_log_lane_sequence"), type_="unique")
        batch_op.drop_column("lane")
        batch_op.drop_column("sequence")
        batch_op.drop_column("hash")
    op.drop_table("access_log_heads")
    head = op.create_table(
        "access_log_head",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log_head")),
    )
    tree = op.create_table(
        "access_log_tree",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log_tree")),
    )
    op.bulk_insert(head, [{"id": 1, "size": leaf_index}])
    op.bulk_insert(tree, [{"id": 1, "size": 0}])
    op.create_table(
        "access_log_nodes",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("node_index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "node_index", name=op.f("pk_access_log_nodes")),
    )
    op.create_table(
        "access_log_checkpoints",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_access_log_checkpoints")),
    )
    op.create_table(
        "access_log_signing_keys",
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("private_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_access_log_signing_keys")),
    )


def downgrade() -> None:
    """Back to lanes: every entry, in leaf order, chained in lane 0 (the others start empty)."""
    op.drop_table("access_log_signing_keys")
    op.drop_table("access_log_checkpoints")
    op.drop_table("access_log_nodes")
    op.drop_table("access_log_tree")
    op.drop_table("access_log_head")
    with op.batch_alter_table("access_log") as batch_op:
        batch_op.add_column(sa.Column("lane", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("sequence", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.LargeBinary(length=32), nullable=True))
    bind = op.get_bind()
    previous = bytes(32)
    sequence = 0
    rows = bind.execute(sa.select(access_log).order_by(access_log.c.leaf_index)).all()
    values = []
    for row in rows:
        sequence += 1
        previous = hashlib.sha256(previous + orjson.dumps(_provision(row))).digest()
        values.append({"id": row.entry_id, "lane": 0, "sequence": sequence, "hash": previous})
    if values:
        bind.execute(
            access_log.update()
            .where(access_log.c.entry_id == sa.bindparam("id"))
            .values(lane=sa.bindparam("lane"), sequence=sa.bindparam("sequence"), hash=sa.bindparam("hash")),
            values,
        )
    with op.batch_alter_table("access_log") as batch_op:
        batch_op.alter_column("lane", existing_type=sa.SmallInteger(), nullable=False)
        batch_op.alter_column("sequence", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.LargeBinary(length=32), nullable=False)
        batch_op.create_unique_constraint(op.f("uq_access_log_lane_sequence"), ["lane", "sequence"])
        batch_op.drop_constraint(op.f("uq_access_log_leaf_index"), type_="unique")
        batch_op.drop_column("leaf_index")
        batch_op.drop_column("served_by")
        batch_op.drop_column("leaf_hash")
    heads = op.create_table(
        "access_log_heads",
        sa.Column("lane", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("lane", name=op.f("pk_access_log_heads")),
    )
    op.bulk_insert(
        heads,
        [{"lane": 0, "sequence": sequence, "last_hash": previous}]
        + [{"lane": lane, "sequence": 0, "last_hash": bytes(32)} for lane in range(1, LANES)],
    )

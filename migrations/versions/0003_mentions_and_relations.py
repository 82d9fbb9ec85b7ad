"""mentions and relations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 15:38:44.679357
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('mentions',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=500), nullable=False),
    sa.Column('normalized', sa.String(length=500), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('record_type', sa.String(length=60), nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('load_id', sa.String(length=36), nullable=True),
    sa.Column('entity_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('classification', sa.Integer(), nullable=False),
    sa.Column('caveats', sa.String(length=400), nullable=False),
    sa.Column('compartments', sa.String(length=400), nullable=False),
    sa.Column('releasable_to', sa.String(length=2000), nullable=False),
    sa.Column('owner_org_id', sa.String(length=36), nullable=True),
    sa.Column('owner_office_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentions'))
    )
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentions_classification'), ['classification'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index('ix_mentions_kind_normalized', ['kind', 'normalized'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_load_id'), ['load_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_owner_org_id'), ['owner_org_id'], unique=False)
        batch_op.create_index('ix_mentions_record', ['record_type', 'record_id'], unique=False)

    op.create_table('relations',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('source_mention_id', sa.String(length=36), nullable=False),
    sa.Column('target_mention_id', sa.String(length=36), nullable=False),
    sa.Column('record_type', sa.String(length=60), nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=False),
    sa.Column('load_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('classification', sa.Integer(), nullable=False),
    sa.Column('caveats', sa.String(length=400), nullable=False),
    sa.Column('compartments', sa.String(length=400), nullable=False),
    sa.Column('releasable_to', sa.String(length=2000), nullable=False),
    sa.Column('owner_org_id', sa.String(length=36), nullable=True),
    sa.Column('owner_office_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['source_mention_id'], ['mentions.id'], name=op.f('fk_relations_source_mention_id_mentions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_mention_id'], ['mentions.id'], name=op.f('fk_relations_target_mention_id_mentions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relations'))
    )
    with op.batch_alter_table('relations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relations_classification'), ['classification'], unique=False)
        batch_op.create_index(batch_op.f('ix_relations_load_id'), ['load_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relations_owner_org_id'), ['owner_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relations_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relations_source_mention_id'), ['source_mention_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relations_target_mention_id'), ['target_mention_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('relations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relations_target_mention_id'))
        batch_op.drop_index(batch_op.f('ix_relations_source_mention_id'))
        batch_op.drop_index(batch_op.f('ix_relations_record_id'))
        batch_op.drop_index(batch_op.f('ix_relations_owner_org_id'))
        batch_op.drop_index(batch_op.f('ix_relations_load_id'))
        batch_op.drop_index(batch_op.f('ix_relations_classification'))

    op.drop_table('relations')
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_index('ix_mentions_record')
        batch_op.drop_index(batch_op.f('ix_mentions_owner_org_id'))
        batch_op.drop_index(batch_op.f('ix_mentions_load_id'))
        batch_op.drop_index('ix_mentions_kind_normalized')
        batch_op.drop_index(batch_op.f('ix_mentions_entity_id'))
        batch_op.drop_index(batch_op.f('ix_mentions_classification'))

    op.drop_table('mentions')

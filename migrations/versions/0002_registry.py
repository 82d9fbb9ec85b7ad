"""registry: recordations, requests, products, notices, record-number counters, imports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:20:46.902802
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('record_number_counters',
    sa.Column('prefix', sa.String(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_number_counters')),
    sa.UniqueConstraint('prefix', 'year', name='prefix_year')
    )
    op.create_table('recordation_imports',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=400), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recordation_imports')),
    sa.UniqueConstraint('sha256', name=op.f('uq_recordation_imports_sha256'))
    )
    op.create_table('recordations',
    sa.Column('record_number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('registration_number', sa.String(length=60), nullable=False),
    sa.Column('registration_date', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('mark', sa.String(length=300), nullable=False),
    sa.Column('mark_folded', sa.String(length=300), nullable=False),
    sa.Column('design_sha256', sa.String(length=64), nullable=True),
    sa.Column('design_media_type', sa.String(length=40), nullable=True),
    sa.Column('owner_name', sa.String(length=300), nullable=False),
    sa.Column('owner_address', sa.String(length=600), nullable=False),
    sa.Column('owner_country', sa.String(length=2), nullable=False),
    sa.Column('classes_json', sa.Text(), nullable=False),
    sa.Column('class_tokens', sa.String(length=400), nullable=False),
    sa.Column('places_of_manufacture', sa.String(length=400), nullable=False),
    sa.Column('authorized_json', sa.Text(), nullable=False),
    sa.Column('affiliates_json', sa.Text(), nullable=False),
    sa.Column('gray_market', sa.Boolean(), nullable=False),
    sa.Column('gray_market_differences', sa.Text(), nullable=False),
    sa.Column('msrp_usd', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('guide_text', sa.Text(), nullable=False),
    sa.Column('guide_files_json', sa.Text(), nullable=False),
    sa.Column('contacts_json', sa.Text(), nullable=False),
    sa.Column('filed_by_user_id', sa.String(length=36), nullable=True),
    sa.Column('import_digest', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('classification', sa.Integer(), nullable=False),
    sa.Column('caveats', sa.String(length=400), nullable=False),
    sa.Column('compartments', sa.String(length=400), nullable=False),
    sa.Column('releasable_to', sa.String(length=2000), nullable=False),
    sa.Column('owner_org_id', sa.String(length=36), nullable=True),
    sa.Column('owner_office_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recordations')),
    sa.UniqueConstraint('kind', 'registration_number', name='kind_registration'),
    sa.UniqueConstraint('record_number', name=op.f('uq_recordations_record_number'))
    )
    with op.batch_alter_table('recordations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recordations_classification'), ['classification'], unique=False)
        batch_op.create_index(batch_op.f('ix_recordations_expires_on'), ['expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_recordations_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_recordations_mark_folded'), ['mark_folded'], unique=False)
        batch_op.create_index(batch_op.f('ix_recordations_owner_country'), ['owner_country'], unique=False)
        batch_op.create_index(batch_op.f('ix_recordations_owner_name'), ['owner_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_recordations_owner_org_id'), ['owner_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recordations_registration_number'), ['registration_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_recordations_status'), ['status'], unique=False)

    version = op.create_table('registry_index_version',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_index_version'))
    )
    # The one counter row exists from the start, so bumping it never races to insert it.
    op.bulk_insert(version, [{'id': 'recordations', 'version': 0}])
    op.create_table('recordation_products',
    sa.Column('recordation_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('msrp_usd', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('hts_code', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['recordation_id'], ['recordations.id'], name=op.f('fk_recordation_products_recordation_id_recordations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recordation_products'))
    )
    with op.batch_alter_table('recordation_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recordation_products_recordation_id'), ['recordation_id'], unique=False)

    op.create_table('recordation_requests',
    sa.Column('recordation_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('fee_usd', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('fee_detail', sa.String(length=200), nullable=False),
    sa.Column('payload_json', sa.Text(), nullable=False),
    sa.Column('org_id', sa.String(length=36), nullable=True),
    sa.Column('filed_by_user_id', sa.String(length=36), nullable=True),
    sa.Column('decided_by_user_id', sa.String(length=36), nullable=True),
    sa.Column('decided_by', sa.String(length=120), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['recordation_id'], ['recordations.id'], name=op.f('fk_recordation_requests_recordation_id_recordations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recordation_requests'))
    )
    with op.batch_alter_table('recordation_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recordation_requests_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_recordation_requests_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recordation_requests_recordation_id'), ['recordation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recordation_requests_status'), ['status'], unique=False)

    op.create_table('registry_notices',
    sa.Column('recordation_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('classification', sa.Integer(), nullable=False),
    sa.Column('caveats', sa.String(length=400), nullable=False),
    sa.Column('compartments', sa.String(length=400), nullable=False),
    sa.Column('releasable_to', sa.String(length=2000), nullable=False),
    sa.Column('owner_org_id', sa.String(length=36), nullable=True),
    sa.Column('owner_office_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['recordation_id'], ['recordations.id'], name=op.f('fk_registry_notices_recordation_id_recordations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_notices'))
    )
    with op.batch_alter_table('registry_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_notices_classification'), ['classification'], unique=False)
        batch_op.create_index(batch_op.f('ix_registry_notices_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_registry_notices_owner_org_id'), ['owner_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registry_notices_recordation_id'), ['recordation_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('registry_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registry_notices_recordation_id'))
        batch_op.drop_index(batch_op.f('ix_registry_notices_owner_org_id'))
        batch_op.drop_index(batch_op.f('ix_registry_notices_created_at'))
        batch_op.drop_index(batch_op.f('ix_registry_notices_classification'))

    op.drop_table('registry_notices')
    with op.batch_alter_table('recordation_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recordation_requests_status'))
        batch_op.drop_index(batch_op.f('ix_recordation_requests_recordation_id'))
        batch_op.drop_index(batch_op.f('ix_recordation_requests_org_id'))
        batch_op.drop_index(batch_op.f('ix_recordation_requests_kind'))

    op.drop_table('recordation_requests')
    with op.batch_alter_table('recordation_products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recordation_products_recordation_id'))

    op.drop_table('recordation_products')
    op.drop_table('registry_index_version')
    with op.batch_alter_table('recordations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recordations_status'))
        batch_op.drop_index(batch_op.f('ix_recordations_registration_number'))
        batch_op.drop_index(batch_op.f('ix_recordations_owner_org_id'))
        batch_op.drop_index(batch_op.f('ix_recordations_owner_name'))
        batch_op.drop_index(batch_op.f('ix_recordations_owner_country'))
        batch_op.drop_index(batch_op.f('ix_recordations_mark_folded'))
        batch_op.drop_index(batch_op.f('ix_recordations_kind'))
        batch_op.drop_index(batch_op.f('ix_recordations_expires_on'))
        batch_op.drop_index(batch_op.f('ix_recordations_classification'))

    op.drop_table('recordations')
    op.drop_table('recordation_imports')
    op.drop_table('record_number_counters')

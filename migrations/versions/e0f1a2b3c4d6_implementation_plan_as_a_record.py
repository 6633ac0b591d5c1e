"""The implementation plan as a record: its .docx kept at approval, its PDF/A made once from it

Revision ID: e0f1a2b3c4d6
Revises: d8e9f0a1b2c4
Create Date: 2026-12-05 08:00:00

Like the improvement plan's ``plan_document``: one row per approval and format, with the
SHA-256 of the stored bytes (indexed: ``flask documents verify`` finds a file by it).
"""
import sqlalchemy as sa
from alembic import op

revision = 'e0f1a2b3c4d6'
down_revision = 'd8e9f0a1b2c4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'implementation_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('approval_id', sa.Integer(), nullable=False),
        sa.Column('format', sa.String(length=10), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['approval_id'], ['implementation_approval.id'],
            name=op.f('fk_implementation_document_approval_id_implementation_approval'),
            ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_implementation_document')),
        sa.UniqueConstraint('approval_id', 'format',
                            name=op.f('uq_implementation_document_approval_id_format')),
    )
    op.create_index(op.f('ix_implementation_document_sha256'), 'implementation_document',
                    ['sha256'])


def downgrade():
    op.drop_index(op.f('ix_implementation_document_sha256'),
                  table_name='implementation_document')
    op.drop_table('implementation_document')

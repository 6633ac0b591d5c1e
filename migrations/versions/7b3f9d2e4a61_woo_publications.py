"""Publishing under the Woo: the publisher, each publication and its redaction review

Revision ID: 7b3f9d2e4a61
Revises: 4d8e2a6c1f3b
Create Date: 2026-12-06 14:00:00

The organisation as publisher (one row; the platform's token stays outside the database),
each publication of a project (the document as prepared, the PDF/A as approved, where it was
delivered, its withdrawal) and what its review found and left out, on which ground.
"""
import sqlalchemy as sa
from alembic import op

revision = '7b3f9d2e4a61'
down_revision = '4d8e2a6c1f3b'
branch_labels = None
depends_on = None

_URL = sa.String(length=1000)
_ROLES = ("'sponsor', 'process_owner', 'project_leader', 'process_advisor', 'journey_coach', "
          "'subject_expert', 'team_manager', 'privacy_officer', 'ciso', 'it_specialist', "
          "'legal', 'app_manager', 'communication'")
_GROUNDS = "'5.1.2e', '5.2.1', '5.1.2d', '5.1.1c', '5.1.2i'"


def _user(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ['user_account.id'], ondelete='SET NULL',
                                   name=op.f(f'fk_{table}_{column}_user_account'))


def upgrade():
    op.create_table(
        'woo_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('publisher_uri', sa.String(length=200), nullable=False),
        sa.Column('publisher_name', sa.String(length=200), nullable=False),
        sa.Column('preparer', sa.String(length=32), nullable=False),
        sa.Column('gpp_root', _URL, nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint(f"preparer IN ({_ROLES})",
                           name=op.f('ck_woo_settings_preparer_valid')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_woo_settings')),
    )
    op.create_table(
        'woo_publication',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('document', sa.String(length=12), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('category', sa.String(length=200), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('plan_version_id', sa.Integer(), nullable=True),
        sa.Column('source', sa.LargeBinary(), nullable=False),
        sa.Column('source_sha256', sa.String(length=64), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=True),
        sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('returned_reason', sa.Text(), nullable=False),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('delivery', sa.String(length=4), nullable=True),
        sa.Column('gpp_publication', sa.String(length=36), nullable=False),
        sa.Column('gpp_document', sa.String(length=36), nullable=False),
        sa.Column('url', _URL, nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
        sa.Column('withdrawal_reason', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint("document IN ('plan', 'evaluation')",
                           name=op.f('ck_woo_publication_document_valid')),
        sa.CheckConstraint("state IN ('redacting', 'submitted', 'approved', 'published', "
                           "'withdrawn')", name=op.f('ck_woo_publication_state_valid')),
        sa.CheckConstraint("delivery IN ('gpp', 'zip')",
                           name=op.f('ck_woo_publication_delivery_valid')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE',
                                name=op.f('fk_woo_publication_project_id_project')),
        sa.ForeignKeyConstraint(['plan_version_id'], ['plan_version.id'], ondelete='SET NULL',
                                name=op.f('fk_woo_publication_plan_version_id_plan_version')),
        _user('created_by_id', 'woo_publication'),
        _user('submitted_by_id', 'woo_publication'),
        _user('approved_by_id', 'woo_publication'),
        _user('published_by_id', 'woo_publication'),
        _user('withdrawn_by_id', 'woo_publication'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_woo_publication')),
    )
    op.create_index(op.f('ix_woo_publication_project_id'), 'woo_publication', ['project_id'])
    op.create_table(
        'woo_redaction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('publication_id', sa.Integer(), nullable=False),
        sa.Column('finding', sa.String(length=8), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('context', sa.String(length=200), nullable=False),
        sa.Column('proposed', sa.String(length=8), nullable=True),
        sa.Column('ground', sa.String(length=8), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("finding IN ('name', 'email', 'passage')",
                           name=op.f('ck_woo_redaction_finding_valid')),
        sa.CheckConstraint(f"proposed IN ({_GROUNDS})",
                           name=op.f('ck_woo_redaction_proposed_valid')),
        sa.CheckConstraint(f"ground IN ({_GROUNDS})",
                           name=op.f('ck_woo_redaction_ground_valid')),
        sa.ForeignKeyConstraint(['publication_id'], ['woo_publication.id'], ondelete='CASCADE',
                                name=op.f('fk_woo_redaction_publication_id_woo_publication')),
        _user('user_id', 'woo_redaction'),
        _user('decided_by_id', 'woo_redaction'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_woo_redaction')),
    )
    op.create_index(op.f('ix_woo_redaction_publication_id'), 'woo_redaction',
                    ['publication_id'])


def downgrade():
    op.drop_index(op.f('ix_woo_redaction_publication_id'), table_name='woo_redaction')
    op.drop_table('woo_redaction')
    op.drop_index(op.f('ix_woo_publication_project_id'), table_name='woo_publication')
    op.drop_table('woo_publication')
    op.drop_table('woo_settings')

"""Tasks follow the work: each workflow task knows its template, how a task closed, and step 9
contributions

Revision ID: 8c3d2e1f0a9b
Revises: f3a4b5c6d7e8
Create Date: 2026-11-30 09:20:00

Existing rows are brought to the new rules in SQL: workflow tasks get their template key (matched
on step, role and title as the templates read before this revision), ticked tasks count as done
by hand, tasks of finished steps and of closed projects end with them, and review and action
tasks follow their review or action. The remaining conditions are evaluated by the app the next
time anything in the project changes (``flask tasks sync`` does it for every project at once).
"""
from alembic import op
import sqlalchemy as sa


revision = '8c3d2e1f0a9b'
down_revision = 'f3a4b5c6d7e8'
branch_labels = None
depends_on = None

# (step, role, title before this revision) -> template key, and the new title where it changed.
TEMPLATES = [
    (1, "project_leader", "Projectgroep samenstellen en rollen verdelen", "team.compose", None),
    (1, "project_leader", "Kick-off organiseren", "team.kickoff", None),
    (1, "process_owner", "Opdracht en scope van het traject formuleren", "team.assignment", None),
    (1, "sponsor", "Het traject uitdragen richting directie en bestuur", "team.advocate", None),
    (1, "subject_expert", "Kick-off bijwonen", "team.kickoff_expert", None),
    (1, "process_advisor", "Kick-off bijwonen", "team.kickoff_advisor", None),
    (1, "journey_coach", "Kick-off bijwonen", "team.kickoff_coach", None),
    (2, "process_advisor", "KPI's voorstellen met definitie en eenheid", "kpis.propose", None),
    (2, "project_leader", "Nulmeting laten uitvoeren", "kpis.baseline", None),
    (2, "process_owner", "KPI-set en streefwaarden vaststellen", "kpis.agree", None),
    (3, "process_advisor", "Sessie 3a begeleiden: huidig proces in kaart", "process.map", None),
    (3, "subject_expert", "Deelnemen aan sessie 3a en praktijkkennis inbrengen",
     "process.map_expert", None),
    (3, "project_leader", "Sessie 3b plannen (of samenvoegen met 3a / online check)",
     "process.plan_check", None),
    (3, "process_owner", "Proceskaart controleren op volledigheid en juistheid",
     "process.check_owner", None),
    (3, "subject_expert", "Proceskaart controleren", "process.check_expert", None),
    (3, "process_advisor", "Correcties verwerken en proceskaart afronden", "process.finish",
     None),
    (4, "journey_coach", "Klantreis uitvoeren en vastleggen", "journey.record", None),
    (4, "subject_expert", "Meedenken over de klantreis en pijnpunten", "journey.contribute",
     None),
    (5, "project_leader", "Serviceformule kiezen en sessie organiseren", "formula.choose", None),
    (5, "subject_expert", "Per P het huidige proces vergelijken met de formule",
     "formula.compare", None),
    (5, "process_owner", "Keuze van de serviceformule bevestigen", "formula.confirm", None),
    (5, "journey_coach", "Inbreng vanuit de klantreis geven", "formula.journey_input", None),
    (6, "project_leader", "Verbeterplan opstellen", "plan.draft", None),
    (6, "process_advisor", "Verbeteringen ordenen in quick wins en lange termijn", "plan.sort",
     None),
    (6, "journey_coach", "Verbeteringen vanuit de klantreis inbrengen", "plan.journey_input",
     None),
    (6, "process_owner", "Meedenken over de keuze van verbeteringen", "plan.owner_input", None),
    (7, "project_leader", "Toetsing organiseren en resultaten verzamelen", "review.organise",
     None),
    (8, "project_leader", "Toetsbevindingen verwerken in het verbeterplan", "adjust.respond",
     None),
    (8, "process_advisor", "Gewenst proces bijstellen", "adjust.process", None),
    (8, "subject_expert", "Meedenken over de bijstellingen", "adjust.expert_input", None),
    (8, "process_owner", "Definitief verbeterplan goedkeuren", "adjust.approve", None),
    (9, "process_owner", "Verbeteringen prioriteren en implementatieplan vaststellen",
     "implementation.decide", None),
    (9, "project_leader", "Planning van de implementatie uitwerken", "implementation.planning",
     "Voorstel voor de planning van de implementatie geven"),
    (9, "process_advisor", "Afhankelijkheden tussen verbeteringen in kaart brengen",
     "implementation.dependencies", "Afhankelijkheden tussen verbeteringen aangeven"),
    (10, "project_leader", "Uitvoering van het implementatieplan bewaken", "execution.monitor",
     None),
    (10, "team_manager", "Medewerkers trainen in het nieuwe proces", "execution.training", None),
    (10, "subject_expert", "Werkinstructies en procesbeschrijving bijwerken",
     "execution.documentation", None),
    (10, "project_leader", "De verandering communiceren", "execution.communication", None),
    (10, "process_owner", "Evaluatiemoment plannen en KPI's nameten", "execution.evaluation",
     None),
]


def upgrade():
    op.create_table('implementation_contribution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'],
                            name=op.f('fk_implementation_contribution_author_id_user_account')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                            name=op.f('fk_implementation_contribution_project_id_project'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_implementation_contribution'))
    )
    with op.batch_alter_table('implementation_contribution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_implementation_contribution_project_id'),
                              ['project_id'], unique=False)
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template_key', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('closed_as', sa.String(length=8), nullable=True))

    task = sa.table('task', sa.column('step', sa.SmallInteger), sa.column('role', sa.String),
                    sa.column('title', sa.String), sa.column('origin', sa.String),
                    sa.column('template_key', sa.String), sa.column('closed_as', sa.String),
                    sa.column('done_at', sa.DateTime), sa.column('project_id', sa.Integer),
                    sa.column('link', sa.String))
    for step, role, title, key, new_title in TEMPLATES:
        values = {"template_key": key} | ({"title": new_title} if new_title else {})
        op.execute(task.update().where(
            task.c.origin == "workflow", task.c.step == step, task.c.role == role,
            task.c.title == title).values(**values))
    op.execute(task.update().where(task.c.done_at.is_not(None)).values(closed_as="hand"))
    # Review and action tasks follow their review or action.
    op.execute("""
        UPDATE task SET closed_as = 'rule' WHERE origin = 'review' AND done_at IS NOT NULL
    """)
    op.execute("""
        UPDATE task SET closed_as = 'rule', done_at = CURRENT_TIMESTAMP
        WHERE origin = 'action' AND done_at IS NULL AND EXISTS (
            SELECT 1 FROM implementation_item i
            WHERE i.status = 'done' AND task.link = 'implementation.action:item_id=' || i.id)
    """)
    # Tasks of finished steps end with their step; in a closed project every task ends.
    op.execute("""
        UPDATE task SET closed_as = 'step', done_at = CURRENT_TIMESTAMP
        WHERE done_at IS NULL AND (
            (origin <> 'manual' AND EXISTS (
                SELECT 1 FROM step_state s WHERE s.project_id = task.project_id
                AND s.step = task.step AND s.status IN ('done', 'skipped')))
            OR NOT EXISTS (
                SELECT 1 FROM step_state s WHERE s.project_id = task.project_id
                AND s.status NOT IN ('done', 'skipped')))
    """)


def downgrade():
    op.execute("DELETE FROM task WHERE template_key IN ('implementation.capacity')")
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('closed_as')
        batch_op.drop_column('template_key')
    with op.batch_alter_table('implementation_contribution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_implementation_contribution_project_id'))
    op.drop_table('implementation_contribution')

"""Every route × every kind of visitor: anonymous, signed in but not in the project, an
administrator outside the project, and each wasstraat role inside it.

The table below is the expected policy, written out independently of the app's own policy
code. A new route without a row here fails the test, so none can be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from wasstraat import duties
from wasstraat.extensions import db
from wasstraat.improvements import services as improvements
from wasstraat.improvements.sources import resolve
from wasstraat.kpis import services as kpis
from wasstraat.models import (
    Benefit,
    Comment,
    DestructionItem,
    DestructionList,
    EventLogFilter,
    Idea,
    ImplementationItem,
    ImplementationOrder,
    InterviewLog,
    JourneyPhase,
    Membership,
    Notification,
    PlanRisk,
    PlanVersion,
    ProcessAttachment,
    ProcessStep,
    Remeasurement,
    Review,
    ReviewFinding,
    SessionFinding,
    Task,
    WooPublication,
    WorkSession,
)
from wasstraat.notification_kinds import Kind
from wasstraat.notifications.mail import unsubscribe_token
from wasstraat.plans import services as plans
from wasstraat.project_templates import services as templates
from wasstraat.projects import services as projects
from wasstraat.steps import services as steps
from wasstraat.workflow import ONDERZOEKSRAPPORTEN, Role, Step, StepStatus

ANYONE = "anyone"  # public, no login needed
# Not for a session at all: the metrics scrape has a token of its own and is not there
# without one (tests/test_ops.py); no visitor with a cookie gets it.
NOBODY = "nobody"
SIGNED_IN = "signed_in"  # any signed-in user
ADMIN = "admin"
ARCHIVIST = "archivist"  # the organisation's archivist (workflow.OrgFunction), no one else
COORDINATOR = "coordinator"  # an improvement coordinator (workflow.OrgFunction): the idea box
KEEPERS = "keepers"  # who keeps the templates: an administrator or a coordinator
MEMBERS = frozenset(Role)
STEP_1_ACTORS = frozenset({Role.SPONSOR, Role.PROCESS_OWNER, Role.SUBJECT_EXPERT,
                           Role.PROJECT_LEADER, Role.JOURNEY_COACH, Role.PROCESS_ADVISOR})
PL = frozenset({Role.PROJECT_LEADER})
PROCESS_MAPPERS = frozenset({Role.PROJECT_LEADER, Role.SUBJECT_EXPERT, Role.PROCESS_ADVISOR})
PROCESS_CHECKERS = frozenset({Role.PROCESS_OWNER, Role.SUBJECT_EXPERT, Role.PROJECT_LEADER,
                              Role.PROCESS_ADVISOR})
STEP_5_ACTORS = frozenset({Role.SUBJECT_EXPERT, Role.PROJECT_LEADER, Role.PROCESS_OWNER,
                           Role.JOURNEY_COACH})
JOURNEY_EDITORS = frozenset({Role.JOURNEY_COACH, Role.SUBJECT_EXPERT, Role.PROJECT_LEADER})
SPONSOR_OR_PL = frozenset({Role.SPONSOR, Role.PROJECT_LEADER})  # the improvement's author
STEP_2_ACTORS = frozenset({Role.PROCESS_OWNER, Role.PROJECT_LEADER, Role.PROCESS_ADVISOR})
LOG_IMPORTERS = frozenset({Role.PROJECT_LEADER, Role.PROCESS_ADVISOR})
REMEASURERS = frozenset({Role.PROCESS_OWNER, Role.PROJECT_LEADER, Role.PROCESS_ADVISOR})
BENEFIT_KEEPERS = frozenset({Role.PROCESS_OWNER, Role.PROJECT_LEADER, Role.SUBJECT_EXPERT})
# Steps 6 and 8 draw up and adjust the plan; team managers only read it.
PLAN_EDITORS = frozenset({Role.JOURNEY_COACH, Role.PROCESS_ADVISOR, Role.PROJECT_LEADER,
                          Role.PROCESS_OWNER, Role.SUBJECT_EXPERT})
RESPONDERS = frozenset({Role.PROJECT_LEADER, Role.PROCESS_ADVISOR, Role.SUBJECT_EXPERT,
                        Role.PROCESS_OWNER})
PO = frozenset({Role.PROCESS_OWNER})
PRIVACY = frozenset({Role.PRIVACY_OFFICER})  # the world's review is a privacy review
# The world's action is the subject expert's; the leader and process owner may update it too.
ACTION_UPDATERS = frozenset({Role.SUBJECT_EXPERT, Role.PROJECT_LEADER, Role.PROCESS_OWNER})
# The world's comment is the subject expert's; the project leader may remove it.
COMMENT_WRITER = frozenset({Role.SUBJECT_EXPERT})
COMMENT_REMOVERS = frozenset({Role.SUBJECT_EXPERT, Role.PROJECT_LEADER})
STEP_10_ACTORS = frozenset({Role.PROJECT_LEADER, Role.SUBJECT_EXPERT, Role.TEAM_MANAGER,
                            Role.PROCESS_OWNER})


@dataclass(frozen=True)
class Rule:
    path: str
    method: str
    allowed: frozenset | str
    admin: bool = False  # an administrator outside the project is allowed too
    destructive: bool = False  # an allowed call changes what the next call would find
    others: str = "forbidden"  # what a signed-in person not allowed gets (or "hidden")

    @property
    def is_api(self) -> bool:
        """Called with a bearer token, never with the session cookie."""
        return self.path.startswith("/api/v1/") and not self.path.endswith("openapi.json")


RULES: dict[str, list[Rule]] = {
    "static": [Rule("/static/css/app.css", "GET", ANYONE)],
    # The probes of a load balancer and Kubernetes (ops/views.py).
    "ops.ready": [Rule("/health", "GET", ANYONE), Rule("/_healthz/readyz/", "GET", ANYONE)],
    "ops.live": [Rule("/_healthz/livez/", "GET", ANYONE)],
    "ops.started": [Rule("/_healthz/", "GET", ANYONE)],
    "ops.metrics": [Rule("/_metrics", "GET", NOBODY)],
    # The archive (Selectielijst): the archivist's, not the administrators'.
    "archive.index": [Rule("/archief/", "GET", ARCHIVIST)],
    "archive.project_class": [Rule("/archief/projects/{cp}/class", "GET", ARCHIVIST),
                              Rule("/archief/projects/{cp}/class", "POST", ARCHIVIST)],
    "archive.new_class": [Rule("/archief/classes/new", "GET", ARCHIVIST),
                          Rule("/archief/classes/new", "POST", ARCHIVIST)],
    "archive.draw_up": [Rule("/archief/lists", "POST", ARCHIVIST)],
    "archive.destruction_list": [Rule("/archief/lists/{dl}", "GET", ARCHIVIST)],
    "archive.exclude": [Rule("/archief/lists/{dl}/items/{di}/exclude", "POST", ARCHIVIST)],
    "archive.approve": [Rule("/archief/lists/{dl}/approve", "POST", ARCHIVIST)],
    # The idea box: everyone posts, reads and follows; only a coordinator triages.
    "ideas.index": [Rule("/ideas", "GET", SIGNED_IN)],
    "ideas.new": [Rule("/ideas/new", "GET", SIGNED_IN), Rule("/ideas/new", "POST", SIGNED_IN)],
    "ideas.similar": [Rule("/ideas/similar?title=parkeren", "GET", SIGNED_IN)],
    "ideas.show": [Rule("/ideas/{idea}", "GET", SIGNED_IN)],
    "ideas.follow": [Rule("/ideas/{idea}/follow", "POST", SIGNED_IN)],
    "ideas.into_project": [Rule("/ideas/{idea}/into-project", "POST", COORDINATOR)],
    "ideas.merge": [Rule("/ideas/{idea}/merge", "POST", COORDINATOR)],
    "ideas.decline": [Rule("/ideas/{idea}/decline", "POST", COORDINATOR, destructive=True)],
    "ideas.new_project": [Rule("/ideas/{idea}/new-project", "GET", COORDINATOR),
                          Rule("/ideas/{idea}/new-project", "POST", COORDINATOR)],
    "reports.idea_figures": [Rule("/reports/ideas", "GET", SIGNED_IN)],
    # Templates: kept by administrators and coordinators, read by everyone signed in; a
    # project is saved as one by a keeper who sees it (here: the administrator).
    "project_templates.index": [Rule("/templates", "GET", KEEPERS)],
    "project_templates.version": [Rule("/templates/versions/{tv}", "GET", SIGNED_IN)],
    "project_templates.export": [Rule("/templates/versions/{tv}.json", "GET", SIGNED_IN)],
    "project_templates.import_document": [Rule("/templates/import", "GET", KEEPERS),
                                          Rule("/templates/import", "POST", KEEPERS)],
    "project_templates.save": [Rule("/projects/{p}/template", "GET", frozenset(), admin=True),
                               Rule("/projects/{p}/template", "POST", frozenset(),
                                    admin=True)],
    # A new project as a copy: whoever sees the project (and may start one).
    "projects.copy": [Rule("/projects/{p}/copy", "GET", MEMBERS, admin=True),
                      Rule("/projects/{p}/copy", "POST", MEMBERS, admin=True)],
    # Everyone's own inbox; a message opens only for the person it was sent to.
    "notifications.index": [Rule("/notifications", "GET", SIGNED_IN)],
    "notifications.open_one": [Rule("/notifications/{n}/open", "POST",
                                    frozenset({Role.SPONSOR}))],
    "notifications.mark_all_read": [Rule("/notifications/read", "POST", SIGNED_IN)],
    "notifications.settings": [Rule("/notifications/settings", "GET", SIGNED_IN),
                               Rule("/notifications/settings", "POST", SIGNED_IN)],
    # The link in an e-mail: its signed token is the authority, no session needed.
    "notifications.unsubscribe": [Rule("/notifications/off/{off}", "GET", ANYONE),
                                  Rule("/notifications/off/{off}", "POST", ANYONE)],
    "auth.login": [Rule("/login", "GET", ANYONE), Rule("/login", "POST", ANYONE)],
    "auth.logout": [Rule("/logout", "POST", SIGNED_IN, destructive=True)],
    "auth.change_password": [Rule("/account/password", "GET", SIGNED_IN),
                             Rule("/account/password", "POST", SIGNED_IN)],
    "auth.set_language": [Rule("/account/language", "POST", SIGNED_IN)],
    "auth.extend_session": [Rule("/session/extend", "POST", SIGNED_IN)],
    "auth.second_factor": [Rule("/login/code", "GET", ANYONE),
                           Rule("/login/code", "POST", ANYONE)],
    "auth.second_factor_settings": [Rule("/account/second-factor", "GET", SIGNED_IN)],
    "auth.begin_second_factor": [Rule("/account/second-factor/begin", "POST", SIGNED_IN)],
    "auth.confirm_second_factor": [Rule("/account/second-factor/confirm", "POST", SIGNED_IN)],
    "auth.new_recovery_codes": [Rule("/account/second-factor/recovery-codes", "POST",
                                     SIGNED_IN)],
    "auth.switch_off_second_factor": [Rule("/account/second-factor/off", "POST", SIGNED_IN)],
    "auth.export_own_personal_data": [Rule("/account/personal-data", "GET", SIGNED_IN)],
    # Single sign-on is not configured here: both send to the login page (see test_sso.py).
    "auth.sso_start": [Rule("/login/sso", "GET", ANYONE)],
    "auth.sso_callback": [Rule("/login/sso/callback", "GET", ANYONE)],
    "main.dashboard": [Rule("/", "GET", SIGNED_IN)],
    "main.my_tasks": [Rule("/tasks", "GET", SIGNED_IN)],
    "admin.users": [Rule("/admin/users", "GET", ADMIN)],
    "admin.outbox": [Rule("/admin/outbox", "GET", ADMIN)],
    # Reports: everyone signed in, over the projects they may see (test_reports.py).
    "reports.index": [Rule("/reports", "GET", SIGNED_IN)],
    "library.index": [Rule("/processes", "GET", SIGNED_IN)],
    # A process a closed project described: any employee reads it and may suggest.
    "library.show": [Rule("/processes/{cp}", "GET", SIGNED_IN),
                     Rule("/processes/{cp}", "POST", SIGNED_IN)],
    "reports.export_csv": [Rule("/reports/kpis.csv", "GET", SIGNED_IN)],
    "reports.export_xlsx": [Rule("/reports/rapportage.xlsx", "GET", SIGNED_IN)],
    "admin.new_user": [Rule("/admin/users/new", "GET", ADMIN),
                       Rule("/admin/users/new", "POST", ADMIN)],
    "admin.end_sessions": [Rule("/admin/users/{user}/sessions/end", "POST", ADMIN,
                                destructive=True)],
    "admin.reset_second_factor": [Rule("/admin/users/{user}/second-factor/reset", "POST", ADMIN,
                                       destructive=True)],
    "admin.audit_trail": [Rule("/admin/audit", "GET", ADMIN)],
    "admin.allow_sso_link": [Rule("/admin/users/{user}/sso/allow", "POST", ADMIN)],
    "admin.export_personal_data": [Rule("/admin/users/{user}/personal-data", "GET", ADMIN)],
    "admin.erase_user": [Rule("/admin/users/{user}/erase", "POST", ADMIN, destructive=True)],
    "admin.export_audit_trail": [Rule("/admin/audit/export.csv", "GET", ADMIN)],
    "admin.edit_user": [Rule("/admin/users/{user}/edit", "GET", ADMIN),
                        Rule("/admin/users/{user}/edit", "POST", ADMIN)],
    "projects.new": [Rule("/projects/new", "GET", SIGNED_IN),
                     Rule("/projects/new", "POST", SIGNED_IN)],
    "projects.show": [Rule("/projects/{p}", "GET", MEMBERS, admin=True)],
    "projects.history": [Rule("/projects/{p}/history", "GET", MEMBERS, admin=True)],
    # The zaaksysteem (Open Zaak): configured by administrators; the dossier is the team's.
    "zaken.settings": [Rule("/admin/zaaksysteem", "GET", ADMIN),
                       Rule("/admin/zaaksysteem", "POST", ADMIN)],
    "zaken.test_connection": [Rule("/admin/zaaksysteem/test", "POST", ADMIN)],
    "zaken.dossier": [Rule("/projects/{p}/zaakdossier", "GET", MEMBERS, admin=True)],
    "zaken.retry": [Rule("/projects/{p}/zaakdossier/retry", "POST", ADMIN)],
    # The Woo: the process owner (the organisation's default) prepares; a second person with
    # that role, or the privacy officer, approves.
    "woo.settings": [Rule("/admin/woo", "GET", ADMIN), Rule("/admin/woo", "POST", ADMIN)],
    "woo.index": [Rule("/projects/{p}/woo", "GET", MEMBERS, admin=True)],
    "woo.prepare": [Rule("/projects/{p}/woo/evaluation", "POST", PO)],
    "woo.publication": [Rule("/projects/{p}/woo/{wp}", "GET", MEMBERS, admin=True)],
    "woo.decide": [Rule("/projects/{p}/woo/{wp}/redactions", "POST", PO)],
    "woo.add_passage": [Rule("/projects/{p}/woo/{wp}/passages", "POST", PO)],
    "woo.submit": [Rule("/projects/{p}/woo/{wp}/submit", "POST", PO)],
    "woo.approve": [Rule("/projects/{p}/woo/{wp}/approve", "POST", PO | PRIVACY)],
    "woo.send_back": [Rule("/projects/{p}/woo/{wp}/send-back", "POST", PO | PRIVACY)],
    "woo.deliver": [Rule("/projects/{p}/woo/{wp}/deliver", "POST", PO)],
    "woo.record_published": [Rule("/projects/{p}/woo/{wp}/published", "POST", PO)],
    "woo.withdraw": [Rule("/projects/{p}/woo/{wp}/withdraw", "POST", PO)],
    "woo.package": [Rule("/projects/{p}/woo/{wp}/package.zip", "GET", PO | PRIVACY)],
    "admin.organisation": [Rule("/admin/organisation", "GET", ADMIN),
                           Rule("/admin/organisation", "POST", ADMIN)],
    "projects.people": [Rule("/projects/{p}/team/people?q=med", "GET", PL, admin=True)],
    "projects.invite": [Rule("/projects/{p}/team/invite", "POST", PL, admin=True)],
    "projects.team": [Rule("/projects/{p}/team", "GET", MEMBERS, admin=True),
                      Rule("/projects/{p}/team", "POST", PL, admin=True)],
    # The world's project is not closed: the process owner is told so (409), others 403.
    "projects.revisit": [Rule("/projects/{p}/revisit", "POST", PO)],
    "projects.follow_up": [Rule("/projects/{p}/follow-up", "GET", PO),
                           Rule("/projects/{p}/follow-up", "POST", PO)],
    "projects.edit": [Rule("/projects/{p}/edit", "GET", PL | {Role.PROCESS_OWNER}),
                      Rule("/projects/{p}/edit", "POST", PL | {Role.PROCESS_OWNER})],
    "projects.member_roles": [Rule("/projects/{p}/team/{m}/roles", "GET", PL, admin=True),
                              Rule("/projects/{p}/team/{m}/roles", "POST", PL, admin=True,
                                   destructive=True)],
    "projects.member_remove": [Rule("/projects/{p}/team/{m}/remove", "GET", PL, admin=True),
                              Rule("/projects/{p}/team/{m}/remove", "POST", PL, admin=True,
                                    destructive=True)],
    "steps.show": [Rule("/projects/{p}/steps/1", "GET", MEMBERS, admin=True)],
    # Every member reads when each step should be done; the leader plans it.
    # What the board decided: every member reads, the owner or the leader records it.
    "projects.board_decisions": [Rule("/projects/{p}/board-decisions", "GET", MEMBERS,
                                      admin=True),
                                 Rule("/projects/{p}/board-decisions", "POST",
                                      frozenset({Role.PROJECT_LEADER, Role.PROCESS_OWNER}))],
    "projects.step_planning": [Rule("/projects/{p}/planning", "GET", MEMBERS, admin=True),
                               Rule("/projects/{p}/planning", "POST", PL)],
    "steps.start": [Rule("/projects/{p}/steps/2/start", "POST", PL, destructive=True)],
    "steps.close": [Rule("/projects/{p}/steps/1/close", "POST", PL)],
    # The gate's go or no-go: the organisation's approver (the sponsor, by default).
    "steps.gate": [Rule("/projects/{p}/steps/8/gate", "POST", frozenset({Role.SPONSOR}))],
    "steps.skip": [Rule("/projects/{p}/steps/4/skip", "POST", PL, destructive=True)],
    "steps.reopen": [Rule("/projects/{p}/steps/1/reopen", "POST", PL)],
    "steps.confirm_product": [Rule("/projects/{p}/steps/1/products/kickoff/confirm", "POST", PL,
                                   destructive=True)],
    "steps.withdraw_product": [Rule("/projects/{p}/steps/1/products/team/withdraw", "POST", PL,
                                    destructive=True)],
    "steps.notes": [Rule("/projects/{p}/steps/1/notes", "POST", STEP_1_ACTORS)],
    "tasks.new": [Rule("/projects/{p}/tasks/new", "GET", PL),
                  Rule("/projects/{p}/tasks/new", "POST", PL)],
    "tasks.edit": [Rule("/projects/{p}/tasks/{t}/edit", "GET", PL),
                   Rule("/projects/{p}/tasks/{t}/edit", "POST", PL)],
    "tasks.set_done": [Rule("/projects/{p}/tasks/{t}/done", "POST", PL | {Role.SPONSOR})],
    "tasks.delete": [Rule("/projects/{p}/tasks/{t}/delete", "GET", PL),
                    Rule("/projects/{p}/tasks/{t}/delete", "POST", PL, destructive=True)],
    "improvements.index": [Rule("/projects/{p}/improvements", "GET", MEMBERS, admin=True)],
    "improvements.similar": [Rule("/projects/{p}/improvements/similar?title=kickoff",
                                  "GET", MEMBERS, admin=True)],
    "improvements.new": [
        Rule("/projects/{p}/improvements/new?source=step&source_id=1", "GET", MEMBERS),
        Rule("/projects/{p}/improvements/new?source=step&source_id=1", "POST", MEMBERS)],
    "improvements.edit": [Rule("/projects/{p}/improvements/{i}/edit", "GET", SPONSOR_OR_PL),
                          Rule("/projects/{p}/improvements/{i}/edit", "POST", SPONSOR_OR_PL)],
    "improvements.delete": [Rule("/projects/{p}/improvements/{i}/delete", "GET", SPONSOR_OR_PL),
                           Rule("/projects/{p}/improvements/{i}/delete", "POST", SPONSOR_OR_PL,
                                 destructive=True)],
    # Step 8's adjusters (the same people who answer the findings) record the desired process.
    "process.desired": [Rule("/projects/{p}/process/desired", "GET", MEMBERS, admin=True),
                        Rule("/projects/{p}/process/desired", "POST", RESPONDERS)],
    "process.index": [Rule("/projects/{p}/process", "GET", MEMBERS, admin=True),
                      Rule("/projects/{p}/process", "POST", PROCESS_MAPPERS)],
    "process.edit": [Rule("/projects/{p}/process/{s}/edit", "GET", PROCESS_MAPPERS),
                     Rule("/projects/{p}/process/{s}/edit", "POST", PROCESS_MAPPERS)],
    "process.move": [Rule("/projects/{p}/process/{s}/move", "POST", PROCESS_MAPPERS)],
    "process.delete": [Rule("/projects/{p}/process/{s}/delete", "GET", PROCESS_MAPPERS),
                      Rule("/projects/{p}/process/{s}/delete", "POST", PROCESS_MAPPERS,
                            destructive=True)],
    "process.upload": [Rule("/projects/{p}/process/attachments", "POST", PROCESS_MAPPERS)],
    "process.attachment": [Rule("/projects/{p}/process/attachments/{a}", "GET", MEMBERS,
                                admin=True)],
    "process.delete_attachment": [Rule("/projects/{p}/process/attachments/{a}/delete", "GET", PROCESS_MAPPERS),
                                 Rule("/projects/{p}/process/attachments/{a}/delete", "POST", PROCESS_MAPPERS, destructive=True)],
    "process.check": [Rule("/projects/{p}/process/check", "POST", PROCESS_CHECKERS)],
    "formulas.index": [Rule("/projects/{p}/formula", "GET", MEMBERS, admin=True)],
    "formulas.choose": [Rule("/projects/{p}/formula/choose", "POST", STEP_5_ACTORS)],
    "formulas.compare": [Rule("/projects/{p}/formula/compare", "POST", STEP_5_ACTORS)],
    # The questions beside the work: whoever does that work (step 5's actors, the leader who
    # chooses the reviewers).
    "questions.edit": [Rule("/projects/{p}/questions/formula", "GET", STEP_5_ACTORS),
                       Rule("/projects/{p}/questions/formula", "POST", STEP_5_ACTORS),
                       Rule("/projects/{p}/questions/review", "GET", PL),
                       Rule("/projects/{p}/questions/review", "POST", PL)],
    "admin.formulas": [Rule("/admin/formulas", "GET", ADMIN)],
    "admin.new_formula": [Rule("/admin/formulas/new", "GET", ADMIN),
                          Rule("/admin/formulas/new", "POST", ADMIN)],
    "admin.edit_formula": [Rule("/admin/formulas/1/edit", "GET", ADMIN),
                           Rule("/admin/formulas/1/edit", "POST", ADMIN)],
    "journey.index": [Rule("/projects/{p}/journey", "GET", MEMBERS, admin=True)],
    "journey.source": [Rule("/projects/{p}/journey/source", "POST", JOURNEY_EDITORS)],
    "journey.add_phase": [Rule("/projects/{p}/journey/phases", "POST", JOURNEY_EDITORS)],
    "journey.edit_phase": [Rule("/projects/{p}/journey/phases/{ph}/edit", "GET", JOURNEY_EDITORS),
                           Rule("/projects/{p}/journey/phases/{ph}/edit", "POST",
                                JOURNEY_EDITORS)],
    "journey.delete_phase": [Rule("/projects/{p}/journey/phases/{ph}/delete", "GET", JOURNEY_EDITORS),
                            Rule("/projects/{p}/journey/phases/{ph}/delete", "POST", JOURNEY_EDITORS, destructive=True)],
    "journey.interviews": [Rule("/projects/{p}/journey/interviews", "POST", JOURNEY_EDITORS)],
    "journey.delete_interviews": [Rule("/projects/{p}/journey/interviews/{il}/delete", "GET", JOURNEY_EDITORS),
                                 Rule("/projects/{p}/journey/interviews/{il}/delete", "POST", JOURNEY_EDITORS, destructive=True)],
    "sessions.index": [Rule("/projects/{p}/sessions", "GET", MEMBERS, admin=True),
                       Rule("/projects/{p}/sessions", "POST", MEMBERS)],
    "sessions.show": [Rule("/projects/{p}/sessions/{ws}", "GET", MEMBERS, admin=True)],
    "sessions.capture_improvement": [Rule("/projects/{p}/sessions/{ws}/improvements", "POST",
                                          MEMBERS)],
    "sessions.add_finding": [Rule("/projects/{p}/sessions/{ws}/findings", "POST", MEMBERS)],
    "sessions.notes": [Rule("/projects/{p}/sessions/{ws}/notes", "POST", STEP_1_ACTORS)],
    "kpis.index": [Rule("/projects/{p}/kpis", "GET", MEMBERS, admin=True),
                   Rule("/projects/{p}/kpis", "POST", STEP_2_ACTORS)],
    "kpis.edit": [Rule("/projects/{p}/kpis/{k}/edit", "GET", STEP_2_ACTORS),
                  Rule("/projects/{p}/kpis/{k}/edit", "POST", STEP_2_ACTORS)],
    "kpis.delete": [Rule("/projects/{p}/kpis/{k}/delete", "GET", STEP_2_ACTORS),
                   Rule("/projects/{p}/kpis/{k}/delete", "POST", STEP_2_ACTORS,
                         destructive=True)],
    "kpis.agree": [Rule("/projects/{p}/kpis/agree", "POST", {Role.PROCESS_OWNER},
                        destructive=True)],
    "plans.index": [Rule("/projects/{p}/plan", "GET", MEMBERS, admin=True)],
    "plans.texts": [Rule("/projects/{p}/plan/texts", "POST", PLAN_EDITORS)],
    "plans.entry": [Rule("/projects/{p}/plan/improvements/{i}", "GET", MEMBERS, admin=True),
                    Rule("/projects/{p}/plan/improvements/{i}", "POST", PLAN_EDITORS)],
    "plans.merge": [Rule("/projects/{p}/plan/improvements/{i}/merge", "POST", PLAN_EDITORS)],
    "plans.unmerge": [Rule("/projects/{p}/plan/improvements/{i}/unmerge", "POST",
                           PLAN_EDITORS)],
    # Improvements from Excel or CSV: any member, as any member captures one.
    "improvement_imports.index": [Rule("/projects/{p}/improvements/import", "GET", MEMBERS),
                                  Rule("/projects/{p}/improvements/import", "POST", MEMBERS)],
    "improvement_imports.template": [Rule("/projects/{p}/improvements/import/sjabloon.xlsx",
                                          "GET", MEMBERS)],
    # The actions from Excel or CSV: who plans them or reports on them all.
    "action_imports.index": [Rule("/projects/{p}/implementation/import", "GET", PO | PL),
                             Rule("/projects/{p}/implementation/import", "POST", PO | PL)],
    "action_imports.template": [Rule("/projects/{p}/implementation/import/sjabloon.xlsx",
                                     "GET", PO | PL)],
    # Comments: any member writes; the writer corrects; the writer or the leader removes.
    "comments.improvement": [Rule("/projects/{p}/improvements/{i}/comments", "GET", MEMBERS,
                                  admin=True),
                             Rule("/projects/{p}/improvements/{i}/comments", "POST", MEMBERS)],
    "comments.finding": [Rule("/projects/{p}/findings/{sf}/comments", "GET", MEMBERS,
                              admin=True),
                         Rule("/projects/{p}/findings/{sf}/comments", "POST", MEMBERS)],
    "comments.action": [Rule("/projects/{p}/actions/{it}/comments", "GET", MEMBERS,
                             admin=True),
                        Rule("/projects/{p}/actions/{it}/comments", "POST", MEMBERS)],
    "comments.step": [Rule("/projects/{p}/steps/1/comments", "GET", MEMBERS, admin=True),
                      Rule("/projects/{p}/steps/1/comments", "POST", MEMBERS)],
    "comments.edit": [Rule("/projects/{p}/comments/{cm}/edit", "GET", COMMENT_WRITER),
                      Rule("/projects/{p}/comments/{cm}/edit", "POST", COMMENT_WRITER)],
    "comments.delete": [Rule("/projects/{p}/comments/{cm}/delete", "GET", COMMENT_REMOVERS),
                        Rule("/projects/{p}/comments/{cm}/delete", "POST", COMMENT_REMOVERS,
                             destructive=True)],
    "risks.index": [Rule("/projects/{p}/plan/risks", "GET", MEMBERS, admin=True),
                    Rule("/projects/{p}/plan/risks", "POST", PLAN_EDITORS)],
    "risks.edit": [Rule("/projects/{p}/plan/risks/{rk}/edit", "GET", PLAN_EDITORS),
                   Rule("/projects/{p}/plan/risks/{rk}/edit", "POST", PLAN_EDITORS)],
    "risks.delete": [Rule("/projects/{p}/plan/risks/{rk}/delete", "GET", PLAN_EDITORS),
                     Rule("/projects/{p}/plan/risks/{rk}/delete", "POST", PLAN_EDITORS,
                          destructive=True)],
    "plans.send": [Rule("/projects/{p}/plan/send", "POST", PL)],
    "plans.finalise": [Rule("/projects/{p}/plan/finalise", "POST", PL)],
    "plans.latest": [Rule("/projects/{p}/plan/latest", "GET", MEMBERS, admin=True)],
    "plans.version": [Rule("/projects/{p}/plan/versions/1", "GET", MEMBERS, admin=True)],
    "plans.approve": [Rule("/projects/{p}/plan/versions/1/approve", "POST", PO)],
    "reviews.index": [Rule("/projects/{p}/reviews", "GET", MEMBERS, admin=True)],
    "reviews.domains": [Rule("/projects/{p}/reviews/domains", "POST", PL)],
    "reviews.open_review": [Rule("/projects/{p}/reviews/open", "POST", PL)],
    "reviews.show": [Rule("/projects/{p}/reviews/{rv}", "GET", MEMBERS, admin=True),
                     Rule("/projects/{p}/reviews/{rv}", "POST", PRIVACY)],
    "reviews.add_finding": [Rule("/projects/{p}/reviews/{rv}/findings", "POST", PRIVACY)],
    "reviews.delete_finding": [Rule("/projects/{p}/reviews/{rv}/findings/{f}/delete", "GET", PRIVACY),
                              Rule("/projects/{p}/reviews/{rv}/findings/{f}/delete", "POST", PRIVACY, destructive=True)],
    "reviews.sign": [Rule("/projects/{p}/reviews/{rv}/sign", "POST", PRIVACY)],
    "reviews.override": [Rule("/projects/{p}/reviews/{rv}/override", "POST", PO)],
    "reviews.rereview": [Rule("/projects/{p}/reviews/{rv}/rereview", "POST", PL)],
    "reviews.respond": [Rule("/projects/{p}/reviews/{rv}/respond", "POST", RESPONDERS)],
    "implementation.index": [Rule("/projects/{p}/implementation", "GET", MEMBERS, admin=True)],
    "implementation.order": [Rule("/projects/{p}/implementation/order", "POST", PO)],
    "implementation.move": [Rule("/projects/{p}/implementation/items/{it}/move", "POST", PO)],
    "implementation.suggestion": [Rule("/projects/{p}/implementation/suggestion", "POST", PO)],
    "implementation.sync": [Rule("/projects/{p}/implementation/sync", "POST", PO)],
    "implementation.item": [
        Rule("/projects/{p}/implementation/items/{it}", "GET", MEMBERS, admin=True),
        Rule("/projects/{p}/implementation/items/{it}", "POST", PO)],
    "implementation.waits_for": [Rule("/projects/{p}/implementation/items/{it}/waits-for", "GET",
                                      PO)],
    # Step 9's proposers (the process owner decides, and does not propose to themselves).
    "implementation.contribute": [Rule("/projects/{p}/implementation/contributions", "POST",
                                       frozenset({Role.PROJECT_LEADER, Role.PROCESS_ADVISOR,
                                                  Role.TEAM_MANAGER}))],
    "implementation.approve": [Rule("/projects/{p}/implementation/approve", "POST", PO)],
    "implementation.action": [
        Rule("/projects/{p}/implementation/actions/{it}", "GET", MEMBERS, admin=True),
        Rule("/projects/{p}/implementation/actions/{it}", "POST", ACTION_UPDATERS)],
    "implementation.add_note": [Rule("/projects/{p}/implementation/actions/{it}/notes", "POST",
                                     ACTION_UPDATERS)],
    # Benefits: the plan's editors expect them; the leader, the owner and the person who
    # carries the improvement out (the expert, in this world) forecast and record them.
    "benefits.index": [Rule("/projects/{p}/improvements/{i}/benefits", "GET", MEMBERS,
                            admin=True)],
    "benefits.add": [Rule("/projects/{p}/improvements/{i}/benefits", "POST", PLAN_EDITORS)],
    "benefits.remove": [Rule("/projects/{p}/improvements/{i}/benefits/{bf}/remove", "POST",
                             PLAN_EDITORS, destructive=True)],
    "benefits.forecast": [Rule("/projects/{p}/improvements/{i}/benefits/{bf}/forecast",
                               "POST", BENEFIT_KEEPERS)],
    "benefits.actual": [Rule("/projects/{p}/improvements/{i}/benefits/{bf}/actual", "POST",
                             BENEFIT_KEEPERS)],
    "reports.benefits": [Rule("/reports/benefits", "GET", SIGNED_IN)],
    # The borging: everyone in the team reads it; who keeps the process measures, its owner
    # plans (the windows open once step 10 is done: test_borging.py).
    "sustain.index": [Rule("/projects/{p}/borging", "GET", MEMBERS, admin=True)],
    "sustain.moment": [Rule("/projects/{p}/borging/{rm}", "GET", MEMBERS, admin=True)],
    "sustain.measure": [Rule("/projects/{p}/borging/{rm}/measure", "POST", REMEASURERS)],
    "sustain.from_log": [Rule("/projects/{p}/borging/{rm}/from-log", "POST", REMEASURERS)],
    "sustain.reschedule": [Rule("/projects/{p}/borging/{rm}/reschedule", "POST", PO)],
    "sustain.end": [Rule("/projects/{p}/borging/{rm}/end", "POST", PO)],
    "implementation.evaluation": [
        Rule("/projects/{p}/implementation/evaluation", "GET", MEMBERS, admin=True),
        Rule("/projects/{p}/implementation/evaluation", "POST", STEP_10_ACTORS)],
    "exports.improvement_plan_docx": [Rule("/projects/{p}/documents/improvement-plan.docx",
                                           "GET", MEMBERS, admin=True)],
    "exports.implementation_plan_docx": [
        Rule("/projects/{p}/documents/implementation-plan.docx", "GET", MEMBERS, admin=True)],
    "exports.improvement_plan_pdf": [Rule("/projects/{p}/documents/improvement-plan.pdf",
                                          "GET", MEMBERS, admin=True)],
    "exports.implementation_plan_pdf": [
        Rule("/projects/{p}/documents/implementation-plan.pdf", "GET", MEMBERS, admin=True)],
    "exports.a3_docx": [Rule("/projects/{p}/documents/a3.docx", "GET", MEMBERS, admin=True)],
    "exports.a3_pdf": [Rule("/projects/{p}/documents/a3.pdf", "GET", MEMBERS, admin=True)],
    "implementation.measure": [Rule("/projects/{p}/implementation/evaluation/measurements",
                                    "POST", STEP_10_ACTORS)],
    # Event logs: imported by the advisor or leader (the others 403), only while the purpose's
    # step runs: the world is in step 1, so the edit window refuses them with a 409 and why,
    # as every other windowed action does; read by the team; a measured figure as a KPI's
    # value by those who keep the KPIs (step 2's actors) or evaluate (step 10's).
    "mining.new": [Rule("/projects/{p}/event-logs/new/current", "GET", LOG_IMPORTERS),
                   Rule("/projects/{p}/event-logs/new/current", "POST", LOG_IMPORTERS)],
    "mining.columns": [Rule("/projects/{p}/event-logs/{log}/columns", "GET", LOG_IMPORTERS),
                       Rule("/projects/{p}/event-logs/{log}/columns", "POST", LOG_IMPORTERS)],
    "mining.show": [Rule("/projects/{p}/event-logs/{log}", "GET", MEMBERS, admin=True)],
    # Accepting a deviation from the desired process: the process owner, in step 10 and the
    # borging (the world is in step 1: 409 and why).
    "mining.accept_deviation": [Rule("/projects/{p}/event-logs/{log}/deviations", "POST",
                                     frozenset({Role.PROCESS_OWNER}))],
    # Matching a log's names to the desired process, and keeping or removing a named filter
    # of its cases: as continuing its import.
    "mining.names": [Rule("/projects/{p}/event-logs/{log}/names", "POST", LOG_IMPORTERS)],
    "mining.add_filter": [Rule("/projects/{p}/event-logs/{log}/filters", "POST",
                               LOG_IMPORTERS)],
    "mining.delete_filter": [Rule("/projects/{p}/event-logs/{log}/filters/{lf}/delete",
                                  "POST", LOG_IMPORTERS)],
    "mining.baseline": [Rule("/projects/{p}/event-logs/{log}/baseline", "POST",
                             STEP_2_ACTORS)],
    "mining.measurement": [Rule("/projects/{p}/event-logs/{log}/measurement", "POST",
                                STEP_10_ACTORS)],
    # Personal API tokens: each person their own; someone else's token does not exist.
    "auth.api_tokens": [Rule("/account/api-tokens", "GET", SIGNED_IN),
                        Rule("/account/api-tokens", "POST", SIGNED_IN)],
    # Revoking asks first (GET, the question), then revokes (POST); only one's own token.
    "auth.revoke_api_token": [Rule("/account/api-tokens/{tok}/revoke", "GET",
                                   frozenset({Role.SPONSOR}), others="hidden"),
                              Rule("/account/api-tokens/{tok}/revoke", "POST",
                                   frozenset({Role.SPONSOR}), destructive=True,
                                   others="hidden")],
    # The API's description is public; the API itself takes bearer tokens only (test_api.py).
    "api-docs.openapi_json": [Rule("/api/v1/openapi.json", "GET", ANYONE)],
    "api_docs.page": [Rule("/api/documentatie", "GET", ANYONE)],
    "api-projects.Projects": [Rule("/api/v1/projects", "GET", SIGNED_IN)],
    "api-results.Benefits": [Rule("/api/v1/projects/{p}/benefits", "GET", MEMBERS,
                                  admin=True)],
    "api-results.Remeasurements": [Rule("/api/v1/projects/{p}/remeasurements", "GET", MEMBERS,
                                        admin=True)],
    "api-results.Processes": [Rule("/api/v1/processes", "GET", SIGNED_IN)],
    "api-results.Conformance": [Rule("/api/v1/projects/{p}/conformance", "GET", MEMBERS,
                                     admin=True)],
    "api-projects.OneProject": [Rule("/api/v1/projects/{p}", "GET", MEMBERS, admin=True)],
    "api-projects.Steps": [Rule("/api/v1/projects/{p}/steps", "GET", MEMBERS, admin=True)],
    "api-projects.OneStep": [Rule("/api/v1/projects/{p}/steps/1", "GET", MEMBERS, admin=True)],
    "api-projects.TeamMembers": [Rule("/api/v1/projects/{p}/team-members", "GET", MEMBERS,
                                      admin=True)],
    "api-projects.Kpis": [Rule("/api/v1/projects/{p}/kpis", "GET", MEMBERS, admin=True)],
    "api-tasks.MyTasks": [Rule("/api/v1/tasks", "GET", SIGNED_IN)],
    "api-tasks.ProjectTasks": [Rule("/api/v1/projects/{p}/tasks", "GET", MEMBERS, admin=True)],
    "api-comments.ProjectComments": [Rule("/api/v1/projects/{p}/comments", "GET", MEMBERS,
                                          admin=True)],
    # Any member captures an improvement; an administrator outside the team does not.
    "api-improvements.Improvements": [
        Rule("/api/v1/projects/{p}/improvements", "GET", MEMBERS, admin=True),
        Rule("/api/v1/projects/{p}/improvements", "POST", MEMBERS)],
    "api-improvements.OneImprovement": [Rule("/api/v1/projects/{p}/improvements/{i}", "GET",
                                             MEMBERS, admin=True)],
    "api-plans.PlanVersions": [Rule("/api/v1/projects/{p}/plan-versions", "GET", MEMBERS,
                                    admin=True)],
    "api-plans.Reviews": [Rule("/api/v1/projects/{p}/reviews", "GET", MEMBERS, admin=True)],
    "api-implementation.Items": [Rule("/api/v1/projects/{p}/implementation-items", "GET",
                                      MEMBERS, admin=True)],
    "api-implementation.OneItem": [
        Rule("/api/v1/projects/{p}/implementation-items/{it}", "GET", MEMBERS, admin=True),
        Rule("/api/v1/projects/{p}/implementation-items/{it}", "PATCH", ACTION_UPDATERS)],
    # The audit trail: administrators only, members are refused, outsiders find nothing.
    "api-audit-trail.AuditEvents": [Rule("/api/v1/projects/{p}/audit-events", "GET",
                                         frozenset(), admin=True)],
}

# What an API call sends besides its token.
API_BODIES = {"POST": {"title": "Via de API", "source": {"type": "step", "id": 1}},
              "PATCH": {"status": "in_progress"}}

FORM_DATA = {"reason": "Omdat het moet", "notes": "Aantekening", "version": "1",
             "done": "1", "locale": "nl", "direction": "up", "verdict": "confirmed", "formula_id": "1"}


@pytest.fixture
def app_config(tmp_path) -> dict:
    # Invitations on, so that who may invite is tested (off, everyone gets 403); e-mail to
    # the development outbox, so that who may read it is tested (without it, it is not there).
    return {"WTF_CSRF_ENABLED": False, "INVITE_BY_LEADERS": True, "MAIL_BACKEND": "file",
            "MAIL_FILE_PATH": str(tmp_path / "outbox")}


def test_every_route_has_a_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(RULES), "add the new route to RULES with who may use it"
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"HEAD", "OPTIONS"}
        assert methods == {r.method for r in RULES[rule.endpoint]}, rule.endpoint


@pytest.fixture
def world(create_project, create_user):
    def _build():
        team = create_project()
        leader = team[Role.PROJECT_LEADER]
        steps.start_step(team.project, Step.TEAM, leader)
        product = Step.TEAM.definition.product("team")
        steps.confirm_product(team.project, Step.TEAM, product, leader, {Role.PROJECT_LEADER},
                              variant="", note="")
        db.session.commit()
        sponsor_task = db.session.scalars(db.select(Task).where(
            Task.project_id == team.project.id, Task.role == "sponsor")).first()
        expert = team[Role.SUBJECT_EXPERT]
        membership = db.session.scalars(db.select(Membership).where(
            Membership.project_id == team.project.id, Membership.user_id == expert.id)).one()
        kpi = kpis.add_kpi(team.project, leader, {
            "name": "Doorlooptijd", "definition": "", "unit": "dagen", "direction": "lower",
            "baseline_value": 21.0, "baseline_date": date(2026, 9, 1), "baseline_source": "",
            "target_value": 5.0, "target_date": date(2027, 6, 30)})
        source = resolve(team.project, "step", 1)
        improvement = improvements.add_improvement(
            team.project, team[Role.SPONSOR], source, title="Kick-off eerder plannen",
            description="", proposer_id=team[Role.SPONSOR].id)
        process_step = ProcessStep(project_id=team.project.id, position=1, activity="Registreren")
        db.session.add(process_step)
        attachment = ProcessAttachment(project_id=team.project.id, filename="kaart.pdf",
                                       content_type="application/pdf", size=5, data=b"%PDF-")
        db.session.add(attachment)
        phase = JourneyPhase(project_id=team.project.id, position=1, name="Aanvragen",
                             experience=-1)
        interview = InterviewLog(project_id=team.project.id, held_on=date(2026, 10, 1), count=2,
                                 resident_type="Bewoner")
        work_session = WorkSession(project_id=team.project.id, step=1, held_on=date(2026, 9, 8),
                                   kind="in_person")
        work_session.findings.append(SessionFinding(text="Twee keer het BSN"))
        db.session.add_all([phase, interview, work_session])
        plans.plan_of(team.project).review_domains = ["privacy"]
        improvement.decision, improvement.horizon = "in_plan", "quick_win"
        snapshot = plans.current_snapshot(team.project)
        frozen = PlanVersion(project_id=team.project.id, number=1, snapshot=snapshot,
                             fingerprint=plans.fingerprint(snapshot))
        db.session.add(frozen)
        db.session.flush()
        review = Review(project_id=team.project.id, plan_version_id=frozen.id, domain="privacy")
        db.session.add(review)
        db.session.flush()
        finding = ReviewFinding(review_id=review.id, improvement_id=improvement.id,
                                improvement_title=improvement.title, remark="Grondslag?")
        db.session.add(finding)
        db.session.add(ImplementationOrder(project_id=team.project.id))
        item = ImplementationItem(project_id=team.project.id, improvement_id=improvement.id,
                                  position=1, responsible_id=expert.id)
        db.session.add(item)
        db.session.commit()
        ids = {"p": team.project.id, "cp": _closed_process(team), "t": sponsor_task.id, "m": membership.id,
               "user": team.outsider.id, "k": kpi.id, "i": improvement.id,
               "s": process_step.id, "a": attachment.id, "ph": phase.id, "il": interview.id,
               "ws": work_session.id, "rv": review.id, "f": finding.id,
               "it": item.id, "rm": _remeasurement(team, kpi),
               "bf": _benefit(team, improvement), "rk": _risk(team),
               "tok": _sponsor_token(team),
               "log": (log := _event_log(team)), "lf": _event_log_filter(log),
               # The sponsor's message about its step-1 task (the leader opened the step).
               "n": db.session.scalar(db.select(db.func.min(Notification.id)).where(
                   Notification.user_id == team[Role.SPONSOR].id)),
               "off": unsubscribe_token(team[Role.SPONSOR].id, Kind.TASK)}
        ids["wp"] = _woo_publication(team)
        ids["sf"] = work_session.findings[0].id
        ids["cm"] = _comment(team, improvement)
        team.archivist = create_user("Archivaris")
        team.archivist.functions = ["archivist"]
        team.coordinator = create_user("Coördinator")
        team.coordinator.functions = ["coordinator"]
        ids["idea"] = _idea(team.outsider)
        ids["tv"] = _template_version(team)
        ids["dl"], ids["di"] = _destruction_list(ids["cp"], team.archivist)
        return team, ids, create_user(admin=True)

    return _build


def _template_version(team) -> int:
    settings = duties.settings()  # the defaults, until an administrator saved them
    db.session.add(settings)
    settings.process_kinds = ["Vergunning"]
    version = templates.add_version(team.coordinator, name="Vergunning", process_kind="Vergunning",
                                    content={"kpis": []}, requirements=[])
    db.session.commit()
    return version.id


def _idea(proposer) -> int:
    idea = Idea(title="Parkeren zonder papier", proposer_id=proposer.id)
    db.session.add(idea)
    db.session.commit()
    return idea.id


def _woo_publication(team) -> int:
    """A publication being redacted (made directly: the project is not that far)."""
    publication = WooPublication(project_id=team.project.id, document="evaluation",
                                 category=ONDERZOEKSRAPPORTEN, title="Evaluatie",
                                 source=b"not read by these calls", source_sha256="0" * 64,
                                 created_by_id=team[Role.PROCESS_OWNER].id)
    db.session.add(publication)
    db.session.commit()
    return publication.id


def _comment(team, improvement) -> int:
    comment = Comment(project_id=team.project.id, subject="improvement",
                      subject_id=improvement.id, author_id=team[Role.SUBJECT_EXPERT].id,
                      body="Wie beheert dit?")
    db.session.add(comment)
    db.session.commit()
    return comment.id


def _closed_process(team) -> int:
    """A closed project of the same team that described its process (the library)."""
    closed = projects.create_project(team[Role.PROJECT_LEADER], name="Afgerond",
                                     product="Verhuizing", assignment="", process_type="primary",
                                     creator_roles=set())
    db.session.add(ProcessStep(project_id=closed.id, position=1, activity="Registreren"))
    for state in closed.steps:
        state.status = StepStatus.DONE
    db.session.commit()
    return closed.id


def _destruction_list(project_id: int, archivist) -> tuple[int, int]:
    """A list drawn up for the closed project, waiting for the archivist."""
    listed = DestructionList(drawn_up_by_id=archivist.id)
    item = DestructionItem(project_id=project_id, project_name="Afgerond",
                           class_result="1.1", class_description="1.1 Ingericht",
                           term_years=10, closed_on=date(2015, 1, 5),
                           archive_date=date(2025, 1, 5))
    listed.items.append(item)
    db.session.add(listed)
    db.session.commit()
    return listed.id, item.id


def _risk(team) -> int:
    risk = PlanRisk(project_id=team.project.id, description="Koppeling komt later",
                    likelihood="medium", impact="high", measure="", owner_id=None)
    db.session.add(risk)
    db.session.commit()
    return risk.id


def _benefit(team, improvement) -> int:
    benefit = Benefit(project_id=team.project.id, improvement_id=improvement.id,
                      kind="euros", expected=1000.0)
    db.session.add(benefit)
    db.session.commit()
    return benefit.id


def _remeasurement(team, kpi) -> int:
    moment = Remeasurement(project_id=team.project.id, kpi_id=kpi.id, months=3,
                           due_on=date(2027, 3, 1), owner_id=team[Role.PROCESS_OWNER].id)
    db.session.add(moment)
    db.session.commit()
    return moment.id


def _event_log(team) -> int:
    """A log of the current process, read, waiting for nothing."""
    from wasstraat.mining import analysis
    from wasstraat.mining.parse import Event
    from wasstraat.models import EventLog

    result = analysis.analyse([Event("Z1", "Ontvangen", 0.0), Event("Z1", "Besluiten", 86400.0)])
    log = EventLog(project_id=team.project.id, purpose="current", filename="log.csv",
                   format="csv", status="uploaded", result=result,
                   mapping={"header": ["zaak", "activiteit", "tijd"]})
    db.session.add(log)
    db.session.commit()
    return log.id


def _event_log_filter(log_id: int) -> int:
    row = EventLogFilter(event_log_id=log_id, name="Traag", criteria={"slowest": 10})
    db.session.add(row)
    db.session.commit()
    return row.id


def _sponsor_token(team) -> int:
    from wasstraat.api import tokens

    row, _token = tokens.create(team[Role.SPONSOR], "Dashboard", 30)
    db.session.commit()
    return row.id


def _subjects(team, admin):
    return [("anonymous", None), ("outsider", team.outsider), ("admin", admin),
            ("archivist", team.archivist), ("coordinator", team.coordinator)] + [
        (role, team[role]) for role in Role
    ]


def _expected(rule: Rule, subject) -> str:
    if rule.allowed == ANYONE:
        return "allowed"
    if rule.allowed == NOBODY:
        return "hidden"
    if subject == "anonymous":
        return "login"
    if rule.allowed == SIGNED_IN:
        return "allowed"
    if rule.allowed == ADMIN:
        return "allowed" if subject == "admin" else "forbidden"
    if rule.allowed in (ARCHIVIST, COORDINATOR):
        return "allowed" if subject == rule.allowed else "forbidden"
    if rule.allowed == KEEPERS:
        return "allowed" if subject in ("admin", COORDINATOR) else "forbidden"
    if subject in ("outsider", "archivist", "coordinator"):  # in no project: not there
        return "hidden"
    if subject == "admin":
        return "allowed" if rule.admin else rule.others
    return "allowed" if subject in rule.allowed else rule.others


def _outcome(response) -> str:
    status = response.status_code
    if status == 302 and "/login?next=" in response.headers.get("Location", ""):
        return "login"
    if status == 401:  # the API: no token, or one that no longer works
        return "login"
    if status == 403:
        return "forbidden"
    if status == 404:
        return "hidden"
    assert status < 500, response.get_data(as_text=True)[:500]
    return "allowed"


CASES = [(endpoint, rule) for endpoint, rules in RULES.items() for rule in rules
         if not rule.is_api]
API_CASES = [(endpoint, rule) for endpoint, rules in RULES.items() for rule in rules
             if rule.is_api]


@pytest.mark.parametrize(("endpoint", "rule"), CASES,
                         ids=[f"{e}-{r.method}" for e, r in CASES])
def test_route_access_for_every_kind_of_visitor(world, make_client, endpoint, rule):
    from conftest import login

    team, ids, admin = world()
    subjects = _subjects(team, admin)
    # Refused visitors first: they must not change anything the allowed ones depend on.
    subjects.sort(key=lambda s: _expected(rule, s[0]) == "allowed")
    for name, user in subjects:
        expected = _expected(rule, name)
        if expected == "allowed" and rule.destructive:
            team, ids, admin = world()
            user = admin if name == "admin" else (team[name] if isinstance(name, Role) else user)
        client = make_client()
        if user is not None:
            login(client, user)
        path = rule.path.format(**ids)
        response = client.open(path, method=rule.method, data=FORM_DATA)
        response.close()
        assert _outcome(response) == expected, (endpoint, rule.method, name, response.status_code)


def _api_tokens(subjects) -> dict[str, str | None]:
    """A token for each visitor; besides them, a revoked and an expired token of the leader."""
    from datetime import timedelta

    from wasstraat.api import tokens
    from wasstraat.models import utcnow

    made = {}
    for name, user in subjects:
        made[name] = tokens.create(user, "Matrix", 30)[1] if user is not None else None
    leader = dict(subjects)[Role.PROJECT_LEADER]
    revoked, made["revoked"] = tokens.create(leader, "Ingetrokken", 30)
    tokens.revoke(revoked, leader)
    expired, made["expired"] = tokens.create(leader, "Verlopen", 30)
    expired.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    return made


@pytest.mark.parametrize(("endpoint", "rule"), API_CASES,
                         ids=[f"{e}-{r.method}" for e, r in API_CASES])
def test_api_access_for_every_kind_of_caller(world, client, endpoint, rule):
    team, ids, admin = world()
    subjects = _subjects(team, admin)
    subjects.sort(key=lambda s: _expected(rule, s[0]) == "allowed")
    callers = _api_tokens(subjects)
    for name in ("revoked", "expired"):
        response = client.open(rule.path.format(**ids), method=rule.method,
                               headers={"Authorization": f"Bearer {callers[name]}"},
                               json=API_BODIES.get(rule.method))
        assert response.status_code == 401, (endpoint, name)
    for name, _user in subjects:
        expected = _expected(rule, name)
        token = callers[name]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if rule.method == "PATCH":
            version = db.session.scalar(db.select(ImplementationItem.version).where(
                ImplementationItem.id == ids["it"]))
            headers["If-Match"] = f'"{version}"'
        response = client.open(rule.path.format(**ids), method=rule.method, headers=headers,
                               json=API_BODIES.get(rule.method))
        assert response.mimetype in ("application/json", "application/problem+json")
        assert _outcome(response) == expected, (endpoint, rule.method, name,
                                                response.status_code)


# Reading these is itself recorded in the audit trail, by design (who downloaded what).
RECORDED_READS = ("export.document", "audit.export", "user.data_export")


def _row_counts() -> dict[str, int]:
    from wasstraat.models import AuditEvent

    counts = {
        table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }
    counts["audit_event"] = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                                              .where(AuditEvent.action.not_in(RECORDED_READS)))
    # Asking for a document counts towards the person's limit per minute, by design.
    counts.pop("api_rate_window")
    return counts


def test_no_page_view_changes_anything(world, login_as):
    team, ids, admin = world()
    leader = login_as(team[Role.PROJECT_LEADER])
    admin_client = login_as(admin)
    archivist = login_as(team.archivist)
    coordinator = login_as(team.coordinator)
    # Pages only some roles may open (a delete confirmation for a review's finding): signed
    # in before counting, since signing in is itself recorded.
    narrow = {min(rule.allowed) for rules in RULES.values() for rule in rules
              if rule.method == "GET" and isinstance(rule.allowed, frozenset)
              and Role.PROJECT_LEADER not in rule.allowed and not rule.is_api and rule.allowed}
    role_clients = {role: login_as(team[role]) for role in narrow}
    before = _row_counts()
    for rules in RULES.values():
        for rule in rules:
            if rule.method == "GET" and not rule.is_api and rule.allowed not in (frozenset(),
                                                                                 NOBODY):
                client = {ADMIN: admin_client, ARCHIVIST: archivist, COORDINATOR: coordinator,
                          KEEPERS: coordinator}.get(rule.allowed, leader)
                if isinstance(rule.allowed, frozenset) and Role.PROJECT_LEADER not in rule.allowed:
                    client = role_clients[min(rule.allowed)]
                response = client.get(rule.path.format(**ids))
                # 409: a document that does not exist yet at this step (a download, when it
                # happens, is logged in the audit trail by design).
                assert response.status_code in (200, 302, 409), rule.path
                html = response.status_code == 200 and response.mimetype == "text/html"
                body = response.get_data(as_text=True) if html else ""
                if "<html" in body:  # a full page, not an htmx fragment
                    # Every page a signed-in person sees offers the way out (checklist S-7).
                    assert 'action="/logout"' in body, rule.path
                response.close()
    assert _row_counts() == before


def test_paths_outside_the_routes_are_not_found(client):
    """No repository files, no escaping the static folder, no directory listing (K-2)."""
    for path in ("/.git/config", "/.git/HEAD", "/static/../app.py", "/static/%2e%2e/app.py",
                 "/static/", "/static/vendor/", "/instance/secret_key", "/migrations/env.py",
                 "/.env", "/wp-admin"):
        assert client.get(path).status_code == 404, path


def test_values_beyond_what_the_database_holds_are_refused_not_errors(world, login_as):
    """The attack: /projects/2147483648, a huge ?version= and until=9999-12-31 gave 500s on
    PostgreSQL. Ids past the column range name nothing (404); out-of-range query values and
    dates are bad requests (400)."""
    team, ids, admin = world()
    leader = login_as(team[Role.PROJECT_LEADER])
    p = ids["p"]
    for path in ("/projects/2147483648", f"/projects/{p}/steps/99999999999999999999",
                 f"/projects/{p}/improvements/2147483648/edit",
                 f"/projects/{p}/reviews/9223372036854775808",
                 f"/projects/{p}/implementation/actions/2147483648"):
        assert leader.get(path).status_code == 404, path
    for path in (f"/projects/{p}/documents/improvement-plan.docx?version=2147483648",
                 f"/projects/{p}/documents/improvement-plan.docx?version=99999999999999999999",
                 f"/projects/{p}/documents/improvement-plan.docx?version=abc",
                 f"/projects/{p}/improvements/new?source=step&source_id=2147483648",
                 f"/projects/{p}/history?page=2147483648"):
        assert leader.get(path).status_code == 400, path
    # A list filter outside its values is ignored: the whole list, not an error.
    assert leader.get(f"/projects/{p}/improvements?step=2147483648").status_code == 200
    administrator = login_as(admin)
    for query in ("until=9999-12-31", "since=0001-01-01", "since=9999-12-31&until=9999-12-31"):
        response = administrator.get(f"/admin/audit?{query}")
        assert response.status_code == 400, query
        assert "Vul een datum tussen 1900 en 2999 in." in response.get_data(as_text=True)
        assert administrator.get(f"/admin/audit/export.csv?{query}").status_code == 400

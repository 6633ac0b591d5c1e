"""Hostile input to every form: random and malicious values never cause a server error, and a
refused request leaves the database as it was.

The forms are not listed by hand: the test signs in as the people who see them, reads every POST
form on every page of the demo municipality (plus a project in review), and fuzzes each one with
hypothesis. A meta-check then demands that every POST route of the app was reached, so a new form
cannot slip past.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin, urlsplit

import pyotp
import pytest
from docx import Document
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from wasstraat.demo import demo_email
from wasstraat.extensions import db
from wasstraat.models import (
    Benefit,
    EventLog,
    Idea,
    Improvement,
    Kpi,
    Project,
    Remeasurement,
    User,
    WooPublication,
    WooRedaction,
    WooSettings,
    utcnow,
)
from wasstraat.projects import services as projects
from wasstraat.workflow import (
    ONDERZOEKSRAPPORTEN,
    Role,
    WooDocument,
    WooFinding,
    WooGround,
    WooState,
)

# Tables a refused request may legitimately write to: the audit trail records refusals, the
# sign-in throttle counts wrong passwords (also when a token is made), and the counts per
# minute count every request for a document, refused or not.
MAY_CHANGE_ON_REFUSAL = {"audit_event", "login_failure", "api_rate_window"}

# POST routes deliberately not fuzzed, with the reason.
NOT_FUZZED = {
    "zaken.retry": "no input but the CSRF token; shown only beside a part Open Zaak refused "
                   "(tests/test_zaken.py sends it as an administrator and as a member)",
    "auth.logout": "has no input; fuzzing it would sign the fuzzer out",
    "auth.login": "fuzzed by its own test below (it is reached signed out)",
    "admin.allow_sso_link": "no input but the CSRF token; shown only with single sign-on "
                            "configured (test_sso.py)",
    "auth.second_factor": "fuzzed by its own test below (it is reached between password "
                          "and code)",
    "notifications.unsubscribe": "no input but the signed token in its address (reached "
                                 "from an e-mail; test_notification_mail.py)",
    "projects.follow_up": "shown only for a closed project, and every demo project is under "
                          "way here; fuzzed with the same values in test_cycles.py",
    "auth.revoke_api_token": "no input but the CSRF token; shown once a token exists "
                             "(test_api.py revokes its own and someone else's)",
    "api-improvements.Improvements": "JSON with a bearer token, not a form: fuzzed with "
                                     "hypothesis in test_api.py, with the action update",
    "mining.new": "a file upload shown in steps 3 and 10 only; hostile files in "
                  "test_mining.py (broken XML, entities, encodings, huge lines, bad rows)",
    "mining.columns": "shown for an uploaded log only; its refusals in test_mining.py",
    "mining.baseline": "shown for a read log in step 3 only; its rules in test_mining.py",
    "mining.measurement": "shown for a read log in step 10 only; its rules in test_mining.py",
    "mining.names": "shown for a read log after the change only; a choice outside the desired "
                    "process is refused in test_conformance.py",
    "mining.delete_filter": "no input but the CSRF token; shown for a saved filter of a read "
                            "log (test_mining_filters.py removes one, and one that is gone)",
    "mining.accept_deviation": "shown for a log after the change that deviates, in step 10; "
                               "its refusals in test_conformance.py",
    "archive.draw_up": "no input but the CSRF token; shown when a record is past its date "
                       "(test_archive.py draws one up, and refuses when none is due)",
    "archive.exclude": "shown on a destruction list only; its refusals in test_archive.py",
    "archive.approve": "no input but the CSRF token; shown on a destruction list only "
                       "(test_archive.py approves, twice, and before the date)",
    "projects.revisit": "shown only for a closed project (as above); fuzzed with the same "
                        "values in test_desired_process.py",
}

# Fields that are destructive or move the project on whatever value is sent run last, so the
# other forms are fuzzed while their objects still exist.
LAST = ("delete", "remove", "roles", "close", "skip", "reopen", "withdraw", "unmerge", "merge",
        "erase", "reset")

HOSTILE = [
    "", " ", "0", "-1", "1", "-99999999999999999999", "99999999999999999999999", "1e309",
    "NaN", "3.5", "2026-02-30", "31-12-2026", "0000-00-00", "9999-12-31", "2026-13-01",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    "{{7*7}}", "' OR '1'='1", "'; DROP TABLE project; --", "\x00", "a\x00b", "\x1b[31m",
    "\r\n\r\nX-Injected: 1", "🧽" * 50, "ａｄｍｉｎ", "../../etc/passwd", "%00", "null", "true",
    "x" * 5_000, "y" * 200_000,
]


@pytest.fixture
def app_config() -> dict:
    # Inviting colleagues on, so its form shows and is fuzzed too.
    return {"WTF_CSRF_ENABLED": False, "INVITE_BY_LEADERS": True}


def hostile_value(original: str | None, options: list[str]) -> st.SearchStrategy[str | None]:
    """A value for one field: missing, hostile, random text, or a valid one (to get past the
    first check and reach the deeper ones)."""
    strategies = [
        st.none(),
        st.sampled_from(HOSTILE),
        st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    ]
    valid = [v for v in [original, *options] if v]
    if valid:
        strategies.append(st.sampled_from(valid))
    return st.one_of(*strategies)


@dataclass
class Form:
    endpoint: str
    action: str
    fields: dict[str, tuple[str | None, list[str]]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def read_forms(app: Flask, page_url: str, body: str) -> list[Form]:
    adapter = app.url_map.bind("localhost")
    forms = []
    for element in html.fromstring(body).xpath("//form[translate(@method,'POST','post')='post']"):
        action = urlsplit(urljoin(page_url, element.get("action") or page_url))
        try:
            endpoint, _ = adapter.match(action.path, method="POST")
        except HTTPException:
            continue
        form = Form(endpoint, action.path + (f"?{action.query}" if action.query else ""))
        for control in element.xpath(".//input|.//select|.//textarea"):
            name = control.get("name")
            if not name or name == "csrf_token":
                continue
            if control.get("type") == "file":
                form.files.append(name)
                continue
            options = [o.get("value", o.text or "") for o in control.xpath(".//option")]
            original = control.get("value") if control.tag == "input" else (
                control.text if control.tag == "textarea" else (options[0] if options else None))
            if name in form.fields:  # checkboxes and radios: collect every value as an option
                form.fields[name][1].append(original or "")
            else:
                form.fields[name] = (original, options)
        forms.append(form)
    return forms


def fingerprint(tables: list[str]) -> dict[str, str]:
    """A hash of every table's rows. Table names come from our own metadata, never from input."""
    if db.engine.dialect.name == "postgresql":  # one round trip instead of one per table
        query = " UNION ALL ".join(
            f"SELECT '{t}', (SELECT md5(string_agg(r::text, '|' ORDER BY r::text)) FROM {t} r)"
            for t in tables)
        result = dict(db.session.execute(text(query)).all())
    else:
        result = {}
        for table in tables:
            rows = db.session.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all()
            result[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    db.session.commit()
    return result


def visit(app: Flask, client: FlaskClient, start: list[str],
          per_page_type: int = 2) -> Iterator[tuple[str, str]]:
    """Pages reachable from the start pages (within them), at most a few of each page type:
    each as its URL and body."""
    adapter = app.url_map.bind("localhost")
    seen: set[str] = set()
    visits: dict[str, int] = {}  # per page type within a project
    queue = list(start)
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        if urlsplit(url).path.endswith(".pdf"):
            continue  # made by LibreOffice, seconds each; tests/test_plan_documents.py has them
        try:
            endpoint, args = adapter.match(urlsplit(url).path, method="GET")
        except HTTPException:
            continue
        page_type = f"{endpoint} {args.get('project_id')} {args.get('number')}"
        visits[page_type] = visits.get(page_type, 0) + 1
        if visits[page_type] > per_page_type:
            continue
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        body = response.get_data(as_text=True)
        yield url, body
        for href in html.fromstring(body).xpath("//a/@href"):
            target = urlsplit(urljoin(url, href))
            if target.netloc in ("", "localhost") and target.path.startswith(tuple(start)):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))


def crawl(app: Flask, client: FlaskClient, start: list[str], per_page_type: int = 2) -> list[Form]:
    """The forms on the pages reachable from the start pages."""
    return [form for url, body in visit(app, client, start, per_page_type)
            for form in read_forms(app, url, body)]


def signed_in(app: Flask, who: str) -> FlaskClient:
    from wasstraat.demo import DEMO_PASSWORD, demo_email

    client = app.test_client()
    response = client.post("/login", data={"email": demo_email(who), "password": DEMO_PASSWORD})
    if response.status_code == 303:  # this person has a second factor
        user = db.session.scalar(db.select(User).where(User.email == demo_email(who)))
        code = pyotp.TOTP(user.totp_secret).at(time.time() + 30)
        response = client.post("/login/code", data={"code": code})
    assert response.status_code == 302
    return client


def fuzz(app: Flask, client: FlaskClient, form: Form, tables: list[str],
         state: dict[str, dict[str, str]], examples: int) -> None:
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(data=st.fixed_dictionaries({name: hostile_value(original, options)
                                       for name, (original, options) in form.fields.items()}),
           filename=st.sampled_from(["../../evil.html", "a\x00b.pdf", "<svg>.svg", "x" * 300,
                                     "verslag.pdf", ""]),
           content=st.sampled_from([b"", b"<script>alert(1)</script>", b"%PDF-1.4\n" * 10]))
    def post_hostile(data: dict[str, str | None], filename: str, content: bytes) -> None:
        payload: dict[str, object] = {k: v for k, v in data.items() if v is not None}
        for name in form.files:
            payload[name] = (io.BytesIO(content), filename)
        response = client.post(form.action, data=payload)
        status = response.status_code
        assert status < 500, f"{form.endpoint} {payload!r:.300} → {status}"
        assert "/login" not in (response.location or ""), "the fuzzer was signed out"
        after = fingerprint(tables)
        if status >= 400:
            changed = [t for t in tables if after[t] != state["now"][t]
                       and t not in MAY_CHANGE_ON_REFUSAL]
            assert changed == [], f"{form.endpoint} refused ({status}) but changed {changed}"
        state["now"] = after

    post_hostile()


def test_every_form_survives_hostile_input_and_a_refusal_changes_nothing(app, municipality):
    from wasstraat.demo import demo_email  # noqa: F401 - the demo must be importable

    parking, done, fresh = municipality.values()
    tables = [name for name in db.metadata.tables if name != "alembic_version"]
    _make_every_form_live(parking, done, fresh)
    merged = db.session.scalar(db.select(Improvement.id).where(
        Improvement.project_id == parking, Improvement.merged_into_id.is_not(None)))
    owner_id = _with_second_factors()
    borging, moment = _project_in_borging()
    redacting, submitted = _woo_publications(done)
    expected = _expected_benefit(parking)
    waiting = db.session.scalar(db.select(db.func.min(Idea.id)).where(Idea.state == "open"))
    who_sees_what = {
        "project_leader": [*(f"/projects/{pid}" for pid in (parking, fresh, done)),
                           f"/projects/{parking}/plan/improvements/{merged}", "/projects/new",
                           f"/projects/{parking}/improvements/{expected}/benefits",
                           "/account", "/tasks"],
        "process_owner": [f"/projects/{done}/woo/{redacting}",
                          *(f"/projects/{pid}" for pid in (parking, fresh, done)),
                          "/account/second-factor", "/notifications",
                          "/notifications/settings", "/processes",
                          f"/projects/{borging}/borging/{moment}"],
        "privacy_officer": [f"/projects/{fresh}/reviews", "/account/second-factor",
                            f"/projects/{done}/woo/{submitted}"],
        # The gate's go or no-go is the sponsor's (steps 8 and 9 under way).
        "sponsor": [f"/projects/{parking}/steps/9"],
        "admin": ["/admin/users", "/admin/formulas", f"/admin/users/{owner_id}/edit",
                  "/admin/organisation", "/admin/zaaksysteem", "/admin/woo",
                  "/templates/import", f"/projects/{done}/template"],
        "archivist": ["/archief/", "/archief/classes/new", f"/archief/projects/{done}/class"],
        # The demo's coordinator: the idea box, with an idea waiting for triage.
        "process_advisor": ["/ideas/new", f"/ideas/{waiting}", f"/ideas/{waiting}/new-project"],
    }
    reached: set[str] = set()
    state: dict[str, dict[str, str]] = {}
    for who, start in who_sees_what.items():
        client = signed_in(app, who)
        state["now"] = fingerprint(tables)
        forms = {}
        for form in crawl(app, client, start):
            forms.setdefault(form.endpoint, form)
        for form in sorted(forms.values(), key=lambda f: any(w in f.endpoint for w in LAST)):
            if form.endpoint in NOT_FUZZED:
                continue
            fuzz(app, client, form, tables, state, examples=12)
            reached.add(form.endpoint)

    post_routes = {rule.endpoint for rule in app.url_map.iter_rules()
                   if "POST" in (rule.methods or ())}
    missing = sorted(post_routes - reached - set(NOT_FUZZED))
    assert missing == [], ", ".join(missing)


def test_the_login_form_survives_hostile_input(app, municipality):
    client = app.test_client()
    tables = [name for name in db.metadata.tables if name != "alembic_version"]
    state = {"now": fingerprint(tables)}
    form = read_forms(app, "/login", client.get("/login").get_data(as_text=True))[0]
    fuzz(app, client, form, tables, state, examples=40)


def _expected_benefit(parking: int) -> int:
    """An expected benefit in the parking plan (not approved here), so it may be removed."""
    improvement = db.session.scalars(db.select(Improvement).where(
        Improvement.project_id == parking, Improvement.decision == "in_plan")
        .order_by(Improvement.id)).first()
    db.session.add(Benefit(project_id=parking, improvement_id=improvement.id, kind="hours",
                           expected=100.0))
    db.session.commit()
    return improvement.id


def _woo_publications(project_id: int) -> tuple[int, int]:
    """Three Woo publications of the completed project, one in each state with a form: being
    redacted, awaiting a second person, approved (its publicatiebank not reachable). The
    first two, whose pages the crawl starts from (it opens two of a kind)."""
    document = Document()
    document.add_paragraph("Opgesteld door Jan Jansen (j.jansen@gemeente.nl).")
    source = io.BytesIO()
    document.save(source)
    owner = db.session.scalar(db.select(User).where(User.email == demo_email(
        Role.PROCESS_OWNER)))
    db.session.add(WooSettings(publisher_uri="https://identifier.overheid.nl/tooi/id/gemeente/"
                               "gm0344", publisher_name="gemeente Utrecht",
                               gpp_root="http://127.0.0.1:9/api/v2"))
    made = []
    for state in (WooState.REDACTING, WooState.SUBMITTED, WooState.APPROVED):
        publication = WooPublication(
            project_id=project_id, document=WooDocument.EVALUATION, state=state,
            category=ONDERZOEKSRAPPORTEN, title=f"Evaluatie ({state.value})",
            source=source.getvalue(), source_sha256="0" * 64, created_by_id=owner.id,
            submitted_by_id=owner.id if state is not WooState.REDACTING else None,
            pdf=b"%PDF-1.7" if state is WooState.APPROVED else None)
        publication.findings.append(WooRedaction(finding=WooFinding.EMAIL,
                                                 text="j.jansen@gemeente.nl",
                                                 proposed=WooGround.PRIVACY,
                                                 ground=WooGround.PRIVACY))
        db.session.add(publication)
        made.append(publication)
    db.session.commit()
    return made[0].id, made[1].id


def _project_in_borging() -> tuple[int, int]:
    """The demo's closed project is back in steps 9 and 10 here: a closed project of the
    process owner's, with a re-measurement still open, shows the borging's forms."""
    owner, leader = (db.session.scalar(db.select(User).where(User.email == demo_email(who)))
                     for who in ("process_owner", "project_leader"))
    project = projects.create_project(leader, name="In borging", product="Rijbewijs",
                                      assignment="", process_type="primary", creator_roles=set())
    projects.add_member(project, leader, owner, {Role.PROCESS_OWNER})
    for state in project.steps:
        state.status, state.closed_at = "done", utcnow()
    kpi = Kpi(project_id=project.id, name="Doorlooptijd", unit="dagen", direction="lower",
              baseline_value=10, target_value=5)
    db.session.add(kpi)
    db.session.flush()
    moment = Remeasurement(project_id=project.id, kpi_id=kpi.id, months=3,
                           due_on=date(2099, 1, 1), owner_id=owner.id)
    db.session.add(moment)
    db.session.add(EventLog(project_id=project.id, purpose="after", filename="na.csv",
                            format="csv", status="done",
                            result={"cases": 2, "first": 0.0, "last": 4102444800.0,
                                    "lead_time": {"median": 4.0, "p90": 6.0, "mean": 4.5}}))
    db.session.commit()
    return project.id, moment.id


def _with_second_factors() -> int:
    """The process owner has a second factor (so its settings and the administrator's reset
    show); the project leader has begun setting one up (so the confirm form shows)."""
    from wasstraat.auth import mfa
    from wasstraat.demo import demo_email
    from wasstraat.models import utcnow

    owner, leader = (db.session.scalar(db.select(User).where(User.email == demo_email(who)))
                     for who in ("process_owner", "project_leader"))
    owner.totp_secret, owner.totp_confirmed_at = pyotp.random_base32(), utcnow()
    mfa.new_recovery_codes(owner)
    mfa.begin_enrolment(leader)
    db.session.commit()
    return owner.id


def test_the_second_factor_form_survives_hostile_input(app, municipality):
    from wasstraat.demo import DEMO_PASSWORD, demo_email

    _with_second_factors()
    client = app.test_client()
    response = client.post("/login", data={"email": demo_email("process_owner"),
                                           "password": DEMO_PASSWORD})
    assert response.headers["Location"].startswith("/login/code")
    tables = [name for name in db.metadata.tables if name != "alembic_version"]
    state = {"now": fingerprint(tables)}
    form = read_forms(app, "/login/code", client.get("/login/code").get_data(as_text=True))[0]
    fuzz(app, client, form, tables, state, examples=40)


def _open_review_on(project_id: int) -> None:
    """Bring a project into step 7 with one improvement, the plan sent and a review open."""
    from wasstraat.demo import demo_email
    from wasstraat.improvements import services as improvements
    from wasstraat.improvements.sources import resolve
    from wasstraat.models import StepState, User
    from wasstraat.plans import services as plans
    from wasstraat.projects import services as projects
    from wasstraat.reviews import services as reviews
    from wasstraat.workflow import Role, Step, StepStatus

    project = db.session.get(Project, project_id)
    leader = db.session.scalar(db.select(User).where(User.email == demo_email("project_leader")))
    for role in (Role.PRIVACY_OFFICER, Role.CISO, Role.LEGAL):
        specialist = db.session.scalar(db.select(User).where(User.email == demo_email(role.value)))
        if projects.membership_for(project, specialist) is None:
            projects.add_member(project, leader, specialist, {role})
    for state in db.session.scalars(db.select(StepState).where(StepState.project_id == project_id)):
        state.status = (StepStatus.DONE if state.step < Step.IMPROVEMENT_PLAN else
                        StepStatus.IN_PROGRESS if state.step <= Step.REVIEW else
                        StepStatus.NOT_STARTED).value
    # The demo's idea from the idea box waits for step 6's decision: decided, so the plan goes.
    for earlier in db.session.scalars(db.select(Improvement).where(
            Improvement.project_id == project_id, Improvement.decision == "open")):
        earlier.decision, earlier.decision_reason = "not_pursued", "Buiten de opdracht."
    idea = improvements.add_improvement(project, leader, resolve(project, "step", 6),
                                        title="Melding via app", description="", proposer_id=None)
    plans.update_plan_fields(idea, project, leader, expected_version=idea.version, kpi_ids=[],
                             values={"horizon": "quick_win", "impact": 3, "effort": 2,
                                     "cost_estimate": None, "decision": "in_plan",
                                     "decision_reason": ""})
    plans.save_texts(project, leader, expected_version=plans.plan_of(project).version or 0,
                     values={"context": "Meldingen blijven liggen.", "scope": "Alle meldingen.",
                             "risks": "De app-leverancier."})
    plans.send_for_review(project, leader)
    reviews.choose_domains(project, leader, ["privacy", "security", "legal"])
    legal = next(r for r in reviews.open_review(project, leader) if r.domain == "legal")
    lawyer = db.session.scalar(db.select(User).where(User.email == demo_email("legal")))
    reviews.add_finding(legal, project, lawyer, improvement_id=idea.id, remark="Geen grondslag",
                        condition="", cost_estimate=None, lead_time_weeks=None)
    reviews.save_review(legal, project, lawyer, expected_version=legal.version, values={
        "verdict": "rejected", "motivation": "Grondslag ontbreekt.", "conditions": "",
        "dpia_criteria": [],
        "answers": []})
    reviews.sign(legal, project, lawyer, Role.LEGAL, expected_version=legal.version)
    db.session.commit()


def _make_every_form_live(parking: int, done: int, fresh: int) -> None:
    """The demo's projects sit in steps 1, 9 and closed. Put them where every form shows: the
    parking project (full of data) has steps 2 to 9 under way; the fresh one steps 1 to 8, with
    a review open and one signed "niet akkoord"; the completed one is back in steps 9 and 10,
    with steps 4 and 5 still to start or skip."""
    from wasstraat.demo import demo_email
    from wasstraat.models import (
        ImplementationApproval,
        KpiAgreement,
        PlanApproval,
        PlanVersion,
        ProcessAttachment,
        ProcessStep,
        Review,
        StepState,
        User,
    )
    from wasstraat.reviews import services as reviews
    from wasstraat.workflow import StepStatus

    _open_review_on(fresh)
    # A board decides on the plans, so the form to record its decision shows too.
    from wasstraat.models import OrganisationSettings
    settings = db.session.scalar(db.select(OrganisationSettings))
    if settings is None:
        settings = OrganisationSettings()
        db.session.add(settings)
    settings.plan_decider = "management"
    for project_id, under_way, to_start in ((parking, range(2, 10), ()),
                                            (fresh, range(1, 9), ()),
                                            (done, range(9, 11), (4, 5))):
        for state in db.session.scalars(db.select(StepState).where(
                StepState.project_id == project_id)):
            if state.step in to_start:
                state.status = StepStatus.NOT_STARTED.value
            elif state.step in under_way:
                state.status = StepStatus.IN_PROGRESS.value
    # Approvals undone, so the forms to give them show again.
    for model, project_id in ((KpiAgreement, parking), (ImplementationApproval, done)):
        db.session.execute(db.delete(model).where(model.project_id == project_id))
    db.session.execute(db.delete(PlanApproval).where(PlanApproval.plan_version_id.in_(
        db.select(PlanVersion.id).where(PlanVersion.project_id == parking))))
    # Something that may still be deleted: an idea in no plan version, a task added by hand.
    from wasstraat.improvements import services as improvements
    from wasstraat.improvements.sources import resolve
    from wasstraat.tasks import services as tasks
    from wasstraat.workflow import Step

    leader = db.session.scalar(db.select(User).where(
        User.email == demo_email("project_leader")))
    parking_project = db.session.get(Project, parking)
    loose = improvements.add_improvement(parking_project, leader,
                                         resolve(parking_project, "step", 2), title="Los idee",
                                         description="", proposer_id=None)
    loose.decision, loose.decision_reason = "not_pursued", "Valt buiten de opdracht."
    tasks.add_task(parking_project, leader, title="Zaal reserveren", description="",
                   step=Step.KPIS, assignee_id=leader.id, due_date=None)
    # The parking plan changed since its last version: sending again and making final show.
    changed = db.session.scalars(db.select(Improvement).where(
        Improvement.project_id == parking).order_by(Improvement.id)).first()
    changed.description = (changed.description or "") + " Bijgewerkt na de toetsing."
    db.session.add(ProcessAttachment(project_id=parking, filename="proces.pdf",
                                     content_type="application/pdf", size=8, data=b"%PDF-1.4"))
    project = db.session.get(Project, fresh)
    privacy = db.session.scalar(db.select(Review).where(Review.project_id == fresh,
                                                        Review.domain == "privacy"))
    officer = db.session.scalar(db.select(User).where(
        User.email == demo_email("privacy_officer")))
    idea_id = reviews.improvements_in(privacy)[0]["id"]
    reviews.add_finding(privacy, project, officer, improvement_id=idea_id, remark="Bewaartermijn?",
                        condition="", cost_estimate=None, lead_time_weeks=None)
    reviews.save_review(privacy, project, officer, expected_version=privacy.version, values={
        "verdict": "approved", "motivation": "Prima.", "conditions": "", "dpia_criteria": [],
        "answers": []})
    # The finished project was reopened above: another, closed, puts its process in the
    # library, whose page takes suggestions.
    closed = Project(name="Afgerond proces", product="Rijbewijs verlengen", assignment="",
                     process_type="primary",
                     steps=[StepState(step=n, status=StepStatus.DONE) for n in range(1, 11)])
    db.session.add(closed)
    db.session.flush()
    db.session.add(ProcessStep(project_id=closed.id, position=1, activity="Aanvraag"))
    db.session.commit()


def test_no_page_shows_an_error_before_anything_was_sent(app, municipality):
    """Error styling belongs to a form that was sent and refused, never to a first view."""
    parking, done, fresh = municipality.values()
    for who in ("project_leader", "process_owner", "privacy_officer", "team_manager"):
        client = signed_in(app, who)
        start = [*(f"/projects/{pid}" for pid in (parking, fresh, done)), "/tasks", "/"]
        for url, body in visit(app, client, start, per_page_type=3):
            for mark in ('aria-invalid="true"', "utrecht-form-field--invalid",
                         "utrecht-alert--error", "data-error-summary"):
                assert mark not in body, (who, url, mark)

"""The API for other systems (/api/v1): personal tokens, the design rules it keeps
(problem details, pages with links, ETags with If-Match, the version header), the same rules
and services as the screens, and nothing more than the person behind the token may see."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from conftest import PASSWORD, put_in_step

from wasstraat import history
from wasstraat.api import tokens
from wasstraat.auth import services as accounts
from wasstraat.extensions import db
from wasstraat.improvements import services as improvements
from wasstraat.improvements.sources import resolve
from wasstraat.models import (
    ActionNote,
    ApiToken,
    AuditEvent,
    Comment,
    ImplementationItem,
    Improvement,
    utcnow,
)
from wasstraat.workflow import Role, Step

API = "/api/v1"


def token_for(user, days: int = 30) -> str:
    _row, token = tokens.create(user, "Dashboard", days)
    db.session.commit()
    return token


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def an_action(team, title: str = "Statusbericht per e-mail") -> ImplementationItem:
    """An improvement taken over into step 10, the subject expert responsible for it."""
    put_in_step(team.project, Step.EXECUTION)
    improvement = improvements.add_improvement(
        team.project, team[Role.PROJECT_LEADER], resolve(team.project, "step", 6), title=title,
        description="", proposer_id=None)
    db.session.flush()
    position = db.session.scalar(db.select(db.func.count()).select_from(ImplementationItem)
                                 .where(ImplementationItem.project_id == team.project.id))
    item = ImplementationItem(project_id=team.project.id, improvement_id=improvement.id,
                              position=position + 1, responsible_id=team[Role.SUBJECT_EXPERT].id)
    db.session.add(item)
    db.session.commit()
    return item


@pytest.fixture
def team(create_project):
    return create_project()


# --- Tokens ------------------------------------------------------------------------------------

def test_a_person_makes_a_token_sees_it_once_and_it_acts_as_them(team, login_as, client):
    leader = team[Role.PROJECT_LEADER]
    browser = login_as(leader)
    made = browser.post("/account/api-tokens", data={"name": "Dashboard Vergunningen",
                                                     "days": "90", "confirmation": PASSWORD})
    assert made.status_code == 201
    page = made.get_data(as_text=True)
    token = page.split('id="new-token">')[1].split("<")[0]
    assert token.startswith("wst_") and len(token) > 40
    row = db.session.scalar(db.select(ApiToken))
    assert row.token_hash != token and token not in json.dumps(
        [row.name, row.hint, row.token_hash])  # only a hash is kept
    assert timedelta(days=89) < row.expires_at - utcnow() <= timedelta(days=90)
    listing = browser.get("/account/api-tokens").get_data(as_text=True)
    assert "Dashboard Vergunningen" in listing and token not in listing  # never shown again

    response = client.get(f"{API}/projects", headers=bearer(token))
    assert response.status_code == 200
    assert [p["name"] for p in response.json["items"]] == [team.project.name]
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used_at is not None  # listed with the token
    assert response.headers["API-Version"] == "1.0.0"
    created = db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "api_token.create"))
    assert created.actor_id == leader.id and token not in json.dumps(created.after)


def test_a_revoked_or_expired_token_is_refused_with_the_reason(team, login_as, client):
    leader = team[Role.PROJECT_LEADER]
    token = token_for(leader)
    row = db.session.scalar(db.select(ApiToken))
    # Revoking asks first; the question changes nothing.
    asked = login_as(leader).get(f"/account/api-tokens/{row.id}/revoke")
    assert asked.status_code == 200 and "intrekken?" in asked.get_data(as_text=True)
    db.session.refresh(row)
    assert row.revoked_at is None
    assert login_as(leader).post(f"/account/api-tokens/{row.id}/revoke").status_code == 303
    refused = client.get(f"{API}/projects", headers=bearer(token))
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert "ingetrokken" in refused.json["detail"]
    assert db.session.scalar(db.select(AuditEvent.actor_id).where(
        AuditEvent.action == "api_token.revoke")) == leader.id

    old = token_for(leader)
    db.session.scalar(db.select(ApiToken).where(ApiToken.revoked_at.is_(None))
                      ).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    expired = client.get(f"{API}/projects", headers=bearer(old))
    assert expired.status_code == 401 and "verlopen" in expired.json["detail"]
    valid = token_for(leader)
    assert client.get(f"{API}/projects", headers=bearer(valid)).status_code == 200
    for wrong in ("", "Bearer", "Basic dXNlcjpwdw==", f"Bearer {old[:-2]}xx", "Bearer a.b.c",
                  f"Token {valid}", f"Basic {valid}", valid):  # a valid token, but not Bearer
        assert client.get(f"{API}/projects", headers={"Authorization": wrong}
                          ).status_code == 401, wrong


def test_someone_elses_token_cannot_be_revoked_or_seen(team, login_as):
    token_for(team[Role.SPONSOR])
    row = db.session.scalar(db.select(ApiToken))
    other = login_as(team[Role.PROJECT_LEADER])
    assert other.post(f"/account/api-tokens/{row.id}/revoke").status_code == 404
    assert "Dashboard" not in other.get("/account/api-tokens").get_data(as_text=True)
    assert db.session.get(ApiToken, row.id).revoked_at is None


def test_a_token_form_with_bad_input_says_what_is_wrong(team, login_as):
    browser = login_as(team[Role.SPONSOR])
    for data, message in (({"name": "", "days": "90"}, "Dit veld is verplicht"),
                          ({"name": "a\nb", "days": "90"}, "één regel"),
                          ({"name": "x" * 81, "days": "90"}, "80"),
                          ({"name": "Ok", "days": "3650"}, "Ongeldige keuze")):
        response = browser.post("/account/api-tokens", data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), (data, message)
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0


def test_ending_someones_sessions_or_deactivating_them_stops_their_tokens(
        team, client, create_user, login_as):

    sponsor, leader = team[Role.SPONSOR], team[Role.PROJECT_LEADER]
    sponsor_token, leader_token = token_for(sponsor), token_for(leader)
    accounts.end_sessions(sponsor, actor=create_user(admin=True))
    db.session.commit()
    assert client.get(f"{API}/projects", headers=bearer(sponsor_token)).status_code == 401
    leader.active = False
    db.session.commit()
    refused = client.get(f"{API}/projects", headers=bearer(leader_token))
    assert refused.status_code == 401 and "gedeactiveerd" in refused.json["detail"]


def test_an_account_that_must_change_its_password_cannot_use_the_api(team, client):
    sponsor = team[Role.SPONSOR]
    token = token_for(sponsor)
    sponsor.must_change_password = True
    db.session.commit()
    assert client.get(f"{API}/projects", headers=bearer(token)).status_code == 401


# --- No cookies, no CSRF ------------------------------------------------------------------------

def test_the_api_ignores_the_session_cookie_and_never_sets_one(team, login_as):
    browser = login_as(team[Role.PROJECT_LEADER])  # signed in on the screens
    refused = browser.get(f"{API}/projects")
    assert refused.status_code == 401  # the cookie alone gets nothing
    token = token_for(team[Role.PROJECT_LEADER])
    for response in (browser.get(f"{API}/projects", headers=bearer(token)),
                     browser.post(f"{API}/projects/{team.project.id}/improvements",
                                  headers=bearer(token),
                                  json={"title": "Via API", "source": {"type": "step",
                                                                       "id": 1}})):
        assert response.status_code in (200, 201)
        assert "Set-Cookie" not in response.headers


def test_csrf_still_guards_the_screens(app, team, login_as):
    browser = login_as(team[Role.SPONSOR])
    app.config["WTF_CSRF_ENABLED"] = True
    refused = browser.post("/account/api-tokens", data={"name": "Zonder token", "days": "90"})
    assert refused.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0


def test_cors_is_off_unless_an_origin_is_configured(app, team, client):
    token = token_for(team[Role.SPONSOR])
    asked = bearer(token, Origin="https://dashboard.gemeente.example")
    assert "Access-Control-Allow-Origin" not in client.get(f"{API}/projects",
                                                           headers=asked).headers
    app.config["API_CORS_ORIGINS"] = ["https://dashboard.gemeente.example"]
    response = client.get(f"{API}/projects", headers=asked)
    assert response.headers["Access-Control-Allow-Origin"] == "https://dashboard.gemeente.example"
    assert "Access-Control-Allow-Credentials" not in response.headers  # no cookies, ever
    # What may be sent is said to the browser's preflight only, not on every answer.
    assert "Access-Control-Allow-Methods" not in response.headers
    preflight = client.options(f"{API}/projects", headers={
        "Origin": "https://dashboard.gemeente.example",
        "Access-Control-Request-Method": "GET"})
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, POST, PATCH"
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]


# --- The design rules ----------------------------------------------------------------------------

def test_bad_input_is_a_400_problem_with_the_fields_in_the_requests_own_names(team, client):
    token = token_for(team[Role.SUBJECT_EXPERT])
    path = f"{API}/projects/{team.project.id}/improvements"
    response = client.post(path, headers=bearer(token), json={
        "title": "x" * 201, "source": {"type": "kpi", "id": "een"}, "proposer_id": 3})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    problem = response.json
    assert {"type", "title", "status", "detail", "instance"} <= set(problem)
    reasons = {p["name"]: p["reason"] for p in problem["invalid-params"]}
    assert reasons == {"source.id": "Ongeldige waarde.", "proposer_id": "Onbekend veld.",
                       "title": "Hoogstens 200 tekens."}
    # The type is right; now the screens' own rules: length, one line, a team member.
    response = client.post(path, headers=bearer(token), json={
        "title": "Twee\nregels", "source": {"type": "step", "id": 1},
        "proposerId": team.outsider.id})
    reasons = {p["name"]: p["reason"] for p in response.json["invalid-params"]}
    assert response.status_code == 400
    assert set(reasons) == {"title"} and "één regel" in reasons["title"]
    outsider = client.post(path, headers=bearer(token), json={
        "title": "Goed idee", "source": {"type": "step", "id": 1},
        "proposerId": team.outsider.id})
    assert outsider.status_code == 400
    assert [p["name"] for p in outsider.json["invalid-params"]] == ["proposerId"]
    unknown_source = client.post(path, headers=bearer(token), json={
        "title": "Goed idee", "source": {"type": "kpi", "id": 999}})
    assert unknown_source.status_code == 400
    assert unknown_source.json["invalid-params"][0]["name"] == "source"
    assert db.session.scalar(db.select(db.func.count()).select_from(Improvement)) == 0
    not_json = client.post(path, headers=bearer(token), data="title=x",
                           content_type="application/x-www-form-urlencoded")
    assert not_json.status_code == 400 and not_json.mimetype == "application/problem+json"


def test_an_improvement_captured_through_the_api_is_as_on_the_screen_and_in_the_history(
        team, client):
    expert = team[Role.SUBJECT_EXPERT]
    token = token_for(expert)
    created = client.post(f"{API}/projects/{team.project.id}/improvements",
                          headers=bearer(token), json={
                              "title": "Formulier vooraf invullen",
                              "description": "Met de gegevens uit de BRP.",
                              "source": {"type": "step", "id": 1}})
    assert created.status_code == 201
    body = created.json
    assert body["proposer"] == {"id": expert.id, "name": expert.name}  # by default: you
    assert body["source"] == {"type": "step", "id": 1} and body["decision"] == "open"
    assert created.headers["ETag"] == '"1"'
    assert client.get(created.headers["Location"], headers=bearer(token)).json == body
    days, _older = history.project_history(team.project.id, 1)
    latest = days[0].entries[0]
    assert latest.who == expert.name and "Formulier vooraf invullen" in str(latest.changes)


def test_an_action_is_updated_only_with_the_current_etag_and_a_stale_one_changes_nothing(
        team, client):
    item = an_action(team)
    expert = team[Role.SUBJECT_EXPERT]
    token = token_for(expert)
    path = f"{API}/projects/{team.project.id}/implementation-items/{item.id}"
    read = client.get(path, headers=bearer(token))
    etag = read.headers["ETag"]
    change = {"status": "blocked", "blockedReason": "Wacht op de RDW",
              "progressNote": "Offerte aangevraagd"}
    missing = client.patch(path, headers=bearer(token), json=change)
    assert missing.status_code == 428 and missing.mimetype == "application/problem+json"
    # "Any version" is no version: the change must name the one it is based on.
    assert client.patch(path, headers=bearer(token, **{"If-Match": "*"}),
                        json=change).status_code == 428
    done = client.patch(path, headers=bearer(token, **{"If-Match": etag}), json=change)
    assert done.status_code == 200, done.json
    assert done.json["status"] == "blocked" and done.headers["ETag"] != etag
    stale = client.patch(path, headers=bearer(token, **{"If-Match": etag}),
                         json={"status": "done"})
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    db.session.expire_all()
    fresh = db.session.get(ImplementationItem, item.id)
    assert fresh.status == "blocked" and fresh.blocked_reason == "Wacht op de RDW"
    assert [n.text for n in db.session.scalars(db.select(ActionNote))] == ["Offerte aangevraagd"]
    days, _older = history.project_history(team.project.id, 1)
    whose = {(entry.who, entry.what) for entry in days[0].entries[:2]}
    assert all(who == expert.name for who, _what in whose)


def test_an_action_update_keeps_the_rules_of_the_action_page(team, client):
    item = an_action(team)
    path = f"{API}/projects/{team.project.id}/implementation-items/{item.id}"
    expert_token = token_for(team[Role.SUBJECT_EXPERT])
    sponsor_token = token_for(team[Role.SPONSOR])
    etag = {"If-Match": '"1"'}
    no_reason = client.patch(path, headers=bearer(expert_token, **etag), json={"status":
                                                                              "blocked"})
    assert no_reason.status_code == 409  # blocked needs its reason, as on the screen
    assert "geblokkeerd" in no_reason.json["detail"]
    wrong_status = client.patch(path, headers=bearer(expert_token, **etag),
                                json={"status": "gedaan"})
    assert wrong_status.status_code == 400
    assert wrong_status.json["invalid-params"][0]["name"] == "status"
    assert client.patch(path, headers=bearer(sponsor_token, **etag),
                        json={"status": "done"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(ImplementationItem, item.id).status == "not_started"


def test_lists_come_in_pages_with_links_and_can_be_filtered_and_sorted(team, client,
                                                                         create_project):
    leader = team[Role.PROJECT_LEADER]
    for n in range(4):
        improvements.add_improvement(team.project, leader, resolve(team.project, "step", 1),
                                     title=f"Idee {n}", description="", proposer_id=None)
    db.session.commit()
    token = token_for(leader)
    path = f"{API}/projects/{team.project.id}/improvements"
    first = client.get(f"{path}?pageSize=3", headers=bearer(token)).json
    assert [i["title"] for i in first["items"]] == ["Idee 0", "Idee 1", "Idee 2"]
    assert (first["totalItems"], first["totalPages"], first["page"]) == (4, 2, 1)
    assert "prev" not in first["links"]
    second = client.get(first["links"]["next"]["href"], headers=bearer(token))
    assert [i["title"] for i in second.json["items"]] == ["Idee 3"]
    assert 'rel="prev"' in second.headers["Link"] and "next" not in second.json["links"]
    beyond = client.get(f"{path}?page=9", headers=bearer(token)).json
    assert beyond["items"] == [] and beyond["links"]["last"]["href"].endswith("page=1&pageSize=20")
    for bad in ("page=0", "pageSize=101", "step=11", "horizon=soon", "page=x"):
        refused = client.get(f"{path}?{bad}", headers=bearer(token))
        assert refused.status_code == 400, bad
        assert refused.json["invalid-params"][0]["name"] == bad.split("=")[0]

    other = create_project("Zwembadabonnement", roles=[Role.PROJECT_LEADER])
    projects = f"{API}/projects"
    both = create_project("Afval", roles=[Role.SPONSOR])
    del both
    names = [p["name"] for p in client.get(f"{projects}?sort=-name", headers=bearer(
        token_for(other[Role.PROJECT_LEADER]))).json["items"]]
    assert names == ["Zwembadabonnement"]
    assert client.get(f"{projects}?step=1&closed=false", headers=bearer(token)
                      ).json["totalItems"] == 1
    assert client.get(f"{projects}?closed=true", headers=bearer(token)).json["totalItems"] == 0


def test_dates_carry_their_time_zone_and_dates_without_time_stay_dates(team, client):
    token = token_for(team[Role.PROJECT_LEADER])
    project = client.get(f"{API}/projects/{team.project.id}", headers=bearer(token)).json
    assert project["createdAt"].endswith("+00:00")
    assert project["reference"].startswith("WS-")
    assert len(project["steps"]) == 10 and project["currentStep"] == 1


def test_the_rate_limit_answers_429_with_retry_after_per_token(app, team, client):
    app.config["API_RATE_LIMIT"] = 3
    busy, calm = token_for(team[Role.SPONSOR]), token_for(team[Role.PROJECT_LEADER])
    answers = [client.get(f"{API}/projects", headers=bearer(busy)) for _n in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["RateLimit-Remaining"] == "2"
    limited = answers[-1]
    assert limited.mimetype == "application/problem+json"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert client.get(f"{API}/projects", headers=bearer(calm)).status_code == 200


def test_three_tokens_of_one_person_share_one_limit_and_each_token_its_own(app, team,
                                                                         client):
    """The attack: with 3 tokens one person got 360 answers in a minute against 120."""
    app.config["API_RATE_LIMIT"] = 4
    sponsor = team[Role.SPONSOR]
    made = [token_for(sponsor) for _n in range(3)]
    answers = [client.get(f"{API}/projects", headers=bearer(made[n % 3])).status_code
               for n in range(6)]
    assert answers == [200, 200, 200, 200, 429, 429]
    app.config["API_RATE_LIMIT"], app.config["API_TOKEN_RATE_LIMIT"] = 100, 2
    leader = token_for(team[Role.PROJECT_LEADER])
    answers = [client.get(f"{API}/projects", headers=bearer(leader)) for _n in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[1].headers["RateLimit-Limit"] == "2"


def test_parallel_calls_with_one_token_never_fail_on_the_database(make_app, team):
    """The attack: 16 parallel calls on SQLite gave "database is locked" 500s, the
    rate-limit count writing inside the request's read transaction."""
    from concurrent.futures import ThreadPoolExecutor

    token = token_for(team[Role.SPONSOR])
    apps = [make_app(API_RATE_LIMIT=1_000) for _ in range(4)]

    def call(n: int) -> int:
        return apps[n % 4].test_client().get(f"{API}/projects",
                                             headers=bearer(token)).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(call, range(32)))
    assert statuses == [200] * 32


def test_old_minutes_of_the_rate_limit_are_forgotten(team, client):
    from wasstraat import counters
    from wasstraat.models import ApiRateWindow

    token = token_for(team[Role.SPONSOR])
    client.get(f"{API}/projects", headers=bearer(token))
    assert counters.forget_before() == 0  # this minute stays
    db.session.commit()
    assert counters.forget_before(now=utcnow().timestamp() + 180) == 2  # the person, the token
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiRateWindow)) == 0


# --- Nothing beyond what the person may see: every resource, across projects --------------------

def resource_paths(project_id: int, ids: dict[str, int]) -> list[str]:
    base = f"{API}/projects/{project_id}"
    return [base, f"{base}/steps", f"{base}/steps/1", f"{base}/team-members", f"{base}/kpis",
            f"{base}/tasks", f"{base}/improvements", f"{base}/improvements/{ids['i']}",
            f"{base}/plan-versions", f"{base}/reviews", f"{base}/implementation-items",
            f"{base}/implementation-items/{ids['it']}", f"{base}/audit-events"]


def test_no_resource_of_another_project_can_be_reached(team, client, create_project,
                                                       create_user):
    mine = an_action(team, "Mijn actie")
    elsewhere = create_project("Ander traject")
    theirs = an_action(elsewhere, "Hun actie")
    their_improvement = theirs.improvement_id
    admin_of_mine = create_user(admin=True)
    leader_token = token_for(team[Role.PROJECT_LEADER])
    # Their project by its own paths: not found for a member of another project.
    for path in resource_paths(elsewhere.project.id, {"i": their_improvement, "it": theirs.id}):
        response = client.get(path, headers=bearer(leader_token))
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json"
    # Their objects through my project's paths: not found either.
    for path in (f"{API}/projects/{team.project.id}/improvements/{their_improvement}",
                 f"{API}/projects/{team.project.id}/implementation-items/{theirs.id}"):
        assert client.get(path, headers=bearer(leader_token)).status_code == 404, path
    expert_token = token_for(team[Role.SUBJECT_EXPERT])
    patched = client.patch(
        f"{API}/projects/{team.project.id}/implementation-items/{theirs.id}",
        headers=bearer(expert_token, **{"If-Match": '"1"'}), json={"status": "done"})
    assert patched.status_code == 404
    posted = client.post(f"{API}/projects/{elsewhere.project.id}/improvements",
                         headers=bearer(leader_token),
                         json={"title": "Stiekem", "source": {"type": "step", "id": 1}})
    assert posted.status_code == 404
    # Tasks of mine never list theirs; the projects list holds only mine.
    listed = client.get(f"{API}/tasks", headers=bearer(leader_token)).json["items"]
    assert {t["projectId"] for t in listed} <= {team.project.id}
    assert [p["id"] for p in client.get(f"{API}/projects", headers=bearer(leader_token)
                                        ).json["items"]] == [team.project.id]
    # An administrator sees both projects and their audit trails.
    admin_token = token_for(admin_of_mine)
    assert client.get(f"{API}/projects", headers=bearer(admin_token)).json["totalItems"] == 2
    assert client.get(f"{API}/projects/{elsewhere.project.id}/audit-events",
                      headers=bearer(admin_token)).status_code == 200
    db.session.expire_all()
    assert db.session.get(ImplementationItem, theirs.id).status == "not_started"
    assert db.session.get(ImplementationItem, mine.id) is not None


# --- The document -------------------------------------------------------------------------------

def test_every_api_route_is_in_the_openapi_document_and_it_is_public(app, client):
    spec = client.get(f"{API}/openapi.json").json
    documented = {(API + path, method.upper()) for path, item in spec["paths"].items()
                  for method in item if method in ("get", "post", "patch", "put", "delete")}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API + "/") and not rule.rule.endswith("openapi.json"):
            path = rule.rule.replace("<int:", "{").replace("<int(min=1, max=10):", "{") \
                .replace(">", "}")
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented
    responses = spec["components"]["responses"]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            for code, answer in operation["responses"].items():
                if code.startswith("2"):
                    assert "API-Version" in answer["headers"], (path, method, code)
                else:
                    answer = responses[answer["$ref"].rsplit("/", 1)[-1]]
                    assert list(answer["content"]) == ["application/problem+json"]
    assert spec["servers"] == [{"url": "/api/v1", "description": "Deze Wasstraat-installatie"}]
    assert {"name", "email", "url"} <= set(spec["info"]["contact"])


def test_the_documentation_page_describes_every_operation(client):
    spec = client.get(f"{API}/openapi.json").json
    page = client.get("/api/documentatie")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for path, item in spec["paths"].items():
        for method in item:
            if method in ("get", "post", "patch"):
                assert f"{method.upper()} {API}{path}" in text, path


def test_the_ruleset_is_the_published_one():
    here = Path(__file__).resolve().parent.parent
    ours = here / "wasstraat" / "api" / "nl-api-design-rules.spectral.yaml"
    published = here.parent / "shared" / "standards" / "nl-api-design-rules.spectral.yaml"
    if not published.exists():
        pytest.skip("the shared standards are not beside this checkout")
    assert ours.read_bytes() == published.read_bytes()


# --- Hostile input on every write ----------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_bad_input import HOSTILE  # noqa: E402

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
    | st.floats(allow_nan=False) | st.sampled_from(HOSTILE) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=3),
    max_leaves=6)


def hostile_body(fields: dict[str, st.SearchStrategy],
                 needed: tuple[str, ...] = ()) -> st.SearchStrategy:
    """Bodies near the real shape (each field maybe hostile, maybe missing) and far from it."""
    near = st.fixed_dictionaries(
        {name: fields[name] for name in needed},
        optional={name: strategy | JSON_VALUES for name, strategy in fields.items()
                  if name not in needed})
    extra = st.dictionaries(st.sampled_from(["bogus", "id", "version", "__proto__"]),
                            JSON_VALUES, max_size=1)
    return st.one_of(near, st.builds(lambda a, b: {**a, **b}, near, extra), JSON_VALUES)


def table_counts() -> dict[str, int]:
    return {model.__tablename__: db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in (Improvement, ActionNote, ImplementationItem)}


def check_answer(response, before: dict, item_id: int, seen: set | None = None) -> None:
    if seen is not None:
        seen.add(response.status_code)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
        assert {"status", "title", "detail"} <= set(response.json)
        db.session.expire_all()
        assert table_counts() == before["counts"]
        item = db.session.get(ImplementationItem, item_id)
        assert (item.status, item.blocked_reason, item.version) == before["item"]


def test_every_write_survives_hostile_json_and_a_refusal_changes_nothing(app, team, client):
    app.config["API_RATE_LIMIT"] = 100_000
    item = an_action(team)
    token = token_for(team[Role.SUBJECT_EXPERT])
    texts = st.sampled_from(["Goed idee", "Formulier vooraf invullen", *HOSTILE]) \
        | st.text(max_size=300)
    improvement_body = hostile_body({
        "title": texts, "description": texts,
        "source": st.just({"type": "step", "id": 1}) | st.fixed_dictionaries({"type": st.sampled_from(["step", "kpi", "session",
                                                                  "x"]) | texts,
                                         "id": st.integers(-5, 12) | st.integers() | texts}),
        "proposerId": st.integers(-5, 2**40) | texts}, needed=("title", "source"))
    action_body = hostile_body({"status": st.sampled_from(["done", "blocked", "in_progress"])
                                | texts, "blockedReason": texts, "progressNote": texts},
                               needed=("status",))
    path_item = f"{API}/projects/{team.project.id}/implementation-items/{item.id}"

    def state() -> dict:
        db.session.expire_all()
        current = db.session.get(ImplementationItem, item.id)
        return {"counts": table_counts(),
                "item": (current.status, current.blocked_reason, current.version)}

    @settings(max_examples=60, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(body=improvement_body)
    def capture(body) -> None:
        before = state()
        response = client.post(f"{API}/projects/{team.project.id}/improvements",
                               headers=bearer(token), json=body)
        check_answer(response, before, item.id, seen)

    @settings(max_examples=60, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(body=action_body, etag=st.sampled_from(["current", "", "*", '"0"', "W/\"x\"",
                                                   '"99999999999999999999"', "\x00"]))
    def update(body, etag: str) -> None:
        before = state()
        version = before["item"][2]
        sent = f'"{version}"' if etag == "current" else etag
        response = client.patch(path_item, headers=bearer(token, **{"If-Match": sent}),
                                json=body)
        check_answer(response, before, item.id, seen)

    seen: set[int] = set()
    capture()
    update()
    assert {201, 200, 400, 412, 428} <= seen, seen  # some went through, most were refused
    # Raw bodies that are no JSON at all.
    for raw in (b"{", b"\xff\xfe", b"[]", b"null", b'{"title": "a"' * 1000):
        before = state()
        response = client.post(f"{API}/projects/{team.project.id}/improvements",
                               headers=bearer(token), data=raw, content_type="application/json")
        check_answer(response, before, item.id)


# --- Lists do not grow in queries with their data ------------------------------------------------

def grow(team, size: int) -> None:
    """``size`` more of everything a list of the API shows."""
    from datetime import date

    from wasstraat.models import Kpi, KpiMeasurement, PlanVersion, Review, Task

    leader = team[Role.PROJECT_LEADER]
    for n in range(size):
        an_action(team, f"Actie {n}")
        kpi = Kpi(project_id=team.project.id, name=f"KPI {n}", unit="dagen", direction="lower")
        db.session.add(kpi)
        db.session.flush()
        db.session.add_all([KpiMeasurement(kpi_id=kpi.id, value=n, measured_on=date(2026, 10, 1)),
                            Task(project_id=team.project.id, step=10, title=f"Taak {n}",
                                 assignee_id=leader.id)])
        number = db.session.scalar(db.select(db.func.count()).select_from(PlanVersion)) + 1
        version = PlanVersion(project_id=team.project.id, number=number,
                              snapshot={"improvements": [{"id": 1}]}, fingerprint="x")
        db.session.add(version)
        db.session.flush()
        db.session.add(Review(project_id=team.project.id, plan_version_id=version.id,
                              domain="privacy"))
        db.session.add(Comment(project_id=team.project.id, subject="step", subject_id=10,
                               author_id=leader.id, body=f"Vraag {n}",
                               mentioned=[team[Role.PROCESS_OWNER]]))
    db.session.commit()


def test_api_lists_run_the_same_queries_however_much_data(team, client, count_queries,
                                                          create_user):
    admin = create_user(admin=True)
    token, admin_token = token_for(team[Role.PROJECT_LEADER]), token_for(admin)
    base = f"{API}/projects/{team.project.id}"
    lists = [f"{API}/projects", f"{API}/tasks", f"{base}/steps", f"{base}/team-members",
             f"{base}/kpis", f"{base}/tasks", f"{base}/improvements", f"{base}/plan-versions",
             f"{base}/reviews", f"{base}/implementation-items", f"{base}/audit-events",
             f"{base}/comments"]

    def counts() -> dict[str, int]:
        found = {}
        for path in lists:
            who = admin_token if path.endswith("audit-events") else token
            response = None

            def call(path=path, who=who) -> None:
                nonlocal response
                response = client.get(path, headers=bearer(who))

            found[path] = count_queries(call)
            assert response.status_code == 200, path
        return found

    grow(team, 2)
    for who in (token, admin_token):  # the first use of a token notes when it was used
        client.get(f"{API}/tasks", headers=bearer(who))
    small = counts()
    grow(team, 25)
    assert counts() == small
    # A comment's mentions (people, many to many) are one query more.
    assert max(v for path, v in small.items() if not path.endswith("/comments")) <= 12, small
    assert small[f"{base}/comments"] <= 13, small


def test_a_browser_with_an_old_session_still_gets_its_token_answer_and_no_cookie(team, login_as):
    """The API does not even open the session: an expired screen session in the same browser
    neither redirects the call to the login page nor gets renewed by it."""
    browser = login_as(team[Role.PROJECT_LEADER])
    with browser.session_transaction() as session:
        session["_seen_at"] = session["_started_at"] = 0.0  # long expired
    token = token_for(team[Role.PROJECT_LEADER])
    response = browser.get(f"{API}/projects", headers=bearer(token))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_the_api_never_saves_a_session_even_a_changed_one(app):
    from flask import session

    with app.test_request_context(f"{API}/projects"):
        session["changed"] = True
        response = app.response_class()
        app.session_interface.save_session(app, session, response)
        assert "Set-Cookie" not in response.headers
    with app.test_request_context("/tasks"):
        session["changed"] = True
        response = app.response_class()
        app.session_interface.save_session(app, session, response)
        assert "Set-Cookie" in response.headers


def test_a_token_lives_at_most_a_year_and_a_person_holds_at_most_twenty(team, login_as):
    from wasstraat.errors import WorkflowError

    sponsor = team[Role.SPONSOR]
    with pytest.raises(WorkflowError):
        tokens.create(sponsor, "Voor altijd", 3650)
    for n in range(tokens.MAX_PER_PERSON):
        tokens.create(sponsor, f"Token {n}", 30)
    db.session.commit()
    refused = login_as(sponsor).post("/account/api-tokens", data={
        "name": "Nog een", "days": "30", "confirmation": PASSWORD})
    assert refused.status_code == 409
    assert "Trek er eerst een in" in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 20


def test_a_tokens_last_use_is_written_at_most_every_few_minutes(team, client):
    """Every call would be a write otherwise; the token list needs the minute, not more."""
    token = token_for(team[Role.SPONSOR])
    assert client.get(f"{API}/projects", headers=bearer(token)).status_code == 200
    row = db.session.scalar(db.select(ApiToken))
    first = row.last_used_at
    assert first is not None
    assert client.get(f"{API}/projects", headers=bearer(token)).status_code == 200
    db.session.refresh(row)
    assert row.last_used_at == first  # within the resolution: not written again
    row.last_used_at = first - tokens.USE_RESOLUTION
    db.session.commit()
    assert client.get(f"{API}/projects", headers=bearer(token)).status_code == 200
    db.session.refresh(row)
    assert row.last_used_at > first - tokens.USE_RESOLUTION


def test_a_tokens_state_at_its_boundaries(team):
    row, _token = tokens.create(team[Role.SPONSOR], "Dashboard", 30)
    assert tokens.describe_state(row, row.expires_at - timedelta(seconds=1)) == "active"
    assert tokens.describe_state(row, row.expires_at) == "expired"
    row.revoked_at = utcnow()
    assert tokens.describe_state(row, row.expires_at - timedelta(days=1)) == "revoked"


def test_a_jwt_shaped_token_without_an_identity_provider_is_just_unknown(app, client):
    assert not app.config.get("OIDC_METADATA_URL")
    response = client.get(f"{API}/projects", headers=bearer("eyJhbGciOi.eyJzdWIiOiIx.c2ln"))
    assert response.status_code == 401
    assert "Onbekend token" in response.get_data(as_text=True)


def test_a_token_is_made_only_by_who_proves_it_is_them_again(team, login_as):
    """A session alone (perhaps stolen) makes no year-long credential: the password again,
    or the second factor where the person enrolled one; wrong guesses count as at sign-in."""
    sponsor = team[Role.SPONSOR]
    browser = login_as(sponsor)
    asked = {"name": "Dashboard", "days": "365"}
    for confirmation, status in (("", 422), ("niet mijn wachtwoord", 401)):
        refused = browser.post("/account/api-tokens", data={**asked,
                                                            "confirmation": confirmation})
        assert refused.status_code == status, confirmation
    assert "Dit wachtwoord klopt niet; er is geen token gemaakt." in refused.get_data(
        as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0
    failed = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "auth.login_failed")).all()
    assert len(failed) == 1  # counted by the sign-in throttle
    for _ in range(5):
        browser.post("/account/api-tokens", data={**asked, "confirmation": "nog steeds fout"})
    throttled = browser.post("/account/api-tokens", data={**asked, "confirmation": PASSWORD})
    assert throttled.status_code == 429 and "Retry-After" in throttled.headers
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0


def test_with_a_second_factor_the_code_confirms_a_new_token(team, login_as):
    leader = team[Role.PROJECT_LEADER]
    browser = login_as(leader)
    leader.totp_secret, leader.totp_confirmed_at = pyotp.random_base32(), utcnow()
    db.session.commit()
    page = browser.get("/account/api-tokens").get_data(as_text=True)
    assert "Code uit uw authenticator-app" in page
    asked = {"name": "Dashboard", "days": "30"}
    assert browser.post("/account/api-tokens", data={**asked, "confirmation": PASSWORD}
                        ).status_code == 401  # the password is not the second factor
    code = pyotp.TOTP(leader.totp_secret).now()
    assert browser.post("/account/api-tokens", data={**asked, "confirmation": code}
                        ).status_code == 201


def test_signing_out_or_being_switched_off_stops_the_tokens_for_good(team, client, login_as,
                                                                    create_user):
    sponsor, leader = team[Role.SPONSOR], team[Role.PROJECT_LEADER]
    token = token_for(sponsor)
    login_as(sponsor).post("/logout")
    assert client.get(f"{API}/projects", headers=bearer(token)).status_code == 401
    leader_token = token_for(leader)
    admin = create_user(admin=True)
    for active in (False, True):  # switched off, then on again: the token stays dead
        accounts.update_user(leader, actor=admin, name=leader.name, email=leader.email,
                             is_admin=False, active=active)
        db.session.commit()
    assert client.get(f"{API}/projects", headers=bearer(leader_token)).status_code == 401


def test_a_new_password_stops_the_tokens_made_with_the_old_one(team, client, login_as,
                                                               create_user):
    """Changing a password (perhaps because it leaked) must not leave a year-long token
    behind; nor must an administrator's reset."""
    sponsor, leader = team[Role.SPONSOR], team[Role.PROJECT_LEADER]
    token = token_for(sponsor, days=365)
    browser = login_as(sponsor)
    changed = browser.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "een-heel-nieuw-wachtwoord-2026",
        "confirm_password": "een-heel-nieuw-wachtwoord-2026"}, follow_redirects=True)
    assert "uw API-token is ingetrokken" in changed.get_data(as_text=True)
    assert client.get(f"{API}/projects", headers=bearer(token)).status_code == 401
    leader_token = token_for(leader)
    accounts.set_password(leader, "door-de-beheerder-gekozen-2026",
                          actor=create_user(admin=True))
    db.session.commit()
    assert client.get(f"{API}/projects", headers=bearer(leader_token)).status_code == 401
    # Revoked, not only refused while the new password waits: it stays dead after.
    assert db.session.scalar(db.select(ApiToken.revoked_at).where(
        ApiToken.token_hash == tokens.digest(leader_token))) is not None


@pytest.mark.parametrize(("body", "field", "reason"), [
    ("[" * 100_000 + "]" * 100_000, "body", "dieper genest dan 32 niveaus"),
    ('{"title": "Idee", "proposerId": ' + "9" * 5_000 + "}", "proposerId", "meer dan 40 cijfers"),
    ('{"title": "' + "[" * 5_000 + '"}', None, None),  # brackets in a string are text
])
def test_a_json_bomb_is_a_400_that_says_where(team, client, body, field, reason):
    """The attack: 100,000 levels of nesting, or a 5,000-digit number, gave a 500."""
    token = token_for(team[Role.SUBJECT_EXPERT])
    response = client.post(f"{API}/projects/{team.project.id}/improvements",
                           headers=bearer(token), data=body, content_type="application/json")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    if field is not None:
        [problem] = response.json["invalid-params"]
        assert problem["name"] == field and reason in problem["reason"]
    else:  # parsed as any other body: its own fields are judged
        assert "body" not in {p["name"] for p in response.json["invalid-params"]}


def test_the_answers_keep_to_the_published_document(team, client, create_user):
    """Every error carries requestId (now in the Problem schema); a 405 says what is allowed;
    an audit event's before and after use camelCase like the rest."""
    document = client.get(f"{API}/openapi.json").json
    problem = document["components"]["schemas"]["Problem"]["properties"]
    assert {"requestId", "incident"} <= set(problem)
    token = token_for(team[Role.PROJECT_LEADER])
    wrong = client.delete(f"{API}/projects", headers=bearer(token))
    assert wrong.status_code == 405, (wrong.headers, wrong.data)
    assert "Allow" in wrong.headers, (dict(wrong.headers), wrong.data)
    assert set(wrong.headers["Allow"].replace(" ", "").split(
        ",")) >= {"GET"}
    assert "requestId" in wrong.json
    admin = create_user(admin=True)
    admin_token = token_for(admin)
    events = client.get(f"{API}/projects/{team.project.id}/audit-events",
                        headers=bearer(admin_token)).json["items"]
    keys = {key for event in events for side in ("before", "after")
            for key in (event.get(side) or {})}
    assert keys and all("_" not in key for key in keys), keys


@pytest.mark.parametrize("query", ["x=1", "=false", "pagesize=5"])
def test_a_query_parameter_the_document_does_not_name_is_refused(team, client, query):
    """Not silently left out (and echoed back in the links): the caller hears which one."""
    token = token_for(team[Role.PROJECT_LEADER])
    response = client.get(f"/api/v1/processes?{query}", headers=bearer(token))
    assert response.status_code == 400
    assert response.json["invalid-params"]


def test_the_api_reads_a_projects_comments_with_mentions_and_removals(team, login_as, client):
    """Issue 36: comments are read through the API, filtered by subject; a removed one has no
    text but says who removed it."""
    put_in_step(team.project, Step.IMPROVEMENT_PLAN)
    leader, owner = team[Role.PROJECT_LEADER], team[Role.PROCESS_OWNER]
    screens = login_as(leader)
    thread = f"/projects/{team.project.id}/steps/6/comments"
    screens.post(thread, data={"body": f"@{owner.name} graag een besluit"})
    screens.post(thread, data={"body": "Dit was te snel"})
    removed = db.session.scalar(db.select(db.func.max(Comment.id)))
    assert screens.post(f"/projects/{team.project.id}/comments/{removed}/delete"
                        ).status_code == 303
    token = token_for(team[Role.SUBJECT_EXPERT])
    answer = client.get(f"{API}/projects/{team.project.id}/comments?subject=step&subjectId=6",
                        headers=bearer(token)).get_json()
    first, second = answer["items"]
    assert first["text"] == f"@{owner.name} graag een besluit"
    assert first["mentioned"] == [{"id": owner.id, "name": owner.name}]
    assert first["author"]["id"] == leader.id and first["removedAt"] is None
    assert second["text"] == "" and second["removedBy"]["id"] == leader.id
    assert client.get(f"{API}/projects/{team.project.id}/comments?subject=improvement",
                      headers=bearer(token)).get_json()["totalItems"] == 0
    assert client.get(f"{API}/projects/{team.project.id}/comments?subject=idee",
                      headers=bearer(token)).status_code == 400
    assert client.get(f"{API}/projects/{team.project.id}/comments",
                      headers=bearer(token_for(team.outsider))).status_code == 404

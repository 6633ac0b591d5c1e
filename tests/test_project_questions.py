"""The questions a project keeps (issue 36): per P of the service formula, shown beside each P
for step 5's session, and per review domain, which a review takes over when it opens and its
specialist answers before signing. A copy and a template carry them; a template's document
is checked for them before it is imported."""

from __future__ import annotations

import io
import json

import pytest
from conftest import Team, put_in_step
from test_api import API, bearer, token_for
from test_exports import open_docx, sections_of
from test_plans import (
    base,
    open_review,
    plan_entry,
    review_version,
    send_plan,
    sign,
)
from test_project_templates import coordinator, new_project, process_kinds  # noqa: F401

from wasstraat.errors import InvalidInput, WorkflowError
from wasstraat.extensions import db
from wasstraat.models import AuditEvent, Project, ProjectQuestion, Review, TemplateVersion
from wasstraat.project_templates import services as templates
from wasstraat.questions import services as questions
from wasstraat.reviews import services as reviews
from wasstraat.workflow import QuestionSet, Role, Step

PLACE = "Kan de melding volledig online?\nKrijgt de inwoner een bevestiging?"
PRIVACY = "Worden er gegevens van minderjarigen verwerkt?\nWie mag het dossier inzien?"


@pytest.fixture
def source(create_project) -> Team:
    return create_project()


@pytest.fixture
def clients(source: Team, login_as) -> dict:
    return {role: login_as(user) for role, user in source.members.items()}


def asked(project: Project, question_set: QuestionSet) -> dict[str, list[str]]:
    db.session.expire_all()
    return {k: v for k, v in questions.questions_of(project, question_set).items() if v}


def write(client, project: Project, question_set: QuestionSet, **texts: str):
    return client.post(f"/projects/{project.id}/questions/{question_set.value}",
                       data={f"q_{key}": text for key, text in texts.items()})


# --- Per P of the service formula ---


def test_the_team_writes_questions_per_p_and_the_session_reads_them_beside_each_p(
        source, clients):
    put_in_step(source.project, Step.SERVICE_FORMULA)
    leader = clients[Role.PROJECT_LEADER]
    form = leader.get(f"/projects/{source.project.id}/questions/formula")
    assert form.status_code == 200 and 'name="q_process"' in form.get_data(as_text=True)
    response = write(leader, source.project, QuestionSet.FORMULA, place=PLACE + "\n\n",
                     process="Hoeveel stappen zet de inwoner zelf?")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/formula#questions-heading")
    assert asked(source.project, QuestionSet.FORMULA) == {
        "place": PLACE.split("\n"), "process": ["Hoeveel stappen zet de inwoner zelf?"]}
    page = clients[Role.SUBJECT_EXPERT].get(f"/projects/{source.project.id}/formula")
    text = page.get_data(as_text=True)
    place = text.split('id="p-place-heading"')[1].split('id="p-people-heading"')[0]
    assert "Kan de melding volledig online?" in place and "Krijgt de inwoner" in place
    assert "Vragen per P aanpassen" in text  # step 5's actors prepare the session
    assert "Vragen per P aanpassen" not in clients[Role.SPONSOR].get(
        f"/projects/{source.project.id}/formula").get_data(as_text=True)
    [event] = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "questions.update")).all()
    assert event.after["place"] == PLACE.split("\n") and event.before["place"] == []


def test_rewriting_one_p_leaves_the_others_and_an_empty_box_removes_its_questions(
        source, clients):
    put_in_step(source.project, Step.SERVICE_FORMULA)
    leader = clients[Role.PROJECT_LEADER]
    write(leader, source.project, QuestionSet.FORMULA, place=PLACE, price="Wat kost het?")
    assert write(leader, source.project, QuestionSet.FORMULA, place="",
                 price="Wat kost het?").status_code == 303
    assert asked(source.project, QuestionSet.FORMULA) == {"price": ["Wat kost het?"]}


@pytest.mark.parametrize(("text", "reason"), [
    ("\n".join(f"Vraag {n}?" for n in range(11)), "hoogstens 10 vragen"),
    ("x" * 301, "hoogstens 300 tekens"),
    ("Wat\x07 kost het?", "tekens die niet zijn toegestaan"),
])
def test_too_many_or_too_long_questions_are_refused_at_their_p(source, clients, text, reason):
    put_in_step(source.project, Step.SERVICE_FORMULA)
    leader = clients[Role.PROJECT_LEADER]
    write(leader, source.project, QuestionSet.FORMULA, place=PLACE)
    refused = write(leader, source.project, QuestionSet.FORMULA, place="Nieuw?", price=text)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and reason in page
    assert 'id="q_price-error"' in page and "Nieuw?" in page  # what was typed stays
    assert asked(source.project, QuestionSet.FORMULA) == {"place": PLACE.split("\n")}


def test_the_questions_change_only_while_their_work_is_open_and_by_who_does_it(
        source, clients):
    put_in_step(source.project, Step.SERVICE_FORMULA)
    for role in (Role.SPONSOR, Role.TEAM_MANAGER, Role.PRIVACY_OFFICER):
        assert write(clients[role], source.project, QuestionSet.FORMULA,
                     place=PLACE).status_code == 403, role
    assert clients[Role.PROJECT_LEADER].post(
        f"/projects/{source.project.id}/questions/unknown").status_code == 404
    put_in_step(source.project, Step.IMPROVEMENT_PLAN)
    refused = write(clients[Role.PROJECT_LEADER], source.project, QuestionSet.FORMULA,
                    place=PLACE)
    assert refused.status_code == 409
    assert "terwijl stap 5 bezig is" in refused.get_data(as_text=True)
    assert asked(source.project, QuestionSet.FORMULA) == {}


def test_the_service_refuses_what_the_form_cannot_send(source):
    put_in_step(source.project, Step.SERVICE_FORMULA)
    leader = source[Role.PROJECT_LEADER]
    with pytest.raises(InvalidInput, match="geen P of toetsdomein"):
        questions.replace(source.project, leader, QuestionSet.FORMULA, {"privacy": ["Wie?"]})
    with pytest.raises(InvalidInput, match="Plaats: Schrijf hoogstens 10"):
        questions.replace(source.project, leader, QuestionSet.FORMULA,
                          {"place": [f"{n}?" for n in range(11)]})
    with pytest.raises(InvalidInput, match="tekens die niet zijn toegestaan"):
        questions.replace(source.project, leader, QuestionSet.FORMULA, {"place": ["Bel\x07?"]})
    with pytest.raises(WorkflowError, match="terwijl stap 7 bezig is|stap 6, 7 of 8"):
        questions.replace(source.project, leader, QuestionSet.REVIEW, {"privacy": ["Wie?"]})
    at_most = [f"{n}{'?' * 299}" for n in range(10)]  # ten of 300 characters: the limits
    questions.replace(source.project, leader, QuestionSet.FORMULA, {"place": at_most})
    assert asked(source.project, QuestionSet.FORMULA) == {"place": at_most}
    questions.replace(source.project, leader, QuestionSet.FORMULA, {"place": ["Online?"]})
    questions.replace(source.project, leader, QuestionSet.FORMULA, {"place": ["Online?"]})
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "questions.update")) == 2  # the same questions again: no change


# --- Per review domain ---


def test_a_review_takes_its_domains_questions_and_its_specialist_answers_each_to_sign(
        source, clients):
    send_plan(source, clients)
    leader = clients[Role.PROJECT_LEADER]
    assert write(leader, source.project, QuestionSet.REVIEW, privacy=PRIVACY,
                 legal="Is er een grondslag?").status_code == 303
    overview = clients[Role.PRIVACY_OFFICER].get(f"{base(source)}/reviews").get_data(
        as_text=True)
    assert "Wie mag het dossier inzien?" in overview and "Is er een grondslag?" in overview
    reviews = open_review(source, clients, ["privacy"])
    review_id = reviews["privacy"]
    # A later change is for the next review; this one keeps what it opened with.
    write(leader, source.project, QuestionSet.REVIEW, privacy="Een andere vraag?")
    review = db.session.get(Review, review_id)
    assert review.questions == PRIVACY.split("\n") and review.answers == ["", ""]

    officer = clients[Role.PRIVACY_OFFICER]
    form = officer.get(f"{base(source)}/reviews/{review_id}").get_data(as_text=True)
    assert '<label class="utrecht-form-label" for="answers-1">2. Wie mag het dossier inzien?' \
        in form
    refused = sign(officer, team=source, review_id=review_id, **{"answers-0": "Nee."})
    assert refused.status_code == 409 and "Beantwoord toetsvraag 2." in refused.get_data(
        as_text=True)
    assert sign(officer, source, review_id, **{"answers-0": "Nee.",
                                              "answers-1": "Alleen de behandelaar."}
                ).status_code == 303
    db.session.expire_all()
    review = db.session.get(Review, review_id)
    assert review.is_signed and review.answers == ["Nee.", "Alleen de behandelaar."]
    signed = clients[Role.SPONSOR].get(f"{base(source)}/reviews/{review_id}").get_data(
        as_text=True)
    assert "<dt>Wie mag het dossier inzien?</dt><dd class=\"pre-line\">Alleen de behandelaar." \
        in signed

    # After signing, the answers are part of the record: they no longer change.
    again = officer.post(f"{base(source)}/reviews/{review_id}", data={
        "verdict": "approved", "motivation": "x", "version": review_version(review_id),
        "answers-0": "Ja.", "answers-1": "Iedereen."})
    assert again.status_code == 409
    assert db.session.get(Review, review_id).answers == ["Nee.", "Alleen de behandelaar."]

    document = open_docx(clients[Role.SPONSOR].get(
        f"{base(source)}/documents/improvement-plan.docx"))
    section = sections_of(document)["Privacy (AVG) (versie 1)"]
    assert "Worden er gegevens van minderjarigen verwerkt?" in section and "Nee." in section
    api = clients[Role.SPONSOR].get(f"{API}/projects/{source.project.id}/reviews",
                                    headers=bearer(token_for(source[Role.SPONSOR])))
    [shown] = api.get_json()
    assert shown["questions"][1] == {"question": "Wie mag het dossier inzien?",
                                     "answer": "Alleen de behandelaar."}


def test_a_draft_keeps_its_answers_and_extra_answers_sent_are_ignored(source, clients):
    send_plan(source, clients)
    write(clients[Role.PROJECT_LEADER], source.project, QuestionSet.REVIEW,
          legal="Is er een grondslag?")
    review_id = open_review(source, clients, ["legal"])["legal"]
    saved = clients[Role.LEGAL].post(f"{base(source)}/reviews/{review_id}", data={
        "version": review_version(review_id), "answers-0": "  Artikel 2:1 APV.  ",
        "answers-7": "ingevoegd"})
    assert saved.status_code == 303
    db.session.expire_all()
    assert db.session.get(Review, review_id).answers == ["Artikel 2:1 APV."]
    review = db.session.get(Review, review_id)
    with pytest.raises(InvalidInput, match="Beantwoord de toetsvragen"):
        reviews.save_review(review, source.project, source[Role.LEGAL],
                            expected_version=review.version, values={
                                "verdict": None, "motivation": "", "conditions": "",
                                "dpia_criteria": [], "answers": []})


def test_a_new_review_after_a_rejection_asks_the_questions_as_they_are_now(source, clients):
    ids = send_plan(source, clients)
    leader = clients[Role.PROJECT_LEADER]
    write(leader, source.project, QuestionSet.REVIEW, legal="Is er een grondslag?")
    first = open_review(source, clients, ["legal"])["legal"]
    assert sign(clients[Role.LEGAL], source, first, verdict="rejected",
                **{"answers-0": "Nee."}).status_code == 303
    put_in_step(source.project, Step.ADJUST)
    assert write(leader, source.project, QuestionSet.REVIEW,
                 legal="Welke grondslag nu?\nIs de verordening aangepast?").status_code == 303
    assert plan_entry(clients[Role.PROCESS_ADVISOR], source, ids[1],
                      horizon="long_term").status_code == 303
    assert leader.post(f"{base(source)}/plan/send").status_code == 303
    assert leader.post(f"{base(source)}/reviews/{first}/rereview").status_code == 303
    second = db.session.scalar(db.select(Review).where(
        Review.domain == "legal", Review.signed_at.is_(None)))
    assert second.questions == ["Welke grondslag nu?", "Is de verordening aangepast?"]
    assert second.answers == ["", ""]
    assert db.session.get(Review, first).questions == ["Is er een grondslag?"]


def test_a_review_without_questions_signs_as_before(source, clients):
    send_plan(source, clients)
    review_id = open_review(source, clients, ["legal"])["legal"]
    assert db.session.get(Review, review_id).questions == []
    assert sign(clients[Role.LEGAL], source, review_id).status_code == 303


# --- Carried by a template ---


def test_a_template_carries_the_questions_into_a_new_project(source, coordinator, login_as):
    put_in_step(source.project, Step.SERVICE_FORMULA)
    leader = login_as(source[Role.PROJECT_LEADER])
    write(leader, source.project, QuestionSet.FORMULA, place=PLACE)
    put_in_step(source.project, Step.IMPROVEMENT_PLAN)
    write(leader, source.project, QuestionSet.REVIEW, privacy=PRIVACY)
    process_kinds("Melding")
    client = login_as(coordinator)
    assert client.post(f"/projects/{source.project.id}/template", data={
        "name": "Melding standaard", "process_kind": "Melding",
        "parts": ["formula_questions", "review_questions"]}).status_code == 303
    version = db.session.scalars(db.select(TemplateVersion)).one()
    assert version.content["review_questions"][1] == {
        "subject": "privacy", "question": "Wie mag het dossier inzien?"}
    shown = client.get(f"/templates/versions/{version.id}").get_data(as_text=True)
    assert "Plaats: Kan de melding volledig online?" in shown
    assert "Privacy (AVG): Wie mag het dossier inzien?" in shown
    project = new_project(leader, version, "Melding 2027")
    assert asked(project, QuestionSet.FORMULA) == {"place": PLACE.split("\n")}
    assert asked(project, QuestionSet.REVIEW) == {"privacy": PRIVACY.split("\n")}


def document_with(**content) -> bytes:
    return json.dumps({"schema": "wasstraat-template/1", "name": "X",
                       "process_kind": "Melding", "content": content,
                       "requirements": []}).encode()


@pytest.mark.parametrize(("document", "reason"), [
    (document_with(review_questions=[{"subject": "astrologie", "question": "Welk teken?"}]),
     "Toetsvraag 1 hoort bij geen P of toetsdomein"),
    (document_with(formula_questions=[{"subject": "place", "question": "x" * 301}]),
     "Vraag bij een P 1 is te lang"),
    (document_with(formula_questions=[{"subject": "place", "question": "  "}]),
     "Vraag bij een P 1 ontbreekt"),
    (document_with(review_questions=[{"subject": "ict", "question": f"Vraag {n}?"}
                                     for n in range(11)]),
     "Toetsvragen per specialisme: meer dan 10 vragen bij ICT-haalbaarheid"),
    (document_with(review_questions=[{"subject": "ict", "question": "Wie?", "answer": "Ik"}]),
     "Toetsvraag 1 heeft velden die Wasstraat niet kent"),
])
def test_a_templates_questions_are_checked_before_import(source, coordinator, login_as,
                                                        document, reason):
    process_kinds("Melding")
    response = login_as(coordinator).post("/templates/import", data={
        "file": (io.BytesIO(document), "sjabloon.json")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(TemplateVersion)) == 0


def test_a_checked_document_with_questions_is_imported(source, coordinator):
    process_kinds("Melding")
    parsed, problems = templates.read_document(document_with(
        formula_questions=[{"subject": "place", "question": "Online?"}]))
    assert problems == []
    version = templates.import_document(parsed, coordinator)
    assert version.content == {"formula_questions": [{"subject": "place",
                                                      "question": "Online?"}]}
    assert db.session.scalar(db.select(db.func.count()).select_from(ProjectQuestion)) == 0

"""The one refusal path: a service refuses with a WorkflowError, views do not catch it, and
errors.py answers it: the page the view registered, the error page, or its htmx partial. The
transaction is rolled back first, so nothing of the refused action is stored."""

from __future__ import annotations

import pytest
from flask import Blueprint, get_flashed_messages
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError
from wtforms import StringField

from wasstraat.errors import (
    ConflictError,
    InvalidInput,
    WorkflowError,
    on_refusal,
    refuse_above,
    refuse_into,
    refuse_with_flash,
)
from wasstraat.extensions import db
from wasstraat.forms import FlaskForm
from wasstraat.models import User


class NameForm(FlaskForm):
    name = StringField()


def _page(form, status: int):
    return (f"name={form.name.data!r} at-name={list(form.name.errors)} "
            f"summary={list(form.form_errors)}"), status


def _store_then(error: Exception):
    """The refused action first writes something, then the service refuses."""
    db.session.add(User(email="half@written.example", name="Half", password_hash="x",
                        session_token="t"))
    db.session.flush()
    raise error


REFUSALS = {
    "taken": InvalidInput("Dit e-mailadres is al in gebruik.", "name"),
    "several": InvalidInput({"name": "Te kort.", "elsewhere": "Niet hier."}),
    "closed": WorkflowError("Deze stap is afgerond."),
    "stale": ConflictError(),
    "raced": StaleDataError(),
}


@pytest.fixture
def probe(app):
    bp = Blueprint("probe", __name__)

    @bp.route("/probe/form/<kind>", methods=["POST"])
    def form_view(kind: str):
        form = NameForm()
        refuse_into(form, _page, field="name" if kind == "closed" else None,
                    reload=lambda: NameForm(formdata=None, data={"name": "as stored"}))
        _store_then(REFUSALS[kind])

    @bp.route("/probe/race/<int:user_id>", methods=["POST"])
    def race_view(user_id: int):
        """Someone else saved the row between this request's read and its write: the real
        flush fails, and leaves the session unusable until it is rolled back."""
        form = NameForm()
        refuse_into(form, _page,
                    reload=lambda: NameForm(formdata=None, data={"name": "as stored"}))
        user = db.session.get(User, user_id)
        db.session.execute(update(User).where(User.id == user_id)
                           .values(version=User.version + 1)
                           .execution_options(synchronize_session=False))
        user.name = "Mine"
        db.session.flush()

    @bp.route("/probe/flash", methods=["POST"])
    def flash_view():
        refuse_with_flash(lambda status: (f"messages={get_flashed_messages()}", status))
        _store_then(REFUSALS["closed"])

    @bp.route("/probe/above", methods=["POST"])
    def above_view():
        form = NameForm()
        refuse_above(lambda status, error, form: (f"{error}|{list(form.name.errors)}", status),
                     field="name", form=form)
        _store_then(REFUSALS["closed"])

    @bp.route("/probe/custom", methods=["POST"])
    def custom_view():
        on_refusal(lambda error: (f"custom: {error.message}", 418))
        _store_then(REFUSALS["closed"])

    @bp.route("/probe/plain", methods=["POST"])
    def plain_view():
        _store_then(REFUSALS["closed"])

    app.register_blueprint(bp)
    return app.test_client()


def _nothing_stored(app) -> bool:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == "half@written.example")) is None


def test_refused_input_stays_as_typed_with_the_reason_at_its_field(app, probe):
    response = probe.post("/probe/form/taken", data={"name": "typed"})
    assert response.status_code == 422
    assert response.text == ("name='typed' at-name=['Dit e-mailadres is al in gebruik.'] "
                             "summary=[]")
    assert _nothing_stored(app)


def test_several_refused_fields_each_at_their_own_and_the_rest_in_the_summary(probe):
    response = probe.post("/probe/form/several", data={"name": "x"})
    assert response.status_code == 422
    assert response.text == "name='x' at-name=['Te kort.'] summary=['Niet hier.']"


def test_a_stale_form_shows_what_is_stored_now_with_the_reason_on_top(app, probe):
    response = probe.post("/probe/form/stale", data={"name": "mine"})
    assert response.status_code == 409
    assert response.text.startswith("name='as stored' at-name=[] summary=['Iemand anders")
    assert _nothing_stored(app)


def test_a_save_that_lost_the_race_in_the_database_is_refused_as_a_stale_form(probe):
    response = probe.post("/probe/form/raced", data={"name": "mine"})
    assert response.status_code == 409
    assert response.text.startswith("name='as stored' at-name=[] summary=['Iemand anders")


def test_a_real_lost_race_of_a_signed_in_user_is_refused_as_a_stale_form(probe, app,
                                                                        create_user,
                                                                        login_as):
    user = create_user()
    client = login_as(user)
    response = client.post(f"/probe/race/{user.id}", data={"name": "mine"})
    assert response.status_code == 409
    assert response.text.startswith("name='as stored' at-name=[] summary=['Iemand anders")


def test_a_state_refusal_shows_at_the_field_the_view_named(probe):
    response = probe.post("/probe/form/closed", data={"name": "mine"})
    assert response.status_code == 409
    assert response.text == "name='as stored' at-name=['Deze stap is afgerond.'] summary=[]"


def test_a_refused_button_shows_its_page_with_the_reason_as_a_message(app, probe):
    response = probe.post("/probe/flash")
    assert response.status_code == 409
    assert response.text == "messages=['Deze stap is afgerond.']"
    assert _nothing_stored(app)


def test_a_refusal_above_the_page_keeps_the_form_and_marks_its_field(probe):
    response = probe.post("/probe/above", data={"name": "x"})
    assert (response.status_code, response.text) == (
        409, "Deze stap is afgerond.|['Deze stap is afgerond.']")


def test_a_view_may_render_its_refusal_its_own_way(app, probe):
    response = probe.post("/probe/custom")
    assert (response.status_code, response.text) == (418, "custom: Deze stap is afgerond.")
    assert _nothing_stored(app)


def test_without_a_registered_page_the_error_page_says_why(app, probe):
    page = probe.post("/probe/plain")
    assert page.status_code == 409
    assert "Deze stap is afgerond." in page.text and "<html" in page.text
    partial = probe.post("/probe/plain", headers={"HX-Request": "true"})
    assert partial.status_code == 409
    assert "Deze stap is afgerond." in partial.text and "<html" not in partial.text
    assert _nothing_stored(app)

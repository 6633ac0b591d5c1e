"""Form building blocks shared by the feature packages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as _FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    PasswordField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, ValidationError

_BROWSER_LINE_BREAK = re.compile("\r\n?")


def form_page(template: str, **context: Any) -> Callable[[Any, int], tuple[str, int]]:
    """A page that shows a form under a status: what a view renders for a GET or an invalid
    form, and what a refusal renders again (``errors.refuse_into``)."""

    def page(form: Any, status: int) -> tuple[str, int]:
        return render_template(template, form=form, **context), status

    return page


def prefilled(form_class: type, values: dict) -> Any:
    """A form filled in for its first view; a sent form is the sent data alone, so an empty
    POST is refused instead of taking the suggestions as an answer."""
    return form_class(data=values) if request.method == "GET" else form_class()


def show_form(page: Callable[[Any, int], Any], form: Any):
    """The form's page: 200 when asked for, 422 when it was sent with errors."""
    return page(form, 422 if form.is_submitted() else 200)


def trimmed(value: str | None) -> str:
    """What was typed, without surrounding spaces; a field not sent is empty, not None."""
    return value.strip() if value else ""


def plain_line_breaks(value: object) -> object:
    """Browsers send a typed line break as "\r\n": it is stored as "\n", everywhere."""
    return _BROWSER_LINE_BREAK.sub("\n", value) if isinstance(value, str) else value


class FlaskForm(_FlaskForm):
    """Every form of the app: typed text is stored with plain line breaks (not passwords,
    which are taken exactly as typed)."""

    class Meta(_FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class,
                                                                       PasswordField):
                filters = [*unbound_field.kwargs.get("filters", ()), plain_line_breaks]
                options = {**options, "filters": filters}
            return super().bind_field(form, unbound_field, options)


class VersionedForm(FlaskForm):
    """Carries the version the page was loaded with, so a stale save is caught (409)."""

    version = IntegerField(widget=widgets.HiddenInput(),
                           validators=[InputRequired(), NumberRange(min=1)])


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def add_field_errors(form: FlaskForm, problems: dict[str, str]) -> None:
    """Put a service's rule violations (field name -> message) at their fields."""
    for name, message in problems.items():
        getattr(form, name).errors = [*getattr(form, name).errors, message]


class JudgedByService:
    """A form whose fields a service rule also judges together (a decision that needs a
    reason, ...): ``problems()`` (field -> message) from the same function the service checks
    again, each shown at its field."""

    def problems(self) -> dict[str, str]:
        raise NotImplementedError

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):  # type: ignore[misc]
            return False
        problems = self.problems()
        add_field_errors(self, problems)  # type: ignore[arg-type]
        return not problems


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def optional_int(value: object) -> int | None:
    """The coerce of a select whose first choice is "none" (an empty value)."""
    if value in (None, "", "None"):
        return None
    return int(value)  # type: ignore[arg-type]


def required(message=None):
    return DataRequired(message=message or _l("Dit veld is verplicht."))


class NeededFor:
    """A field the form may leave empty for now, but that a later step of the method needs
    (the KPI set's agreement, a review's signature): its label says so instead of
    "(optioneel)". It checks nothing itself; the gate that needs it does."""

    field_flags = {"needed": True}

    def __init__(self, purpose: str) -> None:
        self.needed_for = purpose

    def __call__(self, form, field) -> None:
        return None


def sensible_date(form, field) -> None:
    """A date the app can compute with (a day later, a month on): years 1900 to 2999."""
    if field.data and not 1900 <= field.data.year <= 2999:
        raise ValidationError(_l("Vul een datum tussen 1900 en 2999 in."))


def has_control_characters(text: str) -> bool:
    """Whether text holds a control character other than a tab or a line break: what no
    field of the app stores, whether typed into a form or read from a file."""
    return any(ord(c) < 32 and c not in "\r\n\t" for c in text)


def no_control_characters(form, field) -> None:
    if has_control_characters(field.data or ""):
        raise ValidationError(_l("Dit veld bevat tekens die niet zijn toegestaan."))


def single_line(form, field) -> None:
    if any(c in (field.data or "") for c in "\r\n"):
        raise ValidationError(_l("Dit veld mag maar één regel bevatten."))


__all__ = [
    "VersionedForm",
    "MultiCheckboxField",
    "HiddenField",
    "choices",
    "required",
    "no_control_characters",
    "optional_int",
    "single_line",
    "trimmed",
]

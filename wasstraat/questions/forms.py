from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length

from ..forms import FlaskForm, JudgedByService, no_control_characters
from ..workflow import QUESTION_MAX_LENGTH, QUESTIONS_PER_SUBJECT, QuestionSet
from . import services

# Generous: a question too long or too many are refused by ``services.problem``, by name.
TEXT_MAX = 2 * QUESTIONS_PER_SUBJECT * (QUESTION_MAX_LENGTH + 1)


def field_name(subject: str) -> str:
    """A subject's field (a P is called "process", which a form already has)."""
    return f"q_{subject}"


class QuestionsForm(JudgedByService, FlaskForm):
    """One text box per subject of a question set, one question per line."""

    question_set: QuestionSet

    @staticmethod
    def of(question_set: QuestionSet) -> type[QuestionsForm]:
        """The form class of a question set: a text box for each of its subjects."""
        return _FORMS[question_set]

    @staticmethod
    def data_of(questions: dict[str, list[str]]) -> dict[str, str]:
        """The stored questions as the form shows them."""
        return {field_name(key): "\n".join(texts) for key, texts in questions.items()}

    def values(self) -> dict[str, list[str]]:
        return {key: services.split_lines(self[field_name(key)].data)
                for key in self.question_set.subjects}

    def problems(self) -> dict[str, str]:
        return {field_name(key): found for key, questions in self.values().items()
                if (found := services.problem(questions))}

    def subject_fields(self) -> list:
        return [self[field_name(key)] for key in self.question_set.subjects]


def _form_for(question_set: QuestionSet) -> type[QuestionsForm]:
    fields = {field_name(key): TextAreaField(_l(label), render_kw={"rows": 3}, validators=[
        Length(max=TEXT_MAX), no_control_characters])
        for key, label in question_set.subjects.items()}
    return type(f"{question_set.name.title()}QuestionsForm", (QuestionsForm,),
                {"question_set": question_set, **fields})


_FORMS = {question_set: _form_for(question_set) for question_set in QuestionSet}

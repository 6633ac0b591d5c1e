"""What a notification can be about, defined once: the inbox, the header and (later) the
e-mail read the wording from here, so a message always says which step and what to do."""

from __future__ import annotations

from enum import StrEnum

from ..workflow import N_


class Kind(StrEnum):
    """Work of the method that became someone's, by the way it arrives."""

    TASK = "task"  # a task of a step (opened, or assigned to them)
    REVIEW = "review"  # a specialist's review asked of them (step 7)
    ACTION = "action"  # an improvement of the implementation plan to carry out (step 10)
    PLAN = "plan"  # the final improvement plan, to read for their team (step 8)

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def message(self) -> str:
        """The sentence the inbox shows, with ``%(step)s`` and ``%(title)s``."""
        return KIND_MESSAGES[self]


KIND_LABELS = {
    Kind.TASK: N_("Nieuwe taak"),
    Kind.REVIEW: N_("Toetsing gevraagd"),
    Kind.ACTION: N_("Actie voor u"),
    Kind.PLAN: N_("Plan om te lezen"),
}

KIND_MESSAGES = {
    Kind.TASK: N_("%(step)s: %(title)s. Deze taak is nu van u."),
    Kind.REVIEW: N_("%(step)s: uw toetsing wordt gevraagd (%(title)s)."),
    Kind.ACTION: N_("%(step)s: u voert deze verbetering uit: %(title)s."),
    Kind.PLAN: N_("%(step)s: %(title)s."),
}

# How a task was made (Task.origin) says what kind of message it gives.
KIND_OF_ORIGIN = {"review": Kind.REVIEW, "action": Kind.ACTION, "plan": Kind.PLAN}


def kind_of(origin: str) -> Kind:
    return KIND_OF_ORIGIN.get(origin, Kind.TASK)


class Channel(StrEnum):
    """How a person wants a kind of notification by e-mail (the inbox always has it)."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]

    @property
    def is_digest(self) -> bool:
        return self in (Channel.DAILY, Channel.WEEKLY)


CHANNEL_LABELS = {
    Channel.IMMEDIATE: N_("Meteen per e-mail"),
    Channel.DAILY: N_("Eén keer per dag, in een overzicht per traject"),
    Channel.WEEKLY: N_("Eén keer per week (maandag), in een overzicht per traject"),
    Channel.OFF: N_("Niet per e-mail (alleen in de app)"),
}

# Unless a person chose otherwise: everything by e-mail, since people do not open a workflow
# app to check whether something waits for them.
DEFAULT_CHANNEL = {kind: Channel.IMMEDIATE for kind in Kind}


class MailState(StrEnum):
    """Where a notification's e-mail stands (the inbox has it whatever this says)."""

    PENDING = "pending"  # to be sent at once (again, after a failure, from its retry time)
    SENDING = "sending"  # claimed by a delivery, until its lease ends
    DIGEST = "digest"  # waits for the person's daily or weekly digest
    SENT = "sent"
    FAILED = "failed"  # given up after the last retry
    NONE = "none"  # not to be e-mailed (the person's choice, no mail server, the past)

"""What a notification can be about, defined once: the inbox, the header and (later) the
e-mail read the wording from here, so a message always says which step and what to do."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from .enums import LabelledEnum
from .workflow import N_, REMEASURE_NOTICE_DAYS, REVISIT_SOON_DAYS, Role


class Kind(LabelledEnum):
    """Work of the method that became someone's, by the way it arrives."""

    TASK = "task", N_("Nieuwe taak")  # a task of a step (opened, or assigned to them)
    REVIEW = "review", N_("Toetsing gevraagd")  # a specialist's review asked of them (step 7)
    # An improvement of the implementation plan to carry out (step 10).
    ACTION = "action", N_("Actie voor u")
    PLAN = "plan", N_("Plan om te lezen")  # the final improvement plan, to read (step 8)
    ANSWER = "answer", N_("Reactie op uw toetsing")  # the team answered their review (step 8)
    # Reminders (notifications.reminders): the work waits or a date comes near.
    # An action of theirs is past its end date (step 10).
    OVERDUE = "overdue", N_("Herinnering: actie over de einddatum")
    # The evaluation moment comes near, or passed without results.
    EVALUATION = "evaluation", N_("Herinnering: evaluatiemoment")
    # A step waits on their task longer than STALLED_AFTER_DAYS.
    WAITING = "waiting", N_("Herinnering: een stap wacht op u")
    # What became of their work: an idea decided or carried out, a rejection overruled.
    OUTCOME = "outcome", N_("Wat er met uw inbreng gebeurde")
    # A process they own is due for review (the date set when its project closed).
    REVISIT = "revisit", N_("Herinnering: procesbeschrijving herzien")
    # A colleague's suggestion on a process they own (the library).
    SUGGESTION = "suggestion", N_("Suggestie voor uw proces")
    # A re-measurement of the borging comes near, or is due.
    REMEASURE = "remeasure", N_("Herinnering: nameting in de borging")
    # A closed project's record passed its archive date (for the archivists).
    ARCHIVE = "archive", N_("Archief: dossier over zijn archiefdatum")
    # A colleague mentioned them in a comment (a question for them, mostly).
    MENTION = "mention", N_("Genoemd in een reactie")
    # The idea box: a new idea (for the coordinators), and what became of an idea (for its
    # proposer and followers; the Outcome says what).
    IDEA_NEW = "idea_new", N_("Nieuw idee in de ideeënbus")
    IDEA = "idea", N_("Nieuws over een idee dat u volgt")

    @property
    def message(self) -> str:
        """The sentence the inbox shows, with ``%(step)s`` and ``%(title)s``."""
        return KIND_MESSAGES[self]


KIND_MESSAGES = {
    Kind.TASK: N_("%(step)s: %(title)s. Deze taak is nu van u."),
    Kind.REVIEW: N_("%(step)s: uw toetsing wordt gevraagd (%(title)s)."),
    Kind.ACTION: N_("%(step)s: u voert deze verbetering uit: %(title)s."),
    Kind.PLAN: N_("%(step)s: %(title)s."),
    Kind.ANSWER: N_("%(step)s: het team reageerde op uw toetsing (%(title)s)."),
    Kind.MENTION: N_("%(step)s: %(detail)s noemt u in een reactie bij %(title)s."),
    Kind.IDEA_NEW: N_("Nieuw idee in de ideeënbus: %(title)s. Beoordeel het: neem het op in "
                      "een traject, voeg het samen of wijs het af met de reden."),
    Kind.SUGGESTION: N_("Een collega doet een suggestie voor het proces %(title)s: "
                        "%(detail)s"),
}

# How a task was made (Task.origin) says what kind of message it gives.
KIND_OF_ORIGIN = {"review": Kind.REVIEW, "action": Kind.ACTION, "plan": Kind.PLAN}


def kind_of(origin: str) -> Kind:
    return KIND_OF_ORIGIN.get(origin, Kind.TASK)


class Channel(LabelledEnum):
    """How a person wants a kind of notification by e-mail (the inbox always has it)."""

    IMMEDIATE = "immediate", N_("Meteen per e-mail")
    DAILY = "daily", N_("Eén keer per dag, in een overzicht per traject")
    WEEKLY = "weekly", N_("Eén keer per week (maandag), in een overzicht per traject")
    OFF = "off", N_("Niet per e-mail (alleen in de app)")

    @property
    def is_digest(self) -> bool:
        return self in (Channel.DAILY, Channel.WEEKLY)


# Unless a person chose otherwise: new work by e-mail at once, since people do not open a
# workflow app to check whether something waits for them; reminders and answers, which are
# not new work, once a day.
DEFAULT_CHANNEL = {
    Kind.TASK: Channel.IMMEDIATE, Kind.REVIEW: Channel.IMMEDIATE, Kind.ACTION: Channel.IMMEDIATE,
    Kind.PLAN: Channel.IMMEDIATE, Kind.ANSWER: Channel.DAILY, Kind.OVERDUE: Channel.DAILY,
    Kind.EVALUATION: Channel.DAILY, Kind.WAITING: Channel.DAILY, Kind.OUTCOME: Channel.DAILY,
    Kind.REVISIT: Channel.DAILY, Kind.SUGGESTION: Channel.DAILY, Kind.REMEASURE: Channel.DAILY,
    Kind.ARCHIVE: Channel.WEEKLY, Kind.MENTION: Channel.IMMEDIATE,
    Kind.IDEA_NEW: Channel.DAILY, Kind.IDEA: Channel.DAILY,
}

# Defaults that differ by role. A specialist's work in a project is the review asked of
# them: that at once, the rest of the project's tasks (kick-offs, reading) in the daily
# digest. Whoever holds both a specialist and a team role gets the team role's defaults.
SPECIALIST_DEFAULTS = {Kind.TASK: Channel.DAILY, Kind.REVIEW: Channel.IMMEDIATE}


def default_channels(roles: set[Role]) -> dict[Kind, Channel]:
    """A person's channels before they chose, from the roles they hold in any project."""
    defaults = dict(DEFAULT_CHANNEL)
    if roles and all(role.is_specialist for role in roles):
        defaults.update(SPECIALIST_DEFAULTS)
    return defaults


class Reminder(StrEnum):
    """What a reminder is about; each belongs to one kind (the person's choice per kind)."""

    ACTION_OVERDUE = "action_overdue"
    EVALUATION_NEAR = "evaluation_near"
    EVALUATION_PASSED = "evaluation_passed"
    STEP_WAITING = "step_waiting"
    REVISIT_NEAR = "revisit_near"
    REVISIT_PASSED = "revisit_passed"
    REMEASURE_NEAR = "remeasure_near"
    REMEASURE_DUE = "remeasure_due"
    ARCHIVE_DUE = "archive_due"

    @property
    def kind(self) -> Kind:
        return REMINDER_KIND[self]

    @property
    def message(self) -> str:
        """With ``%(step)s``, ``%(title)s`` and ``%(days)s`` ("3 dagen")."""
        return REMINDER_MESSAGES[self]


REMINDER_KIND = {
    Reminder.ACTION_OVERDUE: Kind.OVERDUE, Reminder.EVALUATION_NEAR: Kind.EVALUATION,
    Reminder.EVALUATION_PASSED: Kind.EVALUATION, Reminder.STEP_WAITING: Kind.WAITING,
    Reminder.REVISIT_NEAR: Kind.REVISIT, Reminder.REVISIT_PASSED: Kind.REVISIT,
    Reminder.REMEASURE_NEAR: Kind.REMEASURE, Reminder.REMEASURE_DUE: Kind.REMEASURE,
    Reminder.ARCHIVE_DUE: Kind.ARCHIVE,
}

REMINDER_MESSAGES = {
    Reminder.ACTION_OVERDUE: N_("%(step)s: de einddatum van uw actie is %(days)s voorbij "
                                "(%(title)s). Werk de status bij of spreek een nieuwe datum af."),
    Reminder.EVALUATION_NEAR: N_("%(step)s: het evaluatiemoment is over %(days)s. Zorg dat de "
                                 "KPI's dan nagemeten zijn."),
    Reminder.EVALUATION_PASSED: N_("%(step)s: het evaluatiemoment is %(days)s voorbij en er "
                                   "zijn nog geen nametingen. Leg de resultaten vast."),
    Reminder.STEP_WAITING: N_("%(step)s wacht sinds %(days)s op u: %(title)s."),
    Reminder.REVISIT_NEAR: N_("Over %(days)s moet de procesbeschrijving van %(title)s herzien "
                              "zijn. Kijk met het team of het proces nog zo loopt."),
    Reminder.REVISIT_PASSED: N_("De datum om de procesbeschrijving van %(title)s te herzien "
                                "is %(days)s voorbij. Herzie het proces of kies een nieuwe "
                                "datum."),
    Reminder.REMEASURE_NEAR: N_("Over %(days)s is de nameting van %(title)s in de borging. "
                                "Zorg dat de gegevens dan klaarstaan."),
    Reminder.REMEASURE_DUE: N_("De nameting van %(title)s in de borging is sinds %(days)s aan "
                               "de beurt. Leg de gemeten waarde vast, of vraag de "
                               "proceseigenaar de nameting met reden te laten vervallen."),
    Reminder.ARCHIVE_DUE: N_("Het dossier van %(title)s is %(days)s over zijn archiefdatum. "
                             "Stel een vernietigingslijst op; wat moet blijven, haalt u er "
                             "met de reden af."),
}

# When the reminder to review a process description comes: once its review is "binnenkort".
REVISIT_NOTICE = timedelta(days=REVISIT_SOON_DAYS)
# When the reminder of a re-measurement comes (and again once it is due).
REMEASURE_NOTICE = timedelta(days=REMEASURE_NOTICE_DAYS)

class Outcome(StrEnum):
    """What became of someone's work (Kind.OUTCOME): the proposer of an improvement hears
    how it was decided and when it is done; a specialist hears that their "niet akkoord" was
    overruled, and why."""

    IN_PLAN = "in_plan"
    NOT_PURSUED = "not_pursued"
    MERGED = "merged"
    DONE = "done"
    OVERRULED = "overruled"
    MEASURED = "measured"  # the benefit it brought is recorded
    # What became of an idea from the idea box (Kind.IDEA), for its proposer and followers.
    IDEA_IN_PROJECT = "idea_project"
    IDEA_NEW_PROJECT = "idea_started"
    IDEA_MERGED = "idea_merged"
    IDEA_DECLINED = "idea_decline"
    IDEA_IN_PLAN = "idea_in_plan"
    IDEA_NOT_PURSUED = "idea_dropped"
    IDEA_DONE = "idea_done"

    @property
    def message(self) -> str:
        """With ``%(step)s``, ``%(title)s`` and ``%(detail)s`` (a reason, a motivation)."""
        return OUTCOME_MESSAGES[self]


OUTCOME_MESSAGES = {
    Outcome.IN_PLAN: N_("%(step)s: uw verbeteridee komt in het verbeterplan: %(title)s."),
    Outcome.NOT_PURSUED: N_("%(step)s: uw verbeteridee wordt niet opgepakt: %(title)s. De "
                            "reden: %(detail)s"),
    Outcome.MERGED: N_("%(step)s: uw verbeteridee is samengevoegd met een ander idee: "
                       "%(title)s."),
    Outcome.DONE: N_("%(step)s: uw verbeteridee is uitgevoerd: %(title)s."),
    Outcome.MEASURED: N_("%(step)s: van uw verbeteridee is gemeten wat het opleverde: "
                         "%(title)s (%(detail)s)."),
    Outcome.IDEA_IN_PROJECT: N_("Het idee „%(title)s” is opgenomen in het traject %(detail)s."),
    Outcome.IDEA_NEW_PROJECT: N_("Met het idee „%(title)s” is een nieuw traject gestart: "
                                 "%(detail)s."),
    Outcome.IDEA_MERGED: N_("Het idee „%(title)s” is samengevoegd met een idee dat erop "
                            "lijkt: %(detail)s. U volgt dat idee nu ook."),
    Outcome.IDEA_DECLINED: N_("Het idee „%(title)s” wordt niet opgepakt. De reden: "
                              "%(detail)s"),
    Outcome.IDEA_IN_PLAN: N_("Het idee „%(title)s” komt in het verbeterplan van het traject "
                             "%(detail)s."),
    Outcome.IDEA_NOT_PURSUED: N_("Het team van het traject %(detail)s pakt het idee "
                                 "„%(title)s” niet op."),
    Outcome.IDEA_DONE: N_("Het idee „%(title)s” is uitgevoerd in het traject %(detail)s."),
    Outcome.OVERRULED: N_("%(step)s: de proceseigenaar gaat door ondanks uw 'niet akkoord' "
                          "(%(title)s). De motivering: %(detail)s"),
}

# When the evaluation reminder comes: this long before the planned moment.
EVALUATION_NOTICE = timedelta(days=7)


class MailState(StrEnum):
    """Where a notification's e-mail stands (the inbox has it whatever this says)."""

    PENDING = "pending"  # to be sent at once (again, after a failure, from its retry time)
    SENDING = "sending"  # claimed by a delivery, until its lease ends
    DIGEST = "digest"  # waits for the person's daily or weekly digest
    SENT = "sent"
    FAILED = "failed"  # given up after the last retry
    NONE = "none"  # not to be e-mailed (the person's choice, no mail server, the past)

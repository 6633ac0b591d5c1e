"""The wasstraat method as data: the roles, the ten steps, their tasks, products and close rules.

This is the one place where the method is defined. Views, services, permissions, templates and
exports read from here; no step number or role key is repeated elsewhere. Pure Python: no Flask.

User-facing texts are Dutch (the source language of the interface) and marked with ``N_`` so
Babel extracts them; templates translate them at render time with ``_()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum, StrEnum

from .enums import LabelledEnum


def N_(text: str) -> str:
    """Mark a string for translation without translating it here (no Flask in this module)."""
    return text


class Role(StrEnum):
    SPONSOR = "sponsor"
    PROCESS_OWNER = "process_owner"
    PROJECT_LEADER = "project_leader"
    PROCESS_ADVISOR = "process_advisor"
    JOURNEY_COACH = "journey_coach"
    SUBJECT_EXPERT = "subject_expert"
    TEAM_MANAGER = "team_manager"
    PRIVACY_OFFICER = "privacy_officer"
    CISO = "ciso"
    IT_SPECIALIST = "it_specialist"
    LEGAL = "legal"
    APP_MANAGER = "app_manager"
    COMMUNICATION = "communication"

    @property
    def label(self) -> str:
        return ROLE_INFO[self].label

    @property
    def description(self) -> str:
        return ROLE_INFO[self].description

    @property
    def is_specialist(self) -> bool:
        return ROLE_INFO[self].specialist


class ProjectCreators(LabelledEnum):
    """Who may start a project (the organisation's segregation of duties, duties.py)."""

    EVERYONE = "everyone", N_("Iedere medewerker met een account")
    ADMINS = "admins", N_("Alleen beheerders")


class GateApprover(LabelledEnum):
    """Whose "go" a gated step needs before it closes (the organisation's choice, duties.py)."""

    SPONSOR = "sponsor", N_("De sponsor")
    PROCESS_OWNER = "owner", N_("De proceseigenaar")
    BOTH = "both", N_("De sponsor en de proceseigenaar, allebei")

    @property
    def roles(self) -> tuple[Role, ...]:
        return {GateApprover.SPONSOR: (Role.SPONSOR,),
                GateApprover.PROCESS_OWNER: (Role.PROCESS_OWNER,),
                GateApprover.BOTH: (Role.SPONSOR, Role.PROCESS_OWNER)}[self]


class PlanDecider(LabelledEnum):
    """Who decides on the improvement plan and the implementation plan (the organisation's
    choice, duties.py). When a board decides, the process owner's approval is its advice."""

    OWNER = "owner", N_("De proceseigenaar, onder mandaat")
    MANAGEMENT = "management", N_("Het directieteam")
    COLLEGE = "college", N_("Het college van burgemeester en wethouders")


class OrgFunction(LabelledEnum):
    """A task in the organisation beyond the projects, given to a person by an administrator."""

    ARCHIVIST = "archivist", N_("Archivaris")
    # Triages the organisation's idea box (ideas/): into a project, merged or declined.
    COORDINATOR = "coordinator", N_("Verbetercoördinator")


class ArchiveNomination(LabelledEnum):
    """What happens to a closed project's record at the end of its Selectielijst term."""

    DESTROY = "destroy", N_("Vernietigen")
    KEEP = "keep", N_("Bewaren (overbrengen naar het archief)")


class ZaakPart(LabelledEnum):
    """What the zaaksysteem (Open Zaak) receives of a project, each a job of its own
    (zaken/registration.py)."""

    ZAAK = "zaak", N_("De zaak")
    ROLES = "roles", N_("De proceseigenaar en de projectleider als rol")
    STATUS = "status", N_("Een status: een stap afgerond")
    DOCUMENT = "document", N_("Een document (PDF/A)")
    DECISION = "besluit", N_("Het besluit over het verbeterplan")
    RESULT = "resultaat", N_("Het resultaat")
    ARCHIVE_DATES = "archive", N_("De archiefdatum die Open Zaak afleidt")


class ZaakPartState(LabelledEnum):
    WAITING = "waiting", N_("Wacht op verzending")
    DONE = "done", N_("Geregistreerd")
    FAILED = "failed", N_("Mislukt")


class ZaakDocument(LabelledEnum):
    """The documents that go into the zaak, each with its own informatieobjecttype."""

    PLAN_FOR_REVIEW = "review", N_("Het verbeterplan ter toetsing")
    PLAN_FOR_DECISION = "final", N_("Het definitieve verbeterplan ter besluitvorming")
    PLAN = "plan", N_("Het goedgekeurde verbeterplan")
    IMPLEMENTATION = "implementation", N_("Het goedgekeurde implementatieplan")
    EVALUATION = "evaluation", N_("Het implementatieplan met de uitvoering en de evaluatie")
    A3 = "a3", N_("Het A3 van het afgeronde traject")

    @property
    def status(self) -> str:
        """The document's status in the Documenten API: a frozen version sent for review or
        decision is not yet final; what was approved, or closed the project, is."""
        return {"review": "in_bewerking", "final": "ter_vaststelling"}.get(self.value,
                                                                          "definitief")


# The roles the zaak names (rollen), each with the roltype an administrator chooses.
ZAAK_ROLES: tuple[Role, ...] = (Role.PROCESS_OWNER, Role.PROJECT_LEADER)


@dataclass(frozen=True)
class ZaakMoment:
    """What one moment of a project (an audit action) sends to the zaaksysteem, in order."""

    parts: tuple[ZaakPart, ...]
    documents: tuple[ZaakDocument, ...] = ()  # one for each DOCUMENT part, in order
    # Only when the change gives someone one of these roles (a team change).
    giving: tuple[Role, ...] = ()


# The zaak follows the project: it starts with the project, each closed (or skipped) step
# sets a status, an approval sends the signed document (and, for the improvement plan, the
# besluit), and the last step's closing sets the result before the end status, after which
# Open Zaak derives the archive dates. A moment not listed sends nothing.
ZAAK_MOMENTS: dict[str, ZaakMoment] = {
    "project.create": ZaakMoment((ZaakPart.ZAAK, ZaakPart.ROLES)),
    "team.add": ZaakMoment((ZaakPart.ROLES,), giving=ZAAK_ROLES),
    "team.roles": ZaakMoment((ZaakPart.ROLES,), giving=ZAAK_ROLES),
    "step.close": ZaakMoment((ZaakPart.STATUS,)),
    "step.skip": ZaakMoment((ZaakPart.STATUS,)),  # the zaak passes the step's status too
    # A version frozen for the specialists' review, or as final for the decision.
    "plan.send": ZaakMoment((ZaakPart.DOCUMENT,), (ZaakDocument.PLAN_FOR_REVIEW,)),
    "plan.final": ZaakMoment((ZaakPart.DOCUMENT,), (ZaakDocument.PLAN_FOR_DECISION,)),
    "plan.approve": ZaakMoment((ZaakPart.DOCUMENT, ZaakPart.DECISION), (ZaakDocument.PLAN,)),
    "implementation.approve": ZaakMoment((ZaakPart.DOCUMENT,), (ZaakDocument.IMPLEMENTATION,)),
}
# Closing the last step closes the zaak: the implementation plan with its evaluation and the
# A3, the result, the end status, then the dates Open Zaak derives.
ZAAK_CLOSING = ZaakMoment((ZaakPart.DOCUMENT, ZaakPart.DOCUMENT, ZaakPart.RESULT,
                           ZaakPart.STATUS, ZaakPart.ARCHIVE_DATES),
                          (ZaakDocument.EVALUATION, ZaakDocument.A3))


class DestructionState(LabelledEnum):
    """A destruction list: drawn up, then approved by the archivist (and carried out)."""

    PROPOSED = "proposed", N_("Ter beoordeling bij de archivaris")
    DESTROYED = "destroyed", N_("Goedgekeurd en vernietigd")


class PlanKind(LabelledEnum):
    """The two plans a board decides on."""

    IMPROVEMENT = "improvement", N_("Het verbeterplan")
    IMPLEMENTATION = "implementation", N_("Het implementatieplan")


class BoardOutcome(LabelledEnum):
    """What a board decided on a plan, as its minutes say."""

    ADOPTED = "adopted", N_("Vastgesteld")
    AMENDED = "amended", N_("Gewijzigd vastgesteld")
    REJECTED = "rejected", N_("Niet vastgesteld")


class GateVerdict(LabelledEnum):
    """A decision at a step's gate: the step may close, or its work goes back to the team."""

    GO = "go", N_("Go: de stap mag worden afgerond")
    NO_GO = "no_go", N_("No-go: eerst bijstellen")


class Health(LabelledEnum):
    """How a project stands against its planned step dates (projects.planning), in words."""

    ON_TRACK = "on_track", N_("Op schema")
    AT_RISK = "at_risk", N_("Risico")
    BEHIND = "behind", N_("Achter")
    UNPLANNED = "unplanned", N_("Geen planning")


class OwnerAppointer(LabelledEnum):
    """Who appoints a project's process owner (duties.py)."""

    LEADER = "leader", N_("De projectleider (niet zichzelf)")
    ADMINS = "admins", N_("Alleen een beheerder")


@dataclass(frozen=True)
class RoleInfo:
    label: str
    description: str
    specialist: bool = False


ROLE_INFO: dict[Role, RoleInfo] = {
    Role.SPONSOR: RoleInfo(
        N_("Sponsor"),
        N_("Ambassadeur richting directie en bestuur; volgt de voortgang en geeft steun."),
    ),
    Role.PROCESS_OWNER: RoleInfo(
        N_("Proceseigenaar"),
        N_(
            "Geeft de opdracht, stemt de KPI's af, keurt het verbeterplan goed, prioriteert en "
            "bezit het implementatieplan; verantwoordelijk voor stap 10."
        ),
    ),
    Role.PROJECT_LEADER: RoleInfo(
        N_("Projectleider"),
        N_("Begeleidt het traject, zet de stappen door en organiseert de sessies."),
    ),
    Role.PROCESS_ADVISOR: RoleInfo(
        N_("Procesadviseur (LEAN)"),
        N_(
            "Begeleidt het in kaart brengen van het huidige en gewenste proces; bewaakt de "
            "kwaliteit."
        ),
    ),
    Role.JOURNEY_COACH: RoleInfo(
        N_("Klantreiscoach"),
        N_("Voert de klantreis uit met inwoners en spreekt namens hen."),
    ),
    Role.SUBJECT_EXPERT: RoleInfo(
        N_("Vakinhoudelijk medewerker"),
        N_("Werkt in het proces; brengt praktijkkennis en verbeteringen in."),
    ),
    Role.TEAM_MANAGER: RoleInfo(
        N_("Teammanager"),
        N_("Maakt capaciteit vrij en voert de implementatie mee uit voor het eigen team."),
    ),
    Role.PRIVACY_OFFICER: RoleInfo(
        N_("Privacy officer"), N_("Toetst het verbeterplan aan de AVG."), specialist=True
    ),
    Role.CISO: RoleInfo(N_("CISO"), N_("Toetst de informatiebeveiliging."), specialist=True),
    Role.IT_SPECIALIST: RoleInfo(
        N_("Specialist IV / ICT"),
        N_("Toetst de technische haalbaarheid, ICT-kosten en doorlooptijd."),
        specialist=True,
    ),
    Role.LEGAL: RoleInfo(
        N_("Jurist (JZ)"), N_("Toetst de juridische haalbaarheid."), specialist=True
    ),
    Role.APP_MANAGER: RoleInfo(
        N_("Applicatiebeheerder"), N_("Toetst de impact op applicaties."), specialist=True
    ),
    Role.COMMUNICATION: RoleInfo(
        N_("Communicatieadviseur"),
        N_("Toetst documentatie en communicatie, en de huisstijl."),
        specialist=True,
    ),
}

# The kinds of waste the Lean practice in municipalities names, to tag activities with.
WASTES: dict[str, str] = {
    "waiting": N_("Wachten"),
    "handover": N_("Onnodige stappen en overdrachten"),
    "rework": N_("Herstelwerk"),
    "overprocessing": N_("Overbewerking"),
    "unused_knowledge": N_("Onbenutte kennis"),
    "searching": N_("Zoeken"),
}

# Process types from the context material: primary, management (sturend), supporting.
PROCESS_TYPES: dict[str, str] = {
    "primary": N_("Primair proces"),
    "management": N_("Sturend proces"),
    "supporting": N_("Ondersteunend proces"),
}

class Direction(LabelledEnum):
    HIGHER = "higher", N_("Hoger is beter")
    LOWER = "lower", N_("Lager is beter")


@dataclass(frozen=True)
class KpiExample:
    """A typical KPI offered as a starting point in step 2."""

    key: str
    name: str
    definition: str
    unit: str
    direction: Direction


KPI_EXAMPLES: tuple[KpiExample, ...] = (
    KpiExample("lead_time", N_("Doorlooptijd"),
               N_("Aantal kalenderdagen van ontvangst van de aanvraag tot het besluit, "
                  "gemiddeld over alle aanvragen in de meetperiode."),
               N_("dagen"), Direction.LOWER),
    KpiExample("first_time_right", N_("First time right"),
               N_("Percentage aanvragen dat in één keer goed wordt afgehandeld, zonder "
                  "aanvulling, herstel of terugbellen."),
               "%", Direction.HIGHER),
    KpiExample("satisfaction", N_("Klanttevredenheid"),
               N_("Gemiddeld rapportcijfer (1 tot 10) uit de korte enquête na afhandeling."),
               N_("cijfer"), Direction.HIGHER),
    KpiExample("contact_moments", N_("Aantal contactmomenten"),
               N_("Gemiddeld aantal keren dat de inwoner contact opneemt (telefoon, e-mail, "
                  "balie) per aanvraag."),
               N_("contacten"), Direction.LOWER),
)

@dataclass(frozen=True)
class MarketingP:
    """One of the six P's of a service formula, filled in as promise and internal agreement."""

    key: str
    label: str
    explanation: str


SERVICE_PS: tuple[MarketingP, ...] = (
    MarketingP("product", N_("Product"), N_("Welk product of welke dienst wordt geleverd.")),
    MarketingP("price", N_("Prijs"), N_("De kostprijs en de prijs die de inwoner betaalt.")),
    MarketingP("place", N_("Plaats"), N_("Het kanaal waar het wordt geleverd: internet, balie, "
                                         "telefoon.")),
    MarketingP("people", N_("Personeel"), N_("De houding en het gedrag die van medewerkers "
                                             "worden verwacht.")),
    MarketingP("process", N_("Proces"), N_("Hoe het proces is ingericht.")),
    MarketingP("promotion", N_("Promotie"), N_("Hoe informatie erover wordt gegeven.")),
)


EXPERIENCE_SCORES: dict[int, str] = {
    -2: N_("heel negatief"), -1: N_("negatief"), 0: N_("neutraal"), 1: N_("positief"),
    2: N_("heel positief"),
}


class FormulaMatch(LabelledEnum):
    MATCHES = "matches", N_("Komt overeen")
    PARTLY = "partly", N_("Komt deels overeen")
    DIFFERS = "differs", N_("Wijkt af")

    @property
    def invites_improvement(self) -> bool:
        return self is not FormulaMatch.MATCHES


SPECIALIST_ROLES: tuple[Role, ...] = tuple(r for r in Role if r.is_specialist)


class StepStatus(LabelledEnum):
    NOT_STARTED = "not_started", N_("Niet gestart")
    IN_PROGRESS = "in_progress", N_("Bezig")
    DONE = "done", N_("Afgerond")
    SKIPPED = "skipped", N_("Overgeslagen")

    @property
    def is_finished(self) -> bool:
        return self in (StepStatus.DONE, StepStatus.SKIPPED)


class Step(IntEnum):
    TEAM = 1
    KPIS = 2
    PROCESS = 3
    JOURNEY = 4
    SERVICE_FORMULA = 5
    IMPROVEMENT_PLAN = 6
    REVIEW = 7
    ADJUST = 8
    IMPLEMENTATION_PLAN = 9
    EXECUTION = 10

    @property
    def definition(self) -> StepDefinition:
        return STEPS[self]


@dataclass(frozen=True)
class TaskTemplate:
    """A task every member holding ``role`` gets when the step (or its part) opens.

    ``done_when`` names the condition (see ``TASK_CONDITIONS``) that finishes the task: it is
    done while the condition holds and open again when it stops holding. Without one the
    holder ticks it by hand. ``work`` is the page where the work is done (an endpoint taking
    ``project_id``, with an optional ``#fragment``); the task links there.
    """

    key: str
    role: Role
    title: str
    description: str = ""
    part: str | None = None
    done_when: str | None = None
    work: str | None = None


class Pending(str):
    """One thing a step still waits for: the sentence the gate gives, with the roles that
    lift it and the page where they do (an endpoint taking ``project_id``, "step" for the
    step's own page, with an optional ``#fragment``, as in ``TaskTemplate.work``). A string,
    so that whoever shows the gate's sentences reads it as one; "Wat nu?" reads the rest."""

    roles: tuple[Role, ...]
    page: str
    subject: str  # the product it is about, when the sentence names it ("" otherwise)
    detail: str  # the sentence without the product's title before it

    def __new__(cls, text: str, roles: tuple[Role, ...], page: str, subject: str = "",
                detail: str | None = None) -> Pending:
        pending = super().__new__(cls, text)
        pending.roles, pending.page = roles, page
        pending.subject, pending.detail = subject, text if detail is None else detail
        return pending

    def __reduce__(self):  # a str subclass with attributes: keep them when copied
        return Pending, (str(self), self.roles, self.page, self.subject, self.detail)


def pending(problem: str, roles: tuple[Role, ...], page: str, subject: str) -> Pending:
    """The problem with the product's title before it, as a Pending: its own roles and page
    when the rule knew them, else the product's."""
    if isinstance(problem, Pending):
        roles, page = problem.roles, problem.page
    return Pending(f"{subject}: {problem}", roles, page, subject, str(problem))


@dataclass(frozen=True)
class Variant:
    """One accepted way to deliver a product (the method allows lighter alternatives)."""

    key: str
    label: str


@dataclass(frozen=True)
class Product:
    """Something a step must deliver.

    Either the ``confirmed_by`` roles confirm by hand that it exists, or, when ``evidence``
    names a rule, the app checks the project's data (the rules live in ``gates.py``)
    and ``confirmed_by`` are the roles that produce that evidence.
    """

    key: str
    title: str
    confirmed_by: tuple[Role, ...]
    part: str | None = None
    variants: tuple[Variant, ...] = ()
    evidence: str | None = None


@dataclass(frozen=True)
class Part:
    """A session within a step: step 3 has 3a (mapping) and 3b (check)."""

    code: str
    name: str
    actors: tuple[Role, ...]


@dataclass(frozen=True)
class StepDefinition:
    number: Step
    name: str
    goal: str
    actors: tuple[Role, ...]
    tasks: tuple[TaskTemplate, ...]
    products: tuple[Product, ...]
    close_rule: str
    closers: tuple[Role, ...] = (Role.PROJECT_LEADER,)
    parts: tuple[Part, ...] = ()
    # Steps that must be finished (done or skipped) before this one may start; None: all earlier.
    requires: tuple[Step, ...] | None = None
    skippable: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    # What the closer must finish or end with a reason before the step closes (closing.py):
    # its open tasks always; step 10 also its actions not done.
    loose_ends: tuple[str, ...] = ("tasks",)

    @property
    def prerequisites(self) -> tuple[Step, ...]:
        if self.requires is not None:
            return self.requires
        return tuple(s for s in Step if s < self.number)

    def product(self, key: str) -> Product | None:
        return next((p for p in self.products if p.key == key), None)

    def part(self, code: str | None) -> Part | None:
        return next((p for p in self.parts if p.code == code), None)


# Who moves steps: the project leader starts, closes, skips and reopens every step; the process
# owner may also close steps 9 and 10, for which they are responsible.
STEP_MOVERS: tuple[Role, ...] = (Role.PROJECT_LEADER,)

R = Role
STEPS: dict[Step, StepDefinition] = {
    Step.TEAM: StepDefinition(
        number=Step.TEAM,
        name=N_("Samenstellen projectgroep"),
        goal=N_(
            "Een projectgroep met duidelijke rollen, en een kick-off zodat iedereen dezelfde "
            "kant op kijkt."
        ),
        actors=(R.SPONSOR, R.PROCESS_OWNER, R.SUBJECT_EXPERT, R.PROJECT_LEADER, R.JOURNEY_COACH,
                R.PROCESS_ADVISOR),
        tasks=(
            TaskTemplate("team.compose", R.PROJECT_LEADER,
                         N_("Projectgroep samenstellen en rollen verdelen"),
                         N_("Nodig de sponsor, proceseigenaar, vakinhoudelijk medewerkers, "
                            "procesadviseur en klantreiscoach uit."),
                         done_when="confirmed:team", work="projects.team"),
            TaskTemplate("team.kickoff", R.PROJECT_LEADER, N_("Kick-off organiseren"),
                         done_when="confirmed:kickoff", work="step#product-kickoff"),
            TaskTemplate("team.assignment", R.PROCESS_OWNER,
                         N_("Opdracht en scope van het traject formuleren"),
                         done_when="assignment_written", work="projects.edit"),
            TaskTemplate("team.advocate", R.SPONSOR,
                         N_("Het traject uitdragen richting directie en bestuur")),
            TaskTemplate("team.kickoff_expert", R.SUBJECT_EXPERT, N_("Kick-off bijwonen"),
                         done_when="confirmed:kickoff", work="sessions.index"),
            TaskTemplate("team.kickoff_advisor", R.PROCESS_ADVISOR, N_("Kick-off bijwonen"),
                         done_when="confirmed:kickoff", work="sessions.index"),
            TaskTemplate("team.kickoff_coach", R.JOURNEY_COACH, N_("Kick-off bijwonen"),
                         done_when="confirmed:kickoff", work="sessions.index"),
        ),
        products=(
            Product("team", N_("Projectgroep met rollen"), (R.PROJECT_LEADER,)),
            Product("kickoff", N_("Kick-off gehouden"), (R.PROJECT_LEADER,)),
        ),
        close_rule=N_("De projectleider bevestigt dat de projectgroep staat en de kick-off is "
                      "gehouden."),
    ),
    Step.KPIS: StepDefinition(
        number=Step.KPIS,
        name=N_("KPI's bepalen"),
        goal=N_("Meten is weten: KPI's met definitie, eenheid, nulmeting en streefwaarde."),
        actors=(R.PROCESS_OWNER, R.PROJECT_LEADER, R.PROCESS_ADVISOR),
        tasks=(
            TaskTemplate("kpis.propose", R.PROCESS_ADVISOR,
                         N_("KPI's voorstellen met definitie en eenheid"),
                         done_when="kpis_proposed", work="kpis.index#register-heading"),
            TaskTemplate("kpis.baseline", R.PROJECT_LEADER, N_("Nulmeting laten uitvoeren"),
                         done_when="baselines_measured", work="kpis.index#register-heading"),
            TaskTemplate("kpis.agree", R.PROCESS_OWNER, N_("KPI-set en streefwaarden vaststellen"),
                         done_when="kpi_set_agreed", work="kpis.index#agreement-heading"),
        ),
        products=(
            Product("kpis", N_("KPI's met nulmeting en streefwaarde, vastgesteld door de "
                               "proceseigenaar"), (R.PROCESS_OWNER,), evidence="kpi_set_agreed"),
        ),
        close_rule=N_("Er is minstens één KPI met nulmeting en streefwaarde, en de "
                      "proceseigenaar heeft de KPI-set zoals die nu is vastgesteld."),
    ),
    Step.PROCESS: StepDefinition(
        number=Step.PROCESS,
        name=N_("Proces in kaart brengen"),
        goal=N_(
            "Het huidige proces in kaart gebracht (3a) en gecontroleerd op volledigheid en "
            "juistheid (3b). Verbeterideeën worden genoteerd voor later."
        ),
        actors=(R.SUBJECT_EXPERT, R.PROCESS_ADVISOR, R.PROCESS_OWNER, R.PROJECT_LEADER),
        parts=(
            Part("3a", N_("Sessie 3a: huidig proces in kaart brengen"),
                 (R.SUBJECT_EXPERT, R.PROCESS_ADVISOR)),
            Part("3b", N_("Sessie 3b: controle op volledigheid en juistheid"),
                 (R.PROCESS_OWNER, R.SUBJECT_EXPERT, R.PROJECT_LEADER, R.PROCESS_ADVISOR)),
        ),
        tasks=(
            TaskTemplate("process.map", R.PROCESS_ADVISOR,
                         N_("Sessie 3a begeleiden: huidig proces in kaart"), part="3a",
                         done_when="process_mapped", work="process.index#steps-heading"),
            TaskTemplate("process.map_expert", R.SUBJECT_EXPERT,
                         N_("Deelnemen aan sessie 3a en praktijkkennis inbrengen"), part="3a",
                         done_when="process_mapped", work="process.index#steps-heading"),
            TaskTemplate("process.plan_check", R.PROJECT_LEADER,
                         N_("Sessie 3b plannen (of samenvoegen met 3a / online check)"),
                         part="3b", done_when="check_arranged", work="sessions.index"),
            TaskTemplate("process.check_owner", R.PROCESS_OWNER,
                         N_("Proceskaart controleren op volledigheid en juistheid"), part="3b",
                         done_when="checked_by_assignee", work="process.index#check-heading"),
            TaskTemplate("process.check_expert", R.SUBJECT_EXPERT,
                         N_("Proceskaart controleren"), part="3b",
                         done_when="checked_by_assignee", work="process.index#check-heading"),
            TaskTemplate("process.finish", R.PROCESS_ADVISOR,
                         N_("Correcties verwerken en proceskaart afronden"), part="3b",
                         done_when="confirmed:process_checked",
                         work="step#product-process_checked"),
        ),
        products=(
            Product("current_process", N_("Huidig proces in kaart gebracht"),
                    (R.PROCESS_ADVISOR, R.SUBJECT_EXPERT), part="3a",
                    evidence="process_mapped"),
            Product("process_checked", N_("Proceskaart gecontroleerd"), (R.PROCESS_ADVISOR,),
                    part="3b",
                    variants=(
                        Variant("session", N_("In een aparte sessie 3b")),
                        Variant("merged", N_("Samengevoegd met sessie 3a (eenvoudig proces)")),
                        Variant("online", N_("Als online check")),
                    )),
        ),
        close_rule=N_("De procesadviseur bevestigt dat het proces in kaart is gebracht en "
                      "gecontroleerd (in sessie 3b, samengevoegd met 3a of online)."),
    ),
    Step.JOURNEY: StepDefinition(
        number=Step.JOURNEY,
        name=N_("Klantreis"),
        goal=N_(
            "De klantreis vanuit de inwoner: fasen, contactmomenten, beleving, pijnpunten en de "
            "ideale reis."
        ),
        actors=(R.JOURNEY_COACH, R.SUBJECT_EXPERT),
        requires=(Step.TEAM,),
        skippable=True,
        tasks=(
            TaskTemplate("journey.record", R.JOURNEY_COACH, N_("Klantreis uitvoeren en vastleggen"),
                         N_("Met eigen interviews, bestaande klantfeedback of een klantreis "
                            "van een andere gemeente."),
                         done_when="journey_recorded", work="journey.index"),
            TaskTemplate("journey.contribute", R.SUBJECT_EXPERT,
                         N_("Meedenken over de klantreis en pijnpunten"),
                         done_when="journey_recorded", work="journey.index"),
        ),
        products=(
            Product("journey", N_("Klantreis met fasen, beleving en pijnpunten"),
                    (R.JOURNEY_COACH, R.SUBJECT_EXPERT), evidence="journey_recorded"),
        ),
        close_rule=N_("De bron van de klantreis is vastgelegd en er is minstens één fase met "
                      "de beleving van de inwoner."),
        extra={"parallel": N_("Deze stap mag vóór of naast stap 2 en 3 lopen.")},
    ),
    Step.SERVICE_FORMULA: StepDefinition(
        number=Step.SERVICE_FORMULA,
        name=N_("Koppeling serviceformule"),
        goal=N_(
            "Bij welke serviceformule het product hoort, en per P hoe het huidige proces "
            "daarmee overeenkomt of verschilt."
        ),
        actors=(R.SUBJECT_EXPERT, R.PROJECT_LEADER, R.PROCESS_OWNER, R.JOURNEY_COACH),
        skippable=True,
        tasks=(
            TaskTemplate("formula.choose", R.PROJECT_LEADER,
                         N_("Serviceformule kiezen en sessie organiseren"),
                         done_when="formula_chosen", work="formulas.index"),
            TaskTemplate("formula.compare", R.SUBJECT_EXPERT,
                         N_("Per P het huidige proces vergelijken met de formule"),
                         done_when="formula_compared", work="formulas.index"),
            TaskTemplate("formula.confirm", R.PROCESS_OWNER,
                         N_("Keuze van de serviceformule bevestigen"), work="formulas.index"),
            TaskTemplate("formula.journey_input", R.JOURNEY_COACH,
                         N_("Inbreng vanuit de klantreis geven"), work="formulas.index"),
        ),
        products=(
            Product("formula_comparison", N_("Serviceformule gekozen en per P vergeleken"),
                    (R.PROJECT_LEADER, R.SUBJECT_EXPERT), evidence="formula_compared"),
        ),
        close_rule=N_("Er is een serviceformule gekozen en voor elk van de zes P's is de "
                      "huidige praktijk vergeleken met de formule."),
    ),
    Step.IMPROVEMENT_PLAN: StepDefinition(
        number=Step.IMPROVEMENT_PLAN,
        name=N_("Verbeterplan opstellen"),
        goal=N_(
            "Alle verbeteringen uit stap 2 tot en met 5 bij elkaar; kiezen welke worden "
            "opgepakt, gesplitst in quick wins en lange termijn."
        ),
        actors=(R.JOURNEY_COACH, R.PROCESS_ADVISOR, R.PROJECT_LEADER, R.PROCESS_OWNER),
        tasks=(
            TaskTemplate("plan.draft", R.PROJECT_LEADER, N_("Verbeterplan opstellen"),
                         done_when="plan_sent_for_review", work="plans.index#state-heading"),
            TaskTemplate("plan.sort", R.PROCESS_ADVISOR,
                         N_("Verbeteringen ordenen in quick wins en lange termijn"),
                         done_when="improvements_decided", work="plans.index#board"),
            TaskTemplate("plan.journey_input", R.JOURNEY_COACH,
                         N_("Verbeteringen vanuit de klantreis inbrengen"),
                         work="improvements.index"),
            TaskTemplate("plan.owner_input", R.PROCESS_OWNER,
                         N_("Meedenken over de keuze van verbeteringen"), work="plans.index#board"),
        ),
        products=(
            Product("improvement_plan", N_("Verbeterplan met quick wins en lange termijn, "
                                           "verstuurd voor toetsing"),
                    (R.PROJECT_LEADER,), evidence="plan_sent_for_review"),
        ),
        close_rule=N_("Over elke verbetering is besloten, elke verbetering in het plan heeft "
                      "een horizon, en het plan is als versie verstuurd voor toetsing."),
    ),
    Step.REVIEW: StepDefinition(
        number=Step.REVIEW,
        name=N_("Toetsen verbeterplan"),
        goal=N_(
            "Elke specialist toetst het verbeterplan op kwaliteit en (technische en juridische) "
            "haalbaarheid en geeft een oordeel."
        ),
        actors=(R.PRIVACY_OFFICER, R.CISO, R.IT_SPECIALIST, R.LEGAL, R.APP_MANAGER,
                R.COMMUNICATION, R.PROJECT_LEADER),
        # The specialists' tasks come from the review domains the project leader chooses
        # (see REVIEW_DOMAINS), not from the step: not every plan needs every specialist.
        tasks=(
            TaskTemplate("review.organise", R.PROJECT_LEADER,
                         N_("Toetsing organiseren en resultaten verzamelen"),
                         N_("Kies welke specialisten het plan toetsen en open de toetsing."),
                         done_when="reviews_signed", work="reviews.index"),
        ),
        products=(
            Product("reviews", N_("Toetsresultaten van de specialisten"),
                    SPECIALIST_ROLES,
                    evidence="reviews_signed"),
        ),
        close_rule=N_("Elke gekozen specialist heeft de verstuurde versie getoetst en "
                      "ondertekend."),
    ),
    Step.ADJUST: StepDefinition(
        number=Step.ADJUST,
        name=N_("Bijstellen proces en verbeterplan"),
        goal=N_(
            "De feedback uit de toetsing verwerkt; het verbeterplan definitief en voorgelegd "
            "aan de proceseigenaar en teammanagers."
        ),
        actors=(R.PROJECT_LEADER, R.PROCESS_ADVISOR, R.SUBJECT_EXPERT, R.TEAM_MANAGER,
                R.PROCESS_OWNER),
        # Team managers get their task when the plan is made final (there is then something
        # to read); the process owner's approval task is here from the start.
        tasks=(
            TaskTemplate("adjust.respond", R.PROJECT_LEADER,
                         N_("Toetsbevindingen verwerken in het verbeterplan"),
                         N_("Geef op elke bevinding en voorwaarde een reactie en maak het plan "
                            "definitief."),
                         done_when="plan_made_final", work="reviews.index#responses"),
            TaskTemplate("adjust.process", R.PROCESS_ADVISOR, N_("Gewenst proces bijstellen"),
                         done_when="desired_process_recorded", work="process.desired"),
            TaskTemplate("adjust.expert_input", R.SUBJECT_EXPERT,
                         N_("Meedenken over de bijstellingen"), work="plans.index#board"),
            TaskTemplate("adjust.approve", R.PROCESS_OWNER,
                         N_("Definitief verbeterplan goedkeuren"),
                         done_when="final_plan_approved", work="plans.latest"),
        ),
        products=(
            Product("final_plan", N_("Definitief verbeterplan, goedgekeurd door de "
                                     "proceseigenaar"), (R.PROCESS_OWNER,),
                    evidence="final_plan_approved"),
        ),
        close_rule=N_("Elke bevinding en voorwaarde heeft een reactie, het plan is definitief "
                      "gemaakt en de proceseigenaar heeft het goedgekeurd."),
    ),
    Step.IMPLEMENTATION_PLAN: StepDefinition(
        number=Step.IMPLEMENTATION_PLAN,
        name=N_("Implementatieplan opstellen"),
        goal=N_(
            "De proceseigenaar besluit welke verbeteringen worden overgenomen en in welke "
            "volgorde (prioriteiten en planning)."
        ),
        # Team managers bring in their team's capacity; the process owner decides.
        actors=(R.PROCESS_OWNER, R.PROJECT_LEADER, R.PROCESS_ADVISOR, R.TEAM_MANAGER),
        closers=(R.PROJECT_LEADER, R.PROCESS_OWNER),
        tasks=(
            TaskTemplate("implementation.decide", R.PROCESS_OWNER,
                         N_("Verbeteringen prioriteren en implementatieplan vaststellen"),
                         done_when="implementation_plan_approved",
                         work="implementation.index"),
            # The others propose; the process owner decides (and sees their contributions).
            TaskTemplate("implementation.planning", R.PROJECT_LEADER,
                         N_("Voorstel voor de planning van de implementatie geven"),
                         done_when="contributed", work="implementation.index#contributions"),
            TaskTemplate("implementation.dependencies", R.PROCESS_ADVISOR,
                         N_("Afhankelijkheden tussen verbeteringen aangeven"),
                         done_when="contributed", work="implementation.index#contributions"),
            TaskTemplate("implementation.capacity", R.TEAM_MANAGER,
                         N_("Capaciteit en aanpak voor het eigen team inbrengen"),
                         done_when="contributed", work="implementation.index#contributions"),
        ),
        products=(
            Product("implementation_plan", N_("Implementatieplan met prioriteiten en planning, "
                                              "vastgesteld door de proceseigenaar"),
                    (R.PROCESS_OWNER,), evidence="implementation_plan_approved"),
        ),
        close_rule=N_("Over elke verbetering uit het definitieve plan is besloten en de "
                      "proceseigenaar heeft het implementatieplan zoals het nu is vastgesteld."),
    ),
    Step.EXECUTION: StepDefinition(
        number=Step.EXECUTION,
        name=N_("Uitvoeren implementatieplan"),
        goal=N_(
            "De verbeteringen uitgevoerd, medewerkers getraind, documentatie en proces "
            "bijgewerkt; een evaluatiemoment gepland zodat de leercirkel sluit."
        ),
        actors=(R.PROJECT_LEADER, R.SUBJECT_EXPERT, R.TEAM_MANAGER, R.PROCESS_OWNER),
        # The process owner closes step 10 and with it the project.
        closers=(R.PROCESS_OWNER,),
        tasks=(
            TaskTemplate("execution.monitor", R.PROJECT_LEADER,
                         N_("Uitvoering van het implementatieplan bewaken"),
                         done_when="actions_done", work="implementation.index#execution-heading"),
            # The chores that keep the change (borgen): each done when its product is
            # confirmed, so closing never has to guess whether they happened.
            TaskTemplate("execution.training", R.TEAM_MANAGER,
                         N_("Medewerkers trainen in het nieuwe proces"),
                         done_when="confirmed:trained", work="step#product-trained"),
            TaskTemplate("execution.documentation", R.SUBJECT_EXPERT,
                         N_("Werkinstructies en procesbeschrijving bijwerken"),
                         done_when="confirmed:documented", work="step#product-documented"),
            TaskTemplate("execution.communication", R.PROJECT_LEADER,
                         N_("De verandering communiceren"),
                         done_when="confirmed:communicated", work="step#product-communicated"),
            TaskTemplate("execution.evaluation", R.PROCESS_OWNER,
                         N_("Evaluatiemoment plannen en KPI's nameten"),
                         done_when="evaluation_planned", work="implementation.evaluation"),
        ),
        products=(
            Product("executed", N_("Verbeteringen uitgevoerd"), (R.PROJECT_LEADER,)),
            Product("trained", N_("Medewerkers getraind in het nieuwe proces"),
                    (R.TEAM_MANAGER, R.PROJECT_LEADER), variants=(
                        Variant("training", N_("Training of werkinstructie gegeven")),
                        Variant("meeting", N_("Besproken in het werkoverleg")),
                        Variant("not_needed", N_("Niet nodig: het werk van medewerkers "
                                                 "verandert niet")))),
            Product("documented", N_("Werkinstructies en procesbeschrijving bijgewerkt"),
                    (R.SUBJECT_EXPERT, R.PROJECT_LEADER)),
            Product("communicated", N_("De verandering gecommuniceerd"), (R.PROJECT_LEADER,),
                    variants=(
                        Variant("internal", N_("Binnen de organisatie")),
                        Variant("internal_and_residents", N_("Binnen de organisatie en aan "
                                                             "inwoners of klanten")))),
            Product("evaluation", N_("Evaluatiemoment gepland"), (R.PROCESS_OWNER,),
                    evidence="evaluation_planned"),
        ),
        close_rule=N_("De uitvoering is bevestigd en er is een evaluatiemoment gepland (datum "
                      "en wie). De proceseigenaar sluit de stap en daarmee het traject."),
        loose_ends=("tasks", "actions"),
    ),
}
del R

# Where a customer journey comes from; the lighter sources save the time interviews take.
JOURNEY_SOURCES: tuple[Variant, ...] = (
    Variant("interviews", N_("Eigen interviews met inwoners")),
    Variant("feedback", N_("Bestaande klantfeedback")),
    Variant("other_municipality", N_("Klantreis van een andere gemeente (VNG-klantreizen)")),
)


# --- Steps 6 to 8: the improvement plan and its review -------------------------------------

class Horizon(LabelledEnum):
    QUICK_WIN = "quick_win", N_("Quick win")
    LONG_TERM = "long_term", N_("Lange termijn")


class Decision(LabelledEnum):
    """What the team decided about an improvement in step 6."""

    OPEN = "open", N_("Nog niet besloten")
    IN_PLAN = "in_plan", N_("In het plan")
    NOT_PURSUED = "not_pursued", N_("Niet opgepakt")
    MERGED = "merged", N_("Samengevoegd")


# Impact and effort are scored 1 to 5; the words make the scale the same for everyone.
SCORE_SCALE: dict[int, str] = {
    1: N_("heel klein"), 2: N_("klein"), 3: N_("gemiddeld"), 4: N_("groot"), 5: N_("heel groot"),
}


@dataclass(frozen=True)
class PlanSection:
    key: str
    title: str
    hint: str
    # Added after plans were first frozen: a frozen version holds the text only when written,
    # so versions frozen before the section existed keep their fingerprint.
    optional: bool = False
    # What a board reads before deciding: the plan is not sent for review or made final
    # without it (plans.send_blockers).
    for_board: bool = False
    # The heading in the documents, where the board's Dutch differs from the team's term.
    document_title: str | None = None


PLAN_SECTIONS: tuple[PlanSection, ...] = (
    PlanSection("context", N_("Aanleiding en opdracht"),
                N_("Waarom dit traject, wat de proceseigenaar vroeg en welke KPI's tellen."),
                for_board=True),
    PlanSection("scope", N_("Doel en afbakening"),
                N_("Wat het traject moet opleveren, en wat er wel en niet onder valt."),
                optional=True, for_board=True),
    PlanSection("findings", N_("Bevindingen"),
                N_("Wat opviel in het huidige proces, de klantreis en de vergelijking met de "
                   "serviceformule.")),
    PlanSection("quick_wins", N_("Quick wins"),
                N_("De verbeteringen die snel en met weinig moeite resultaat geven."),
                document_title="Snelle verbeteringen"),
    PlanSection("long_term", N_("Lange termijn"),
                N_("De verbeteringen die meer tijd, geld of voorbereiding vragen.")),
    PlanSection("funding", N_("Dekking van de kosten"),
                N_("Uit welk budget of welke begrotingspost de kosten komen, of welke "
                   "begrotingswijziging nodig is; structurele kosten vanaf welk jaar."),
                optional=True),
    PlanSection("risks", N_("Risico's en randvoorwaarden"),
                N_("Wat de uitvoering kan tegenhouden, en wat ervoor nodig is."), optional=True,
                for_board=True),
)


class RiskLevel(LabelledEnum):
    """How likely a risk of the plan is, or how bad it would be (the risk register's scale)."""

    LOW = "low", N_("Klein")
    MEDIUM = "medium", N_("Middel")
    HIGH = "high", N_("Groot")

    @property
    def weight(self) -> int:
        return list(RiskLevel).index(self) + 1


# The summary of the improvement plan shows this many risks of the register, the largest first.
SUMMARY_RISKS = 3


class Verdict(LabelledEnum):
    APPROVED = "approved", N_("Akkoord")
    CONDITIONAL = "conditional", N_("Akkoord met voorwaarden")
    REJECTED = "rejected", N_("Niet akkoord")


@dataclass(frozen=True)
class ReviewDomain:
    """What a specialist checks the plan on; only a member holding ``role`` signs it."""

    key: str
    label: str
    role: Role
    task_title: str
    asks_costs: bool = False  # ICT also estimates cost and lead time per improvement
    dpia_screen: bool = False  # the privacy review screens for a DPIA


REVIEW_DOMAINS: tuple[ReviewDomain, ...] = (
    ReviewDomain("privacy", N_("Privacy (AVG)"), Role.PRIVACY_OFFICER,
                 N_("Verbeterplan toetsen op de AVG"), dpia_screen=True),
    ReviewDomain("security", N_("Informatiebeveiliging"), Role.CISO,
                 N_("Verbeterplan toetsen op informatiebeveiliging")),
    ReviewDomain("ict", N_("ICT-haalbaarheid"), Role.IT_SPECIALIST,
                 N_("Technische haalbaarheid, kosten en doorlooptijd toetsen"), asks_costs=True),
    ReviewDomain("legal", N_("Juridisch"), Role.LEGAL, N_("Juridische haalbaarheid toetsen")),
    ReviewDomain("applications", N_("Applicatiebeheer"), Role.APP_MANAGER,
                 N_("Impact op applicaties toetsen")),
    ReviewDomain("communication", N_("Communicatie"), Role.COMMUNICATION,
                 N_("Documentatie en communicatie toetsen")),
)
REVIEW_DOMAIN_BY_KEY: dict[str, ReviewDomain] = {d.key: d for d in REVIEW_DOMAINS}


@dataclass(frozen=True)
class DpiaCriterion:
    key: str
    label: str


# The nine criteria of the European data protection board (WP248) that the Dutch DPA also
# uses: when two or more apply, a data protection impact assessment is required.
DPIA_CRITERIA: tuple[DpiaCriterion, ...] = (
    DpiaCriterion("scoring", N_("Evaluatie of scoren van personen (profilering)")),
    DpiaCriterion("automated_decisions", N_("Geautomatiseerde besluitvorming met "
                                            "rechtsgevolg of vergelijkbaar effect")),
    DpiaCriterion("monitoring", N_("Stelselmatige en grootschalige monitoring")),
    DpiaCriterion("sensitive_data", N_("Bijzondere of gevoelige persoonsgegevens (zoals "
                                       "BSN, gezondheid, financiële gegevens)")),
    DpiaCriterion("large_scale", N_("Grootschalige verwerking van persoonsgegevens")),
    DpiaCriterion("matching", N_("Koppelen of combineren van gegevensverzamelingen")),
    DpiaCriterion("vulnerable", N_("Gegevens van kwetsbare personen (zoals kinderen of "
                                   "mensen in de schuldhulp)")),
    DpiaCriterion("new_technology", N_("Innovatief gebruik of nieuwe technologie")),
    DpiaCriterion("blocks_rights", N_("Verwerking die mensen verhindert een recht uit te "
                                      "oefenen of een dienst te gebruiken")),
)
DPIA_THRESHOLD = 2


def dpia_required(criteria: set[str]) -> bool:
    return len(criteria & {c.key for c in DPIA_CRITERIA}) >= DPIA_THRESHOLD


class ResponseKind(LabelledEnum):
    """How step 8 answered a finding or condition."""

    ADOPTED = "adopted", N_("Overgenomen")
    NOT_ADOPTED = "not_adopted", N_("Niet overgenomen")



# --- Steps 9 and 10: the implementation plan and carrying it out ---------------------------

class Adoption(LabelledEnum):
    """The process owner's decision on an improvement of the final plan (step 9)."""

    TAKEN_OVER = "taken_over", N_("Uitvoeren")
    DEFERRED = "deferred", N_("Uitgesteld")
    DROPPED = "dropped", N_("Vervallen")


class ActionStatus(LabelledEnum):
    """Where a taken-over improvement stands in step 10."""

    NOT_STARTED = "not_started", N_("Niet gestart")
    IN_PROGRESS = "in_progress", N_("Bezig")
    DONE = "done", N_("Klaar")
    BLOCKED = "blocked", N_("Geblokkeerd")


# A project that stays longer than this in one step is flagged on the dashboard (the
# organisation may set WASSTRAAT_STALLED_AFTER_DAYS).
STALLED_AFTER_DAYS = 30

class RevisitStatus(LabelledEnum):
    """Where a closed project's process description stands against its review date."""

    IN_ORDER = "in_order", N_("op orde")  # more than REVISIT_SOON_DAYS ahead
    SOON = "soon", N_("binnenkort")  # within REVISIT_SOON_DAYS
    OVERDUE = "overdue", N_("verlopen")  # the date has passed
    NOT_SET = "not_set", N_("geen datum")


# A month ahead the review is "binnenkort", and its process owners are reminded
# (notifications.reminders): the state and the reminder follow this one number.
REVISIT_SOON_DAYS = 30


def revisit_status(revisit_on: date | None, today: date) -> RevisitStatus:
    if revisit_on is None:
        return RevisitStatus.NOT_SET
    if revisit_on < today:
        return RevisitStatus.OVERDUE
    if (revisit_on - today).days <= REVISIT_SOON_DAYS:
        return RevisitStatus.SOON
    return RevisitStatus.IN_ORDER


# --- After the project: borging until the benefit is measured ---------------------------------
#
# Closing step 10 starts the borging: each KPI is measured again at moments after the close
# (``REMEASURE_MONTHS`` by default, set at the evaluation). Each moment is a task of its owner
# and is reminded ``REMEASURE_NOTICE_DAYS`` ahead and once it is due. The project is
# "Afgerond" once every moment is measured or ended with a reason (sustain/services.py).

REMEASURE_MONTHS = (3, 6, 12)
REMEASURE_MAX_MONTHS = 36  # a moment further away is a typing error
REMEASURE_MOMENTS_MAX = 6
REMEASURE_NOTICE_DAYS = 14
# Who records a re-measurement (and may own a moment): the process owner, who keeps the
# process, and whoever measured it in the project. Only the process owner moves, hands over
# or ends a moment.
REMEASURERS = frozenset({Role.PROCESS_OWNER, Role.PROJECT_LEADER, Role.PROCESS_ADVISOR})


class ProjectPhase(LabelledEnum):
    """Where a project stands in its life: the ten steps, the borging, or done with."""

    RUNNING = "running", N_("Loopt")
    SUSTAINING = "sustaining", N_("In borging")
    COMPLETED = "completed", N_("Afgerond")


def project_phase(finished: bool, completed: bool) -> ProjectPhase:
    """Finished: its ten steps are; completed: so is the borging (``Project.completed_at``)."""
    if not finished:
        return ProjectPhase.RUNNING
    return ProjectPhase.COMPLETED if completed else ProjectPhase.SUSTAINING


class MomentState(LabelledEnum):
    """Where one re-measurement moment stands."""

    PLANNED = "planned", N_("gepland")
    DUE = "due", N_("nu te meten")  # its date has come, not measured yet
    MEASURED = "measured", N_("gemeten")
    ENDED = "ended", N_("vervallen, met reden")

    @property
    def is_open(self) -> bool:
        return self in (MomentState.PLANNED, MomentState.DUE)


def moment_state(measured: bool, ended: bool, due_on: date, today: date) -> MomentState:
    if measured:
        return MomentState.MEASURED
    if ended:
        return MomentState.ENDED
    return MomentState.DUE if due_on <= today else MomentState.PLANNED


class KpiVerdict(LabelledEnum):
    """A KPI after the change, in words (never colour alone): its latest measurement against
    its target."""

    REACHED = "reached", N_("gemeten, streefwaarde gehaald")
    NOT_REACHED = "not_reached", N_("gemeten, streefwaarde niet gehaald")
    MEASURED = "measured", N_("gemeten, zonder streefwaarde")
    TO_MEASURE = "to_measure", N_("nog te meten")


def kpi_verdict(value: float | None, target: float | None, lower_is_better: bool) -> KpiVerdict:
    if value is None:
        return KpiVerdict.TO_MEASURE
    if target is None:
        return KpiVerdict.MEASURED
    reached = value <= target if lower_is_better else value >= target
    return KpiVerdict.REACHED if reached else KpiVerdict.NOT_REACHED


# --- Benefits per improvement: expected in the plan, forecast in step 10, actual after ------

class BenefitKind(LabelledEnum):
    """What an improvement brings: hard savings, time freed, or better quality or service
    (then tied to a KPI, or described)."""

    EUROS = "euros", N_("Besparing in euro's per jaar")
    HOURS = "hours", N_("Vrijgekomen uren per jaar")
    QUALITY = "quality", N_("Kwaliteit of dienstverlening")

    @property
    def counted(self) -> bool:
        """A number per year that adds up across projects (not a quality)."""
        return self is not BenefitKind.QUALITY


# The two descriptions of a process, each edited in its own step: the current process is
# mapped in step 3, the desired one (the adjusted activities) in step 8.
PROCESS_VARIANTS: dict[str, Step] = {"current": Step.PROCESS, "desired": Step.ADJUST}


@dataclass(frozen=True)
class EventLogPurpose:
    """What a measured event log is for, and the step in which it is imported and used."""

    key: str
    step: Step
    label: str


class DurationUnit(LabelledEnum):
    """What a duration counts: every day, or the organisation's working days (working_time)."""

    CALENDAR = "calendar", N_("kalenderdagen")
    WORKING = "working", N_("werkdagen")


class EventLogStatus(LabelledEnum):
    """Where an imported event log stands on its way to a measured process."""

    UPLOADED = "uploaded", N_("kolommen nog kiezen")  # a CSV waits for its columns
    QUEUED = "queued", N_("wordt gelezen")
    RUNNING = "running", N_("wordt gelezen")
    DONE = "done", N_("gelezen")
    FAILED = "failed", N_("niet te lezen")  # the reason is kept, the file is not

    @property
    def is_busy(self) -> bool:
        return self in (EventLogStatus.QUEUED, EventLogStatus.RUNNING)


# The measured process: the current one beside the team's picture in step 3; the one after
# the change in step 10, as its after-measurement against the one of step 3.
EVENT_LOG_PURPOSES: dict[str, EventLogPurpose] = {
    "current": EventLogPurpose("current", Step.PROCESS, N_("Gemeten huidig proces")),
    "after": EventLogPurpose("after", Step.EXECUTION, N_("Gemeten proces na de verandering")),
}


# --- Who acts, and when: the actions on a project and their edit windows --------------------

class Action(StrEnum):
    """Everything a person does in a project. Who may do it is the access policy
    (``access.POLICY``); when, for the actions that change a step's work, is ``EDIT_WINDOWS``."""

    VIEW_PROJECT = "view_project"
    EDIT_PROJECT = "edit_project"
    MANAGE_TEAM = "manage_team"
    MOVE_STEP = "move_step"  # start, skip, reopen
    CLOSE_STEP = "close_step"
    CONFIRM_PRODUCT = "confirm_product"  # confirm or withdraw a hand-confirmed product
    EDIT_STEP_NOTES = "edit_step_notes"
    EDIT_SESSION_NOTES = "edit_session_notes"  # a work session's notes and findings
    MANAGE_TASKS = "manage_tasks"
    EDIT_KPIS = "edit_kpis"
    ADD_IMPROVEMENT = "add_improvement"
    PLAN_SESSION = "plan_session"
    EDIT_PROCESS = "edit_process"
    EDIT_DESIRED_PROCESS = "edit_desired_process"  # step 8: the adjusted activities
    EDIT_FORMULA = "edit_formula"
    EDIT_JOURNEY = "edit_journey"
    CHECK_PROCESS = "check_process"
    EDIT_IMPROVEMENT = "edit_improvement"
    AGREE_KPIS = "agree_kpis"
    TAKE_MEASURED_BASELINE = "take_measured_baseline"  # step 3: a KPI's baseline from a log
    COMPLETE_TASK = "complete_task"
    EDIT_PLAN = "edit_plan"  # the board, the texts, merging
    SEND_PLAN = "send_plan"  # freeze a version for review
    CHOOSE_REVIEWERS = "choose_reviewers"  # which review domains the plan needs
    OPEN_REVIEW = "open_review"
    REQUEST_RE_REVIEW = "request_re_review"
    MAKE_PLAN_FINAL = "make_plan_final"
    REVIEW = "review"  # edit and sign one domain's review
    RESPOND_FINDINGS = "respond_findings"
    APPROVE_PLAN = "approve_plan"  # approve the final plan
    OVERRIDE_REJECTION = "override_rejection"  # go on despite a signed "niet akkoord"
    ORDER_IMPLEMENTATION = "order_implementation"  # step 9: decide, order, plan, approve
    CONTRIBUTE_IMPLEMENTATION = "contribute_implementation"  # step 9: propose, not decide
    UPDATE_ACTION = "update_action"  # step 10: status and progress notes of one action
    EVALUATE = "evaluate"  # step 10: plan the evaluation, record KPI after-measurements
    REOPEN_PROJECT = "reopen_project"  # a closed project opens only by the process owner
    START_FOLLOW_UP = "start_follow_up"  # the next cycle starts from a closed project
    SET_REVISIT = "set_revisit"  # by when the process description is revisited
    IMPORT_EVENT_LOG = "import_event_log"  # steps 3 and 10: measure the process from a log
    REMEASURE = "remeasure"  # borging: record a re-measurement, import the log it comes from
    PLAN_REMEASUREMENTS = "plan_remeasurements"  # borging: move, hand over or end a moment
    EDIT_BENEFITS = "edit_benefits"  # the expected benefits, with the plan (until approved)
    FORECAST_BENEFIT = "forecast_benefit"  # step 10: what the benefit looks like becoming
    RECORD_BENEFIT = "record_benefit"  # step 10 and the borging: the benefit realised
    ACCEPT_DEVIATION = "accept_deviation"  # step 10 and the borging: a deviation allowed
    DECIDE_GATE = "decide_gate"  # go or no-go on a gated step, by its approver
    RECORD_BOARD_DECISION = "record_board_decision"  # what the board decided on a plan
    PLAN_STEPS = "plan_steps"  # the planned end date of each step, by the project leader
    # The Woo: prepare, redact and deliver a publication; approve its omissions (four eyes).
    PREPARE_PUBLICATION = "prepare_publication"
    APPROVE_PUBLICATION = "approve_publication"
    COMMENT = "comment"  # write in a thread of comments (and correct one's own, briefly)
    MODERATE_COMMENTS = "moderate_comments"  # remove anyone's comment, leaving a trace


UNDER_WAY = frozenset({StepStatus.IN_PROGRESS})
NOT_FINISHED = frozenset({StepStatus.NOT_STARTED, StepStatus.IN_PROGRESS})
NOT_DONE = frozenset(StepStatus) - {StepStatus.DONE}


@dataclass(frozen=True)
class EditWindow:
    """When an action may change a project's data: while one of ``steps`` has one of ``states``.

    Without ``steps`` the window is the step the action is on (a product, the step's notes, an
    event log's purpose). ``refusal`` tells the person why not now, in the service's refusal
    and beside the page's hidden form alike.
    """

    refusal: str
    steps: tuple[Step, ...] = ()
    states: frozenset[StepStatus] = UNDER_WAY

    def is_open(self, status_of: Callable[[Step], StepStatus], step: Step | None = None) -> bool:
        steps = self.steps or ((step,) if step is not None else ())
        return any(status_of(s) in self.states for s in steps)


_PLAN_STEPS = (Step.IMPROVEMENT_PLAN, Step.REVIEW, Step.ADJUST)
_W = EditWindow
_BORGING = _W(N_("Nametingen van de borging legt u vast nadat stap 10 is afgerond."),
              (Step.EXECUTION,), frozenset({StepStatus.DONE}))
_KPI_WINDOW = _W(N_("Stap 2 is afgerond. Heropen de stap om de KPI's te wijzigen."),
                 (Step.KPIS,), NOT_FINISHED)

# The method's edit windows, beside the steps they belong to. An action not named here has
# none (reading, the team, tasks, improvements captured at any time).
EDIT_WINDOWS: dict[Action, EditWindow] = {
    Action.CONFIRM_PRODUCT: _W(N_("Producten bevestigt of wijzigt u terwijl de stap bezig is.")),
    Action.EDIT_STEP_NOTES: _W(N_("Deze stap is afgesloten. Heropen de stap om de aantekeningen "
                                  "te wijzigen."), states=NOT_FINISHED),
    # A thread closes with the record of the step it belongs to (COMMENT_THREADS).
    Action.COMMENT: _W(N_("Deze reacties zijn gesloten: de stap waar ze bij horen is "
                          "afgesloten, en zo blijven ze in het dossier."), states=NOT_FINISHED),
    Action.MODERATE_COMMENTS: _W(N_("Deze reacties zijn gesloten: de stap waar ze bij horen "
                                    "is afgesloten, en zo blijven ze in het dossier."),
                                 states=NOT_FINISHED),
    # The register and its agreement change together, until step 2 is done.
    Action.EDIT_KPIS: _KPI_WINDOW,
    Action.AGREE_KPIS: _KPI_WINDOW,
    Action.EDIT_PROCESS: _W(N_("Het huidige proces legt u vast terwijl stap 3 bezig is."),
                            (PROCESS_VARIANTS["current"],)),
    Action.CHECK_PROCESS: _W(N_("De proceskaart controleert u terwijl stap 3 bezig is."),
                             (Step.PROCESS,)),
    Action.TAKE_MEASURED_BASELINE: _W(N_("Een gemeten nulmeting neemt u over terwijl stap 3 "
                                         "bezig is."), (EVENT_LOG_PURPOSES["current"].step,)),
    Action.IMPORT_EVENT_LOG: _W(N_("Een eventlog leest u in terwijl de stap bezig is waarvoor "
                                   "hij meet.")),
    Action.EDIT_JOURNEY: _W(N_("De klantreis legt u vast terwijl stap 4 bezig is."),
                            (Step.JOURNEY,)),
    Action.EDIT_FORMULA: _W(N_("De serviceformule legt u vast terwijl stap 5 bezig is."),
                            (Step.SERVICE_FORMULA,)),
    # The plan's draft changes until step 8 is done; reopening step 8 opens it again.
    Action.EDIT_PLAN: _W(N_("Het verbeterplan is definitief en stap 8 is afgerond. Heropen "
                            "stap 8 om het plan nog te wijzigen."), (Step.ADJUST,), NOT_DONE),
    Action.SEND_PLAN: _W(N_("Het plan gaat ter toetsing terwijl stap 6, 7 of 8 bezig is."),
                         _PLAN_STEPS),
    Action.CHOOSE_REVIEWERS: _W(N_("De toetsdomeinen kiest u in stap 6, 7 of 8."), _PLAN_STEPS),
    Action.OPEN_REVIEW: _W(N_("De toetsing wordt geopend terwijl stap 7 bezig is."),
                           (Step.REVIEW,)),
    Action.REVIEW: _W(N_("Toetsen kan terwijl stap 7 of 8 bezig is."),
                      (Step.REVIEW, Step.ADJUST)),
    Action.REQUEST_RE_REVIEW: _W(N_("Opnieuw laten toetsen kan in stap 8."), (Step.ADJUST,)),
    Action.RESPOND_FINDINGS: _W(N_("Op bevindingen reageert u in stap 8."), (Step.ADJUST,)),
    Action.OVERRIDE_REJECTION: _W(N_("Een afwijzing doorbreken kan in stap 8."), (Step.ADJUST,)),
    Action.MAKE_PLAN_FINAL: _W(N_("Het plan wordt definitief gemaakt in stap 8."),
                               (Step.ADJUST,)),
    Action.APPROVE_PLAN: _W(N_("De proceseigenaar keurt het plan goed terwijl stap 8 bezig is."),
                            (Step.ADJUST,)),
    Action.EDIT_DESIRED_PROCESS: _W(N_("Het gewenste proces legt u vast terwijl stap 8 bezig "
                                       "is."), (PROCESS_VARIANTS["desired"],)),
    Action.ORDER_IMPLEMENTATION: _W(N_("Het implementatieplan wordt bepaald terwijl stap 9 "
                                       "bezig is."), (Step.IMPLEMENTATION_PLAN,)),
    Action.CONTRIBUTE_IMPLEMENTATION: _W(N_("Inbreng op het implementatieplan geeft u terwijl "
                                            "stap 9 bezig is."), (Step.IMPLEMENTATION_PLAN,)),
    Action.UPDATE_ACTION: _W(N_("Acties en hun voortgang werkt u bij terwijl stap 10 bezig "
                                "is."), (Step.EXECUTION,)),
    Action.EVALUATE: _W(N_("De evaluatie en de nametingen legt u vast terwijl stap 10 bezig "
                           "is."), (Step.EXECUTION,)),
    Action.EDIT_BENEFITS: _W(N_("De verwachte baten legt u vast met het plan, tot stap 8 is "
                                "afgerond."), (Step.ADJUST,), NOT_DONE),
    Action.FORECAST_BENEFIT: _W(N_("Een prognose van de baten geeft u terwijl stap 10 bezig "
                                   "is."), (Step.EXECUTION,)),
    Action.RECORD_BENEFIT: _W(N_("De gerealiseerde baten legt u vast in stap 10 en in de "
                                 "borging."), (Step.EXECUTION,),
                              frozenset({StepStatus.IN_PROGRESS, StepStatus.DONE})),
    Action.ACCEPT_DEVIATION: _W(N_("Een afwijking van het gewenste proces aanvaardt u in stap "
                                   "10 en in de borging."), (Step.EXECUTION,),
                                frozenset({StepStatus.IN_PROGRESS, StepStatus.DONE})),
    Action.DECIDE_GATE: _W(N_("Go of no-go geeft u terwijl de stap bezig is.")),
    # The borging: after step 10 is done, until the project is reopened.
    Action.REMEASURE: _BORGING,
    Action.PLAN_REMEASUREMENTS: _BORGING,
}
del _W

# Which action edits which description of the process (see PROCESS_VARIANTS).
PROCESS_EDITS: dict[str, Action] = {"current": Action.EDIT_PROCESS,
                                    "desired": Action.EDIT_DESIRED_PROCESS}


def window_open(action: Action, status_of: Callable[[Step], StepStatus],
                step: Step | None = None) -> bool:
    """Whether ``action`` may change data now; always, for an action without a window."""
    window = EDIT_WINDOWS.get(action)
    return window is None or window.is_open(status_of, step)


def stalled_before(today: date, stalled_after: int) -> datetime:
    """Work waiting since before this moment has stalled: more than ``stalled_after`` whole
    days (UTC dates, as the portfolio's signal counts them). A project in its step, and the
    reminders of the tasks that wait in it."""
    return datetime.combine(today - timedelta(days=stalled_after), time(0), UTC)


def may_start(step: Step, finished: set[Step]) -> bool:
    """Whether ``step`` may start, given the set of finished (done or skipped) steps."""
    return all(prerequisite in finished for prerequisite in STEPS[step].prerequisites)


def missing_prerequisites(step: Step, finished: set[Step]) -> list[Step]:
    return [s for s in STEPS[step].prerequisites if s not in finished]


def may_move(roles: set[Role]) -> bool:
    """Start, skip and reopen steps."""
    return any(role in STEP_MOVERS for role in roles)


def may_close(step: Step, roles: set[Role]) -> bool:
    return any(role in STEPS[step].closers for role in roles)


def may_confirm(product: Product, roles: set[Role]) -> bool:
    return any(role in product.confirmed_by for role in roles)


def tasks_for(step: Step) -> tuple[TaskTemplate, ...]:
    return STEPS[step].tasks


# The steps that need a "go" before they close, until the organisation chooses otherwise: the
# final improvement plan (8) and the implementation plan (9), where money and people are
# committed. Each approver gets a task on the gated step while it is under way.
DEFAULT_GATED_STEPS: tuple[Step, ...] = (Step.ADJUST, Step.IMPLEMENTATION_PLAN)
GATE_TASKS: dict[Role, TaskTemplate] = {
    role: TaskTemplate(f"gate.{role.value}", role, N_("Go of no-go geven"),
                       N_("Besluit of deze stap mag worden afgerond. Bij een no-go geeft u de "
                          "reden; het werk gaat dan terug naar het team."),
                       done_when="gate_go", work="step#gate")
    for role in (Role.SPONSOR, Role.PROCESS_OWNER)}
# Planned end dates: a step counts as "at risk" this many days before its date.
AT_RISK_DAYS = 14

TASK_TEMPLATES: dict[str, TaskTemplate] = {t.key: t for s in STEPS.values() for t in s.tasks}
TASK_TEMPLATES |= {t.key: t for t in GATE_TASKS.values()}

# What finishes a task, as the person reads it ("Gaat vanzelf op afgerond zodra ..."). The
# rules themselves live in ``wasstraat/guidance.py``; ``confirmed:<product>`` means that the
# step product with that key is confirmed. Tasks the app makes itself name theirs by origin.
TASK_CONDITIONS: dict[str, str] = {
    "confirmed:team": N_("de projectleider heeft bevestigd dat de projectgroep staat"),
    "confirmed:kickoff": N_("de projectleider heeft bevestigd dat de kick-off is gehouden"),
    "confirmed:process_checked": N_("de procesadviseur heeft bevestigd dat de proceskaart "
                                    "gecontroleerd is"),
    "confirmed:trained": N_("bevestigd is dat medewerkers getraind zijn (of dat het niet "
                            "nodig is)"),
    "confirmed:documented": N_("bevestigd is dat werkinstructies en procesbeschrijving zijn "
                               "bijgewerkt"),
    "confirmed:communicated": N_("bevestigd is dat de verandering is gecommuniceerd"),
    "assignment_written": N_("de opdracht van het traject is beschreven"),
    "kpis_proposed": N_("er is een KPI met definitie en eenheid"),
    "baselines_measured": N_("elke KPI een nulmeting heeft"),
    "kpi_set_agreed": N_("de proceseigenaar de KPI-set heeft vastgesteld"),
    "process_mapped": N_("het huidige proces in kaart is gebracht"),
    "check_arranged": N_("er een sessie 3b gepland is of de controle is bevestigd"),
    "checked_by_assignee": N_("de controle van deze persoon is vastgelegd"),
    "journey_recorded": N_("de klantreis is vastgelegd"),
    "formula_chosen": N_("er een serviceformule gekozen is"),
    "formula_compared": N_("alle zes P's vergeleken zijn met de formule"),
    "plan_sent_for_review": N_("het plan als versie is verstuurd voor toetsing"),
    "improvements_decided": N_("over elke verbetering besloten is en elke verbetering in het "
                               "plan een horizon heeft"),
    "reviews_signed": N_("elke gekozen specialist de verstuurde versie heeft ondertekend"),
    "plan_made_final": N_("het plan definitief is gemaakt"),
    "final_plan_approved": N_("de proceseigenaar de definitieve versie heeft goedgekeurd"),
    "desired_process_recorded": N_("het gewenste proces is vastgelegd (ten minste één "
                                   "processtap)"),
    "implementation_plan_approved": N_("de proceseigenaar het implementatieplan heeft "
                                       "vastgesteld"),
    "contributed": N_("de inbreng van deze persoon is vastgelegd"),
    "actions_done": N_("alle acties klaar zijn"),
    "evaluation_planned": N_("het evaluatiemoment gepland is"),
    # Tasks the app makes for one object: a review to sign, an action to carry out.
    "review_signed": N_("de toetsing is ondertekend"),
    "action_done": N_("de actie op Klaar staat"),
    "remeasured": N_("de nameting is vastgelegd of met reden vervallen"),
    "redaction_approved": N_("een tweede persoon de weglakkingen heeft goedgekeurd"),
    # The gate: one approver's go, and (for the leader after a no-go) every approver's.
    "gate_go": N_("u een go heeft gegeven op de stap zoals die nu is"),
    "gate_passed": N_("elke beslisser een go heeft gegeven"),
}
ORIGIN_CONDITIONS: dict[str, str] = {"review": "review_signed", "action": "action_done",
                                     "remeasure": "remeasured", "no_go": "gate_passed",
                                     "woo": "redaction_approved"}
# Tasks that belong to the borging: they start when the project closes, and follow their
# rule after it instead of lapsing with it.
AFTER_CLOSE_ORIGINS = frozenset({"remeasure", "woo"})
# Event logs that may still be imported once the project is closed, and under which action.
IMPORT_AFTER_CLOSE: dict[str, Action] = {"after": Action.REMEASURE}


class TaskClosure(LabelledEnum):
    """How a task stopped being open."""

    BY_HAND = "hand", N_("afgevinkt")  # ticked by a person
    BY_RULE = "rule", N_("afgerond")  # its condition came to hold
    # Ended unfinished by whoever closed its step, with a reason (EndReason): a decision.
    ENDED = "ended", N_("beëindigd")
    # Its step was skipped, or the project closed, before it was done.
    WITH_STEP = "step", N_("vervallen met de stap")


class EndReason(LabelledEnum):
    """Why the person closing a step ended work that was not finished (closing.py)."""

    NOT_NEEDED = "not_needed", N_("Niet meer nodig")
    NEXT_CYCLE = "next_cycle", N_("Naar de vervolgcyclus")
    OTHER = "other", N_("Anders, namelijk")



def current_step(statuses: dict[Step, StepStatus]) -> Step | None:
    """Where a project stands: the furthest step in progress, else the first unfinished one;
    None when all ten are finished."""
    in_progress = [s for s in Step if statuses.get(s) == StepStatus.IN_PROGRESS]
    if in_progress:
        return max(in_progress)
    return next((s for s in Step if not statuses.get(s, StepStatus.NOT_STARTED).is_finished), None)


# --- The Woo: publishing a plan or an evaluation after a human review ----------------------------

_TOOI = "https://identifier.overheid.nl/tooi/def/thes/kern/"


@dataclass(frozen=True)
class WooCategory:
    """An information category of the Woo (the TOOI list the DiWoo metadata names), with the
    definition the person reads before choosing it."""

    uri: str
    label: str
    definition: str


# The categories a Wasstraat document can fall under: a research report on how the
# organisation works (art. 3.3 lid 2 sub i), the organisation's working methods (sub b), or
# the general duty of art. 3.1 for what no category of art. 3.3 names.
WOO_CATEGORIES: dict[str, WooCategory] = {c.uri: c for c in (
    WooCategory(_TOOI + "c_fdaee95e", N_("Onderzoeksrapporten"), N_(
        "Op verzoek van een bestuursorgaan ambtelijk of extern opgestelde onderzoeksrapporten "
        "die geen onderdeel vormen van de uitvoering van de taak van dat bestuursorgaan, die "
        "voornamelijk uit feitelijk materiaal bestaan en die betrekking hebben op de wijze van "
        "functioneren van de eigen organisatie, of op de voorbereiding of de evaluatie van "
        "beleid, inclusief de uitvoering, naleving en handhaving.")),
    WooCategory(_TOOI + "c_40a05794", N_("Organisatie en werkwijze"), N_(
        "Inzicht in de organisatie en werkwijze van het bestuursorgaan, waaronder de taken en "
        "bevoegdheden van de organisatieonderdelen.")),
    WooCategory(_TOOI + "c_816e508d", N_("Inspanningsverplichting art. 3.1 Woo"), N_(
        "Informatie die niet valt onder een van de verplichte informatiecategorieën van "
        "artikel 3.3 Woo, maar actief openbaar is gemaakt op grond van de algemene "
        "inspanningsverplichting van artikel 3.1 Woo.")),
)}
ONDERZOEKSRAPPORTEN, ORGANISATIE_EN_WERKWIJZE, ART_3_1 = WOO_CATEGORIES


class WooDocument(LabelledEnum):
    """What a project can publish under the Woo."""

    PLAN = "plan", N_("Het goedgekeurde verbeterplan")
    EVALUATION = "evaluation", N_("De evaluatie (implementatieplan met uitvoering)")


@dataclass(frozen=True)
class WooSource:
    """When a document may be published (after ``ready_after`` is done; its redaction task
    belongs to that step), the category the app proposes, and the nearest category of
    art. 3.3 where the proposal is the general duty of art. 3.1."""

    ready_after: Step
    proposed: str
    refusal: str
    nearest: str | None = None


WOO_SOURCES: dict[WooDocument, WooSource] = {
    # The plan is approved before step 8 can close.
    WooDocument.PLAN: WooSource(Step.ADJUST, ART_3_1, N_(
        "Het verbeterplan wordt gepubliceerd nadat het is goedgekeurd en stap 8 is afgerond."),
        nearest=ORGANISATIE_EN_WERKWIJZE),
    WooDocument.EVALUATION: WooSource(Step.EXECUTION, ONDERZOEKSRAPPORTEN, N_(
        "De evaluatie wordt gepubliceerd nadat stap 10 is afgerond.")),
}


class WooState(LabelledEnum):
    """A publication: redacted, approved by a second person, delivered, perhaps withdrawn."""

    REDACTING = "redacting", N_("Weglakken")
    SUBMITTED = "submitted", N_("Ter goedkeuring")
    APPROVED = "approved", N_("Goedgekeurd, klaar om te publiceren")
    PUBLISHED = "published", N_("Gepubliceerd")
    WITHDRAWN = "withdrawn", N_("Ingetrokken")


# What each state allows; the services refuse anything else with the state's reason.
WOO_EDITABLE = frozenset({WooState.REDACTING})
WOO_DELIVERABLE = frozenset({WooState.APPROVED})
WOO_LIVE = frozenset({WooState.REDACTING, WooState.SUBMITTED, WooState.APPROVED,
                      WooState.PUBLISHED})


class WooDelivery(LabelledEnum):
    DIRECT = "gpp", N_("In de GPP-publicatiebank")
    PACKAGE = "zip", N_("Als ZIP-pakket (PDF/A met metadata) voor een ander platform")


class WooGround(LabelledEnum):
    """The grounds of the Woo for leaving something out, as the published document names them."""

    PRIVACY = "5.1.2e", N_("5.1.2e persoonlijke levenssfeer")
    OPINION = "5.2.1", N_("5.2.1 persoonlijke beleidsopvattingen")
    SECURITY = "5.1.2d", N_("5.1.2d inspectie, controle en toezicht")
    BUSINESS = "5.1.1c", N_("5.1.1c bedrijfs- en fabricagegegevens")
    FUNCTIONING = "5.1.2i", N_("5.1.2i goed functioneren van de Staat")


class WooFinding(LabelledEnum):
    """What the redaction review found in a document."""

    NAME = "name", N_("Naam")
    EMAIL = "email", N_("E-mailadres")
    PASSAGE = "passage", N_("Tekstpassage")


# Names that stay: those who decide for the organisation act in a public role. A specialist's
# name is left out so that their opinion cannot be traced to them (5.2); other staff names are
# left out for their privacy (5.1.2e).
WOO_PUBLIC_ROLES = frozenset({Role.SPONSOR, Role.PROCESS_OWNER})
WOO_LANGUAGE = "http://publications.europa.eu/resource/authority/language/NLD"
WOO_FORMAT = "http://publications.europa.eu/resource/authority/file-type/PDF"
WOO_HANDLING = (_TOOI + "c_641ecd76", "vaststelling")


def woo_proposal(roles: set[Role]) -> WooGround | None:
    """The ground to leave a person's name out on, or None where their role is public."""
    if roles & WOO_PUBLIC_ROLES:
        return None
    if any(r.is_specialist for r in roles):
        return WooGround.OPINION
    return WooGround.PRIVACY


# --- Comments: a thread per improvement, finding, action and step (comments/) ---


class CommentSubject(LabelledEnum):
    """What a thread of comments is about; each subject has one thread."""

    IMPROVEMENT = "improvement", N_("Verbetervoorstel")
    FINDING = "finding", N_("Bevinding uit een sessie")
    ACTION = "action", N_("Actie")
    STEP = "step", N_("Stap")


@dataclass(frozen=True)
class CommentThread:
    """Where a subject's thread lives (``path``, its URL segment) and with which step's record
    it closes (``closes_with``; None: the subject's own step, for a finding the step of its
    session). ``fixed_by_signing``: a comment written before a specialist signed a review
    of the plan is part of what was reviewed and cannot change after the signing."""

    path: str
    closes_with: Step | None
    fixed_by_signing: bool = False


COMMENT_THREADS = {
    # An improvement's conversation is part of the plan, whose record step 8 closes.
    CommentSubject.IMPROVEMENT: CommentThread("improvements", Step.ADJUST,
                                              fixed_by_signing=True),
    CommentSubject.FINDING: CommentThread("findings", None),
    CommentSubject.ACTION: CommentThread("actions", Step.EXECUTION),
    CommentSubject.STEP: CommentThread("steps", None),
}
# Its writer may correct a comment this long after writing it; then it is kept as written.
COMMENT_CORRECTION_MINUTES = 15
COMMENT_MAX_LENGTH = 4000


# --- The idea box: ideas from any employee, triaged by the coordinators (ideas/) ---


class IdeaState(LabelledEnum):
    """Where an idea from the idea box stands. Only an open idea is triaged; each of the
    other states is the triage's outcome, told to its proposer and followers."""

    OPEN = "open", N_("Nog niet beoordeeld")
    IN_PROJECT = "in_project", N_("Opgenomen in een lopend traject")
    NEW_PROJECT = "new_project", N_("Een nieuw traject gestart")
    MERGED = "merged", N_("Samengevoegd met een ander idee")
    DECLINED = "declined", N_("Afgewezen")

    @property
    def is_taken_up(self) -> bool:
        """The idea went into a project's list of improvements."""
        return self in (IdeaState.IN_PROJECT, IdeaState.NEW_PROJECT)

    @property
    def may_be_joined(self) -> bool:
        """Another idea may merge into this one: it is still going somewhere."""
        return self not in (IdeaState.MERGED, IdeaState.DECLINED)


IDEA_TITLE_MAX = 200
IDEA_TEXT_MAX = 4000
# The improvements' source that names the idea box (improvements/sources.py).
IDEA_SOURCE = "idea"


# --- Starting from an existing project (projects/copying.py) ---


class CopyPart(LabelledEnum):
    """What a new project may carry over from an existing one: starting points, never the
    people, sessions, findings, decisions, measurements or the audit trail."""

    KPIS = "kpis", N_("De KPI-definities (naam, definitie, eenheid en richting; zonder "
                      "metingen of streefwaarden)")
    PROCESS = "process", N_("Het huidige proces: de stappen met wie, welk systeem en de "
                            "verspillingen (zonder tijden en opmerkingen)")
    DESIRED = "desired", N_("Het gewenste proces, met wat een zaak mag overslaan of herhalen")
    JOURNEY = "journey", N_("De fasen van de klantreis (zonder ervaringen en citaten)")
    IMPROVEMENTS = "improvements", N_("De verbeteringen, als suggestie (zonder besluiten "
                                      "en scores)")
    FORMULA_QUESTIONS = "formula_questions", N_("De vragen per P bij de serviceformule "
                                                "(zonder de vergelijking)")
    REVIEW_QUESTIONS = "review_questions", N_("De toetsvragen per specialisme (zonder "
                                              "antwoorden en oordelen)")


# --- The questions a project asks itself (questions.py) ---


class QuestionSet(LabelledEnum):
    """Questions a project keeps beside its work: per P of the service formula, to prepare
    step 5's session, and per review domain, which each specialist answers before signing
    (a review takes its domain's questions when it opens, and keeps them)."""

    FORMULA = "formula", N_("Vragen per P bij de serviceformule")
    REVIEW = "review", N_("Toetsvragen per specialisme")

    @property
    def subjects(self) -> dict[str, str]:
        """What the questions are grouped by: each P's key and label, or each domain's."""
        return QUESTION_SUBJECTS[self]

    @property
    def edit_action(self) -> Action:
        """Who may change the questions, and when: the work they serve."""
        return QUESTION_EDITS[self]

    @property
    def page(self) -> str:
        """Where the team uses them (an endpoint taking project_id)."""
        return QUESTION_PAGES[self]

    @property
    def part(self) -> CopyPart:
        """The part of a copy or a template that carries them."""
        return QUESTION_PARTS[self]


QUESTION_SUBJECTS = {QuestionSet.FORMULA: {p.key: p.label for p in SERVICE_PS},
                     QuestionSet.REVIEW: {d.key: d.label for d in REVIEW_DOMAINS}}
QUESTION_EDITS = {QuestionSet.FORMULA: Action.EDIT_FORMULA,
                  QuestionSet.REVIEW: Action.CHOOSE_REVIEWERS}
QUESTION_PAGES = {QuestionSet.FORMULA: "formulas.index", QuestionSet.REVIEW: "reviews.index"}
QUESTION_PARTS = {QuestionSet.FORMULA: CopyPart.FORMULA_QUESTIONS,
                  QuestionSet.REVIEW: CopyPart.REVIEW_QUESTIONS}
QUESTIONS_PER_SUBJECT = 10
QUESTION_MAX_LENGTH = 300


# --- Templates per process type (project_templates/) ---


class Requirement(LabelledEnum):
    """What a template may require before one of the project's steps closes: checked in the
    project's data (project_templates/requirements.py), refused like a missing product."""

    KPI_BASELINES = "kpi_baselines", N_("Elke KPI heeft een nulmeting")
    KPI_TARGETS = "kpi_targets", N_("Elke KPI heeft een streefwaarde")
    DESIRED_PROCESS = "desired_process", N_("Het gewenste proces is beschreven")

    @property
    def page(self) -> str:
        """Where the team supplies it (an endpoint taking project_id)."""
        return REQUIREMENT_PAGES[self]


REQUIREMENT_PAGES = {Requirement.KPI_BASELINES: "kpis.index",
                     Requirement.KPI_TARGETS: "kpis.index",
                     Requirement.DESIRED_PROCESS: "process.desired"}
# The template document's format; an import of another version is refused with the reason.
TEMPLATE_SCHEMA = "wasstraat-template/1"

"""Notifications by e-mail: one message per person per delivery with everything new for them,
retried when the SMTP server does not answer, never a failure for the person whose action
made the notification.

Delivery claims the messages it sends (state "sending" with a lease) before talking to the
SMTP server, so two processes delivering at once do not send the same message twice; a
claim whose process died is taken up again when its lease ends.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext, ngettext
from flask_mailman import EmailMultiAlternatives
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import metrics
from ..clock import organisation_zone
from ..extensions import db, mail
from ..models import (
    Membership,
    MembershipRole,
    Notification,
    NotificationDigest,
    NotificationSetting,
    User,
    utcnow,
)
from ..notification_kinds import Channel, Kind, MailState, default_channels
from . import services

log = logging.getLogger(__name__)

RETRY_AFTER = [timedelta(minutes=m) for m in (1, 5, 15, 60, 240)]  # then it is given up
BATCH = 200


@dataclass(frozen=True)
class Delivery:
    sent: int = 0  # messages (e-mails) accepted by the SMTP server
    retried: int = 0  # e-mails that failed and wait for another attempt
    failed: int = 0  # e-mails given up after the last attempt


def channels(user: User) -> dict[Kind, Channel]:
    """The person's choice per kind, else the default for the roles they hold."""
    chosen = {row.kind: row.channel for row in db.session.scalars(
        select(NotificationSetting).where(NotificationSetting.user_id == user.id))}
    defaults = default_channels(set(db.session.scalars(
        select(MembershipRole.role).join(Membership)
        .where(Membership.user_id == user.id).distinct())))
    return {kind: chosen.get(kind, defaults[kind]) for kind in Kind}


def choose(user: User, kind: Kind, channel: Channel) -> None:
    row = db.session.get(NotificationSetting, (user.id, kind))
    if row is None:
        db.session.add(NotificationSetting(user_id=user.id, kind=kind, channel=channel))
    else:
        row.channel = channel
    # What waits for a digest follows the new choice: sent at once, or not at all.
    if not channel.is_digest:
        db.session.execute(update(Notification).where(
            Notification.user_id == user.id, Notification.kind == kind.value,
            Notification.mail_state == MailState.DIGEST)
            .values(mail_state=MailState.PENDING if channel is Channel.IMMEDIATE
                    else MailState.NONE))


# --- The single-purpose link in every e-mail: this kind off, for this person ---------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="notification-kind-off")


def unsubscribe_token(user_id: int, kind: Kind) -> str:
    return _serializer().dumps([user_id, kind.value])


def read_unsubscribe_token(token: str) -> tuple[User, Kind] | None:
    try:
        user_id, kind = _serializer().loads(token)
        user = db.session.get(User, int(user_id))
        return (user, Kind(kind)) if user is not None else None
    except (BadSignature, ValueError, TypeError):
        return None


# --- Delivery --------------------------------------------------------------------------------

def lease() -> timedelta:
    """How long a claim keeps other deliveries off a message or a digest
    (WASSTRAAT_MAIL_LEASE_SECONDS)."""
    return timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])


def _due(now: datetime):
    return or_(and_(Notification.mail_state == MailState.PENDING,
                    or_(Notification.mail_next_attempt_at.is_(None),
                        Notification.mail_next_attempt_at <= now)),
               and_(Notification.mail_state == MailState.SENDING,
                    Notification.mail_next_attempt_at <= now))


def _claim(now: datetime) -> list[int]:
    """Take up to BATCH due messages for this delivery; committed before any e-mail goes."""
    return _take(list(db.session.scalars(select(Notification.id).where(_due(now))
                                         .order_by(Notification.id).limit(BATCH))), now)


def _take(ids: list[int], now: datetime) -> list[int]:
    """Of the messages this delivery saw due, those no other delivery took meanwhile (the
    condition is checked again in the UPDATE itself)."""
    if not ids:
        return []
    claimed = list(db.session.scalars(
        update(Notification).where(Notification.id.in_(ids), _due(now))
        .values(mail_state=MailState.SENDING, mail_next_attempt_at=now + lease())
        .returning(Notification.id)))
    db.session.commit()
    return claimed


def deliver(now: datetime | None = None) -> Delivery:
    """Send every due notification, one e-mail per person, as their settings want."""
    now = now or utcnow()
    totals = Delivery()
    while claimed := _claim(now):
        rows = db.session.scalars(
            select(Notification).where(Notification.id.in_(claimed))
            .options(joinedload(Notification.project), joinedload(Notification.task))
            .order_by(Notification.user_id, Notification.id)).all()
        by_person: dict[int, list[Notification]] = {}
        for row in rows:
            by_person.setdefault(row.user_id, []).append(row)
        for user_id, messages in by_person.items():
            totals = _add(totals, _deliver_to(db.session.get(User, user_id), messages, now))
            db.session.commit()
    metrics.count_mail(totals.sent, totals.retried, totals.failed)
    return totals


def digest_periods(now: datetime) -> dict[Channel, str]:
    """The digests due at this moment: daily from WASSTRAAT_DIGEST_HOUR (the organisation's
    time), weekly from that hour on Mondays; each named by its period."""
    local = now.astimezone(organisation_zone())
    if local.hour < current_app.config["DIGEST_HOUR"]:
        return {}
    periods = {Channel.DAILY: f"daily:{local.date().isoformat()}"}
    if local.weekday() == 0:
        year, week, _day = local.isocalendar()
        periods[Channel.WEEKLY] = f"weekly:{year}-W{week:02d}"
    return periods


def send_digests(now: datetime | None = None) -> Delivery:
    """Each person's digest of the period, once: the period is claimed in the database before
    the e-mail goes, so a second worker (or a second run) finds it taken."""
    now = now or utcnow()
    periods = digest_periods(now)
    totals = Delivery()
    waiting = db.session.scalars(select(Notification.user_id).where(
        Notification.mail_state == MailState.DIGEST).distinct()).all() if periods else []
    for user_id in waiting:
        user = db.session.get(User, user_id)
        if not user.active:  # deactivated while messages waited: they stay in the app only
            _not_mailed(user_id, MailState.DIGEST)
            continue
        wanted = channels(user)
        for channel, period in periods.items():
            kinds = [kind.value for kind, chosen in wanted.items() if chosen is channel]
            messages = db.session.scalars(
                select(Notification).where(Notification.user_id == user_id,
                                           Notification.mail_state == MailState.DIGEST,
                                           Notification.kind.in_(kinds))
                .options(joinedload(Notification.project), joinedload(Notification.task))
                .order_by(Notification.project_id, Notification.id)).all() if kinds else []
            if messages and _claim_period(user_id, period, now):
                totals = _add(totals, _send_digest(user, messages, channel, period))
    metrics.count_mail(totals.sent, totals.retried, totals.failed)
    return totals


def _claim_period(user_id: int, period: str, now: datetime) -> bool:
    """Claim this person's digest of the period, with a lease: a claim whose worker died
    before sending is taken over once its lease ended (the digest may then go twice, if the
    worker died between the SMTP server's answer and the commit; never not at all)."""
    db.session.add(NotificationDigest(user_id=user_id, period=period, claimed_until=now + lease()))
    try:
        db.session.commit()
        return True
    except IntegrityError:  # another worker (or an earlier run) has this period's digest
        db.session.rollback()
    taken_over = db.session.execute(
        update(NotificationDigest).where(
            NotificationDigest.user_id == user_id, NotificationDigest.period == period,
            NotificationDigest.claimed_until < now)
        .values(claimed_until=now + lease())).rowcount
    db.session.commit()
    if taken_over:
        log.warning("Digest %s for user %s taken over from a run that did not finish",
                    period, user_id)
    return bool(taken_over)


def _send_digest(user: User, messages: list[Notification], channel: Channel,
                 period: str) -> Delivery:
    try:
        _compose(user, messages, digest=channel).send()
    except Exception as error:
        db.session.rollback()
        db.session.execute(delete(NotificationDigest).where(
            NotificationDigest.user_id == user.id, NotificationDigest.period == period))
        db.session.commit()
        log.warning("Digest %s for user %s will be retried: %s", period, user.id,
                    error.__class__.__name__)
        return Delivery(retried=1)
    for message in messages:
        message.mail_state = MailState.SENT
    db.session.execute(update(NotificationDigest).where(
        NotificationDigest.user_id == user.id, NotificationDigest.period == period)
        .values(claimed_until=None))
    db.session.commit()
    return Delivery(sent=1)


def _add(a: Delivery, b: Delivery) -> Delivery:
    return Delivery(a.sent + b.sent, a.retried + b.retried, a.failed + b.failed)


def _fate(user: User, channel: Channel) -> MailState:
    """What becomes of a claimed message: sent now, kept for the digest, or not mailed."""
    if not user.active or channel is Channel.OFF:
        return MailState.NONE
    return MailState.DIGEST if channel.is_digest else MailState.PENDING


def _not_mailed(user_id: int, state: MailState) -> None:
    db.session.execute(update(Notification).where(
        Notification.user_id == user_id, Notification.mail_state == state)
        .values(mail_state=MailState.NONE))
    db.session.commit()


def _deliver_to(user: User, messages: list[Notification], now: datetime) -> Delivery:
    wanted = channels(user)
    now_due = []
    for message in messages:
        fate = _fate(user, wanted[message.kind])
        if fate is MailState.PENDING:
            now_due.append(message)
        else:  # the digest (send_digests) or nothing
            message.mail_state, message.mail_next_attempt_at = fate, None
    messages = now_due
    if not messages:
        return Delivery()
    try:
        _compose(user, messages).send()
    except Exception as error:
        return _retry_later(user, messages, now, error)
    for message in messages:
        message.mail_state, message.mail_next_attempt_at = MailState.SENT, None
    return Delivery(sent=1)


def _retry_later(user: User, messages: list[Notification], now: datetime,
                 error: Exception) -> Delivery:
    attempts = messages[0].mail_attempts + 1
    given_up = attempts > len(RETRY_AFTER)
    for message in messages:
        message.mail_attempts = attempts
        message.mail_state = MailState.FAILED if given_up else MailState.PENDING
        message.mail_next_attempt_at = None if given_up else now + RETRY_AFTER[attempts - 1]
    log.warning("E-mail to user %s (%d notifications) %s after attempt %d: %s", user.id,
                len(messages), "given up" if given_up else "will be retried", attempts,
                error.__class__.__name__)
    return Delivery(failed=1) if given_up else Delivery(retried=1)


def _by_project(items: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for item in items:
        groups.setdefault(item["project"], []).append(item)
    return list(groups.items())


def _absolute(path: str) -> str:
    return current_app.config["BASE_URL"] + path


def _compose(user: User, messages: list[Notification],
             digest: Channel | None = None) -> EmailMultiAlternatives:
    """Dutch (or the person's language), plain text with an accessible HTML alternative. Only
    titles and where the work is: no residents' data, no finding texts."""
    # A request context for url_for; a POST one, so that a transaction begun while composing
    # (loading what a commit expired) takes SQLite's write lock and waits its turn, as work
    # outside a page view does (database.py), instead of failing when it writes afterwards.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"],
                                          method="POST"), \
            force_locale(user.locale or "nl"):
        items = [{"sentence": services.sentence(m),
                  "project": m.where,
                  "url": _absolute(services.target(m))} for m in messages]
        kinds = sorted({m.kind for m in messages}, key=list(Kind).index)
        context = {
            "user": user, "items": items,
            "organisation": current_app.config["WASSTRAAT_ORGANISATION"],
            "inbox_url": _absolute(url_for("notifications.index")),
            "settings_url": _absolute(url_for("notifications.settings")),
            "unsubscribe": [(kind, _absolute(url_for(
                "notifications.unsubscribe", token=unsubscribe_token(user.id, kind))))
                for kind in kinds],
            "groups": _by_project(items), "digest": digest,
        }
        if digest is Channel.DAILY:
            subject = ngettext("Uw overzicht van vandaag: %(num)d melding",
                               "Uw overzicht van vandaag: %(num)d meldingen", len(items))
        elif digest is Channel.WEEKLY:
            subject = ngettext("Uw overzicht van deze week: %(num)d melding",
                               "Uw overzicht van deze week: %(num)d meldingen", len(items))
        else:
            subject = (items[0]["sentence"] if len(items) == 1 else gettext(
                "%(count)d nieuwe meldingen in Wasstraat", count=len(items)))
        message = EmailMultiAlternatives(
            subject=f"[{context['organisation']}] {subject}"[:250],
            body=render_template("mail/notifications.txt", **context),
            to=[user.email], connection=mail.get_connection(),
            headers={"List-Unsubscribe": f"<{context['unsubscribe'][0][1]}>",
                     "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                     "Auto-Submitted": "auto-generated"})
        message.attach_alternative(render_template("mail/notifications.html", **context),
                                   "text/html")
    return message

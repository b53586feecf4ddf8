"""Cards, losses and applications: the state rules shared by the citizen routes.

- A temporary loss with an auto-lift time (Sichuan 7 days, Hainan 15 days) is
  lifted when the card is next read after that time (:func:`refresh`): no
  background job, and the (demo/test-shiftable) business clock decides.
- The services a card may use now (:func:`services_for`) follow the pack and
  the card's state; the write routes check the same conditions again.
- Days (issue, expiry, expected-by, ages) are days in China (UTC+8); instants
  are UTC.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import iso_utc
from .errors import ApiError
from .models import Application, ApplicationStage, Card, Loss, Person
from .rules import Rules

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")

#: the service ids of the API, in the order of the rule packs
SERVICES = ("pin_change", "pin_reset", "pin_unblock", "temporary_loss", "formal_loss",
            "lift_loss", "profile_change", "card_status", "progress", "renewal")
#: statuses in which the card is still the person's card (not superseded or void)
LIVE_STATUSES = ("active", "temp_lost", "lost", "not_activated")
#: the last production stage: an application there is finished
FINAL_STAGE = "collected"


def china_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CHINA).date()


def add_working_days(start: dt.date, days: int) -> dt.date:
    """``days`` working days after ``start`` (Saturdays and Sundays skipped)."""
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# --- which card ----------------------------------------------------------------------

def current_card(s: Session, person_id: int) -> Card | None:
    """The person's card: the newest live one, else the newest of all (replaced, cancelled)."""
    cards = list(s.scalars(select(Card).where(Card.person_id == person_id)
                           .order_by(Card.issued_on.desc(), Card.id.desc())))
    for card in cards:
        if card.status in LIVE_STATUSES:
            return card
    return cards[0] if cards else None


def open_loss(s: Session, card: Card) -> Loss | None:
    return s.scalar(select(Loss).where(Loss.card_id == card.id, Loss.lifted_at.is_(None))
                    .order_by(Loss.since.desc(), Loss.id.desc()).limit(1))


def refresh(s: Session, card: Card, now: dt.datetime) -> Loss | None:
    """Apply a due auto-lift; return the card's open loss (None when not lost).

    The change is made on the session: a write route commits it with its own
    changes; a read route answers from it and lets it go (the next read
    computes the same thing from the same clock).
    """
    loss = open_loss(s, card)
    if loss is None:
        return None
    if (loss.kind == "temporary" and loss.auto_lift_at is not None
            and loss.auto_lift_at <= now and card.status == "temp_lost"):
        loss.lifted_at = loss.auto_lift_at
        loss.lifted_by = "auto"
        card.status = loss.previous_status if loss.previous_status in ("active",
                                                                        "not_activated") \
            else "active"
        card.updated_at = now
        return None
    return loss


def open_applications(s: Session, person_id: int) -> list[Application]:
    """The person's applications not yet collected."""
    apps = s.scalars(select(Application).where(Application.person_id == person_id)
                     .order_by(Application.created_at))
    return [a for a in apps if FINAL_STAGE not in _stage_names(s, a)]


def replacement_applied(s: Session, card: Card) -> bool:
    """Was a replacement (补领) of this card applied for (the old card is then void)?"""
    return s.scalar(select(Application.id).where(Application.card_id == card.id,
                                                 Application.kind == "replacement")
                    .limit(1)) is not None


def _stage_names(s: Session, app: Application) -> set[str]:
    return set(s.scalars(select(ApplicationStage.stage)
                         .where(ApplicationStage.application_id == app.id)))


# --- refusals by state ------------------------------------------------------------

def refuse_void(card: Card | None) -> Card:
    """CARD_NOT_FOUND / CARD_CANCELLED / CARD_REPLACED for a card nothing can be done with."""
    if card is None:
        raise ApiError("CARD_NOT_FOUND", "no card is on record for this person")
    if card.status == "cancelled":
        raise ApiError("CARD_CANCELLED", "this card was cancelled",
                       details={"status": card.status})
    if card.status == "replaced":
        raise ApiError("CARD_REPLACED", "this card was replaced by a new one",
                       details={"status": card.status})
    return card


# --- what the card may do now ----------------------------------------------------------

def services_for(s: Session, rules: Rules, person: Person, card: Card | None,
                 loss: Loss | None, now: dt.datetime) -> list[str]:
    """The service ids this person may use now, per the pack and the card's state."""
    status = card.status if card is not None else None
    pending = open_applications(s, person.id)
    replaced = card is not None and replacement_applied(s, card)
    allowed: list[str] = []
    for service in SERVICES:
        if not rules.offered(service):
            continue
        if service in ("pin_change", "pin_reset", "pin_unblock"):
            ok = rules.pin_in_use and status == "active"
        elif service == "temporary_loss":
            ok = "temporary" in rules.loss_kinds and status in ("active", "not_activated")
        elif service == "formal_loss":
            ok = ("formal" in rules.loss_kinds and bool(rules.value("formal_loss_at_kiosk"))
                  and status in ("active", "not_activated", "temp_lost"))
        elif service == "lift_loss":
            if replaced or loss is None:
                ok = False
            elif status == "temp_lost":
                ok = bool(rules.value("lift_temporary_loss_allowed"))
            elif status == "lost":
                ok = bool(rules.value("lift_formal_loss_allowed"))
            else:
                ok = False
        elif service == "profile_change":
            ok = bool(rules.editable_fields) and status != "cancelled"
        elif service == "card_status":
            ok = card is not None
        elif service == "progress":
            ok = True
        elif service == "renewal":
            ok = status in ("active", "not_activated") and not pending
        else:  # pragma: no cover - a service the back office does not know
            ok = False
        if ok:
            allowed.append(service)
    return allowed


# --- answers ----------------------------------------------------------------------------

def card_answer(s: Session, rules: Rules, person: Person, card: Card,
                now: dt.datetime) -> dict:
    """The answer of ``GET /v1/me/card`` (and of reporting or lifting a loss)."""
    loss = refresh(s, card, now)
    return {
        "card_no": card.card_no,
        "status": card.status,
        "loss": None if loss is None else {
            "kind": loss.kind,
            "since": iso_utc(loss.since),
            "auto_lift_at": iso_utc(loss.auto_lift_at) if loss.auto_lift_at else None,
        },
        "issued_on": card.issued_on.isoformat(),
        "expires_on": card.expires_on.isoformat(),
        "bank": card.bank,
        "services": services_for(s, rules, person, card, loss, now),
    }


def application_answer(s: Session, rules: Rules, app: Application) -> dict:
    """One application: the stages reached, in the pack's order, and the current one."""
    reached = {st.stage: st.at for st in s.scalars(
        select(ApplicationStage).where(ApplicationStage.application_id == app.id))}
    order = rules.production_stages
    known = [stage for stage in order if stage in reached]
    # a stage the pack does not list (another jurisdiction's data) goes after, by time
    extra = sorted((st for st in reached if st not in order), key=lambda st: reached[st])
    stages = [{"stage": st, "at": iso_utc(reached[st])} for st in known + extra]
    return {
        "application_id": app.id,
        "kind": app.kind,
        "stages": stages,
        "current_stage": stages[-1]["stage"] if stages else None,
        "expected_by": app.expected_by.isoformat(),
        "outlet": app.outlet,
        "delivery": app.delivery,
    }

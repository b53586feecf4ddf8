"""Changing non-key personal information (非关键信息变更): card + PIN, then the fields the
jurisdiction lets a kiosk change.

The card checks the PIN (where no PIN is in use, Hainan 第14条, the card's holder
shows who they are by SMS or face instead), the back office opens a session and
sends the profile; the citizen changes only the pack's ``editable_fields``
(Hubei 第26条: ID validity, ethnicity, nationality, gender, address, mailing
information, phone; Xinxiang 第18条: address and phone; elsewhere phone,
address and mailing address), each value checked here first
(:mod:`kiosk.validation`: mobile ``^1[3-9]\\d{9}$``, addresses with rare
characters beyond the BMP, days). A key field (the pack's ``key_fields``:
name, ID number, photo... Hubei 第25条, Hainan 第23条) is never a plain edit:
:class:`~kiosk.errors.KeyFieldChangeRequiresRenewal` with the article and a
pointer to the renewal service (``next_service = "renewal"``). The citizen
reviews the changes, confirms, and the change (``PATCH /v1/me/profile``) goes
through the outbox.
"""

from __future__ import annotations

from typing import Any

from kiosk import validation
from kiosk.backoffice_calls import update_profile_call
from kiosk.errors import KeyFieldChangeRequiresRenewal, KioskError, ValidationFailed

from .common import (ENTER_PIN, IDENTIFIED, IDENTITY_REFUSED, PIN_BLOCKED, ServiceWorkflow,
                     card_ids, describe_error, not_offered_error, refusal, rule_article)
from .identity import CARD_HOLDER_ROWS, IdentityStep, PinStep
from .ports import BackOffice, PinCard, RulePack

EDIT_PROFILE = "EditProfile"
CONFIRM_CHANGES = "ConfirmChanges"
PROFILE_CHANGED = "ProfileChanged"
CHANGE_PENDING = "ChangePending"

#: fields that identify the person or are printed on the card: never a plain edit,
#: whatever a pack lists (the back office holds the same list)
ALWAYS_KEY_FIELDS = ("name", "ssn", "photo", "id_type", "card_face", "birth_date")
#: the fields of ``GET /v1/me/profile`` (besides ``editable``)
PROFILE_FIELDS = ("name", "gender", "ethnicity", "nationality", "id_valid_until", "phone",
                  "address", "mailing_address")


class ProfileChange(PinStep, IdentityStep, ServiceWorkflow):
    NAME = "profile_change"
    SERVICE = "profile_change"
    INITIAL = ENTER_PIN
    TRANSITIONS = {
        # the card's holder: card + PIN (card + SMS or face where no PIN is in use)
        **CARD_HOLDER_ROWS,
        (IDENTIFIED, "profile_loaded"): EDIT_PROFILE,
        # one field at a time, checked here first
        (EDIT_PROFILE, "field_changed"): EDIT_PROFILE,
        (EDIT_PROFILE, "field_invalid"): EDIT_PROFILE,
        (EDIT_PROFILE, "key_field_refused"): EDIT_PROFILE,
        (EDIT_PROFILE, "field_not_editable"): EDIT_PROFILE,
        (EDIT_PROFILE, "nothing_changed"): EDIT_PROFILE,
        (EDIT_PROFILE, "review"): CONFIRM_CHANGES,
        (CONFIRM_CHANGES, "edit"): EDIT_PROFILE,
        # the change, through the outbox
        (CONFIRM_CHANGES, "changed"): PROFILE_CHANGED,
        (CONFIRM_CHANGES, "pending"): CHANGE_PENDING,
        (CONFIRM_CHANGES, "field_invalid"): EDIT_PROFILE,       # the back office disagreed
        (CONFIRM_CHANGES, "key_field_refused"): EDIT_PROFILE,
    }
    FINAL = frozenset({PROFILE_CHANGED, CHANGE_PENDING, PIN_BLOCKED, IDENTITY_REFUSED})
    PENDING = frozenset({CHANGE_PENDING})

    def __init__(self, card: PinCard, card_info: Any, client: BackOffice, pack: RulePack,
                 **kw: Any):
        """``card`` and ``card_info`` as for :class:`~kiosk.workflows.loss_lift.LossLift`."""
        super().__init__(client, pack, **card_ids(card_info), **kw)
        self.card = card
        self.card_info = card_info
        self.key_fields = tuple(dict.fromkeys(list(pack.value("key_fields"))
                                              + list(ALWAYS_KEY_FIELDS)))
        self.editable: tuple[str, ...] = tuple(pack.value("editable_fields"))
        self.profile: Any = None
        self.changes: dict[str, Any] = {}
        self._begin_holder_check()

    # --- the profile -------------------------------------------------------------------
    def _after_card_session(self) -> None:
        profile = self.client.my_profile()
        self.profile = profile
        # what both this kiosk's pack and the back office let change
        self.editable = tuple(f for f in self.pack.value("editable_fields")
                              if f in profile.editable)
        self._step("profile_loaded", editable=list(self.editable))
        self._go("profile_loaded", **self._edit_info())

    def change(self, field: str, value: Any) -> None:
        """Set one field's new value (``mailing_address`` None: mail goes to the address)."""
        if not self._expect(EDIT_PROFILE):
            return
        if field in self.key_fields:
            self._step("key_field_refused", field=field)
            self._go("key_field_refused", **self._key_field_info(field))
            return
        if field not in self.editable:
            error = not_offered_error(self.pack, "profile_change", rule="editable_fields",
                                      article=rule_article(self.pack, "editable_fields"),
                                      field=field, editable=list(self.editable))
            self._go("field_not_editable", **self._edit_info(), **describe_error(error))
            return
        problem = validation.field_problem(field, value, self._today())
        if problem:
            self._step("field_invalid", field=field, reason=problem)
            self._go("field_invalid", **self._edit_info(), field=field, reason=problem)
            return
        value = validation.clean_field(field, value, self._today())
        if value == getattr(self.profile, field, None):
            self.changes.pop(field, None)
        else:
            self.changes[field] = value
        self._go("field_changed", **self._edit_info(), field=field)

    def review(self) -> None:
        """On to the confirmation, with the changes made so far."""
        if not self._expect(EDIT_PROFILE):
            return
        if not self.changes:
            self._go("nothing_changed", **self._edit_info(), reason="nothing_changed")
            return
        self._go("review", changes=self._changes_info())

    def edit(self) -> None:
        """Back from the confirmation to the fields."""
        if self._expect(CONFIRM_CHANGES):
            self._go("edit", **self._edit_info())

    def confirm(self) -> None:
        """Send the changes (through the outbox)."""
        if not self._expect(CONFIRM_CHANGES):
            return
        try:
            result = self._send(update_profile_call(dict(self.changes)))
        except KeyFieldChangeRequiresRenewal as e:
            self.changes.pop(e.field or "", None)
            self._go("key_field_refused", **self._key_field_info(e.field or "", e))
            return
        except ValidationFailed as e:
            self._step("field_invalid", field=e.field, reason=e.reason, source="back_office")
            self._go("field_invalid", **self._edit_info(), **describe_error(e))
            return
        except KioskError as e:
            self._end_with(e)
            return
        fields = sorted(self.changes)
        if self._went_pending(result, journal={"fields": fields}, fields=fields):
            return
        self.profile = result
        self._step("changed", fields=fields)
        self._go("changed", fields=fields, profile=result)

    # --- snapshot info -----------------------------------------------------------------------
    def _edit_info(self) -> dict[str, Any]:
        values = {f: getattr(self.profile, f, None) for f in PROFILE_FIELDS}
        values.update(self.changes)
        return {"values": values, "editable": self.editable, "key_fields": self.key_fields,
                "changes": dict(self.changes)}

    def _changes_info(self) -> dict[str, tuple[Any, Any]]:
        return {f: (getattr(self.profile, f, None), v) for f, v in self.changes.items()}

    def _key_field_info(self, field: str, error: KeyFieldChangeRequiresRenewal | None = None
                        ) -> dict[str, Any]:
        if error is None:
            error = refusal(KeyFieldChangeRequiresRenewal, self.pack, rule="key_fields",
                            field=field, next_service="renewal")
        info = self._edit_info()
        info.update(describe_error(error))
        info.update(field=field, next_service="renewal",
                    renewal_offered=self.pack.offers("renewal").offered)
        return info

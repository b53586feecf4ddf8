"""The registry: every service built from one context, offered by one function of the pack."""

import pytest

from kiosk.errors import ServiceNotOffered
from kiosk.policies import jurisdictions, load_pack
from kiosk.services import offered_workflows
from kiosk.workflows.registry import WITH_CARD, WorkflowContext, build_workflow


class _NoCard:
    """A card the PIN change never touches here (it is only built)."""


@pytest.mark.parametrize("jurisdiction", jurisdictions())
def test_the_home_screen_offers_what_the_workflow_gate_lets_start(jurisdiction):
    """The PIN change starts exactly where the home screen offers it (not in Hainan,
    第14条), and the no-card services the attract screen offers all start."""
    pack = load_pack(jurisdiction)
    ctx = WorkflowContext(client=object(), pack=pack, card=_NoCard())
    offered = offered_workflows(pack, with_card=True)
    try:
        build_workflow("pin_change", ctx)
        started = True
    except ServiceNotOffered as refused:
        started = False
        assert refused.details["reason"] == "pin_not_in_use"
    assert started == ("pin_change" in offered)
    assert started == (jurisdiction != "hainan")
    without = WorkflowContext(client=object(), pack=pack)
    for service in offered_workflows(pack, with_card=False):
        assert build_workflow(service, without).NAME in ("loss_report", "card_status")


def test_unknown_services_and_no_back_office_are_refused():
    pack = load_pack("hubei")
    with pytest.raises(ServiceNotOffered):
        build_workflow("teleport", WorkflowContext(client=object(), pack=pack, card=_NoCard()))
    # without a back office only the PIN change runs (it needs nothing but the card)
    bare = WorkflowContext(card=_NoCard())
    assert build_workflow("pin_change", bare).NAME == "pin_change"
    for service in set(WITH_CARD) - {"pin_change"}:
        with pytest.raises(ServiceNotOffered):
            build_workflow(service, bare)
    assert offered_workflows(None, with_card=True) == ("pin_change",)

"""The kinds of feedback ticket: who may file them, their form fields, their workflow and deadlines.

Everything a kind does is data here; :mod:`ckanext.publicdata.feedback.tickets` runs it. Deadlines are keys of
:mod:`ckanext.publicdata.deadlines` (the figures come from the configured city preset), never numbers.

Roles that act on a ticket: ``provider`` (editors and admins of the responsible organization), ``authority``
(the open-data authority for that organization: city bureau, or the county bureau it answers to), ``submitter``
(the account that filed it). Sysadmins act in every role.

Workflows (status → action → status):

* error_report / objection / suggestion (FB-1, BZ-R 17): ``submitted`` (provider, feedback_handle) → answer →
  ``closed``; a report filed without a dataset, or sent back by the provider, waits ``at_authority``
  (complaint_forward, ZB 17) until the authority forwards it to a provider.
* illegal_use_report (FB-6, ZB 52): ``at_authority`` → answer (the authority itself) or forward to a provider.
* rights_complaint (FB-2, BZ-R 22): ``submitted`` → suspend → ``suspended`` → withdraw | restore | reprocess →
  ``closed`` (outcome withdrawn | restored | reprocessed); ``submitted`` → reject → ``closed``.
* data_demand (DEM-1, BZ-R 16): ``submitted`` (authority formal review, demand_review) → forward →
  ``with_provider`` (demand_provider) → answer_already_open → ``closed`` | answer_can_open → ``opening``
  (demand_open) → mark_opened (links the new dataset) → ``closed`` | answer_cannot_open → ``closed``.
* opening_need (DEM-2): ``submitted`` (authority moderation) → publish → ``published`` (seen by providers when they
  plan the annual list) → close (adopted / declined) → ``closed``.
* rectification (FB-4, SU 16): raised by the authority: ``assigned`` (rectification) → report_fixed → ``fixed`` →
  confirm → ``closed`` | send_back → ``assigned`` (a new period).
* use_result (FB-5, BZ-R 18): ``submitted`` (moderation) → publish → ``published`` → unpublish → ``closed``.

Every open ticket may be cancelled by its submitter (outcome ``cancelled``).
"""
from __future__ import annotations

import dataclasses
from typing import Optional

import ckan.plugins.toolkit as tk

__all__ = ["Transition", "Field", "Kind", "KINDS", "kind", "STATUS_LABELS", "OUTCOME_LABELS", "CLOSED",
           "SUBMITTER", "PROVIDER", "AUTHORITY", "HANDLERS", "ANONYMOUS_KINDS"]

_ = tk._

SUBMITTER = "submitter"
PROVIDER = "provider"
AUTHORITY = "authority"
HANDLERS = (PROVIDER, AUTHORITY)

CLOSED = "closed"


def _n(message: str) -> str:
    """Mark a string for translation; it is translated where it is shown."""
    return message


STATUS_LABELS: dict[str, str] = {
    "submitted": _n("Submitted"),
    "at_authority": _n("With the authority"),
    "suspended": _n("Dataset suspended"),
    "with_provider": _n("With the provider"),
    "opening": _n("Being opened"),
    "published": _n("Published"),
    "assigned": _n("Rectification assigned"),
    "fixed": _n("Fixed, awaiting check"),
    CLOSED: _n("Closed"),
}

OUTCOME_LABELS: dict[str, str] = {
    "answered": _n("Answered"),
    "corrected": _n("Corrected"),
    "not_an_error": _n("Not an error"),
    "explained": _n("Explained"),
    "upheld": _n("Upheld"),
    "dismissed": _n("Dismissed"),
    "adopted": _n("Adopted"),
    "noted": _n("Noted"),
    "substantiated": _n("Substantiated"),
    "unsubstantiated": _n("Unsubstantiated"),
    "rejected": _n("Rejected"),
    "cancelled": _n("Cancelled by the submitter"),
    "withdrawn": _n("Data withdrawn"),
    "restored": _n("Opening restored"),
    "reprocessed": _n("Reprocessed and reopened"),
    "already_open": _n("Already open"),
    "opened": _n("Opened"),
    "cannot_open": _n("Cannot be opened"),
    "declined": _n("Declined"),
    "rectified": _n("Rectified"),
    "unpublished": _n("Unpublished"),
}


@dataclasses.dataclass(frozen=True)
class Transition:
    """One step of a workflow.

    ``requires`` names parameters that must be given: ``note`` (the reason), ``response`` (the public answer),
    ``organization_id`` (the provider it goes to), ``linked_package_id`` (the dataset that holds the data).
    ``outcomes`` lists the outcomes the actor may choose (first is the default); ``outcome`` fixes it.
    ``deadline_key`` is the deadline of the stage it starts (None: no deadline). ``handles`` marks the answer
    that counts as handling the ticket (its time is the response time). ``suspension`` is "suspend" or "lift"
    for the rights-complaint steps that act on the dataset.
    """

    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    actors: tuple[str, ...]
    deadline_key: Optional[str] = None
    requires: tuple[str, ...] = ()
    outcome: Optional[str] = None
    outcomes: tuple[str, ...] = ()
    handles: bool = False
    makes_public: Optional[bool] = None
    suspension: Optional[str] = None

    @property
    def closes(self) -> bool:
        return self.target == CLOSED


@dataclasses.dataclass(frozen=True)
class Field:
    """A kind-specific form field, stored in ``Ticket.details``."""

    name: str
    label: str
    required: bool = False
    input: str = "text"  # text | textarea | select | date | url | datasets
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int = 2000


@dataclasses.dataclass(frozen=True)
class Kind:
    name: str
    label: str
    description: str
    # who may file: "public" (also anonymous, with a contact), "user" (an account), "authority"
    filed_by: str
    # "required", "optional" or "none": whether it is about a dataset
    dataset: str
    fields: tuple[Field, ...]
    initial_status: str
    initial_deadline: Optional[str]
    transitions: tuple[Transition, ...]
    # where a ticket starts when no responsible provider is known yet
    unassigned_status: Optional[str] = None
    unassigned_deadline: Optional[str] = None
    # shown on the dataset page's 纠错/反馈 entry
    on_dataset_page: bool = False
    # the public may see it once published (use results, opening needs)
    public_when: tuple[str, ...] = ()
    # who must act next in each open status (the dashboard's "to handle"); statuses not listed wait on nobody
    waiting_on: tuple[tuple[str, str], ...] = ()

    def waiting_role(self, status: str) -> Optional[str]:
        return dict(self.waiting_on).get(status)

    def transition(self, action: str) -> Optional[Transition]:
        for candidate in self.transitions:
            if candidate.action == action:
                return candidate
        return None

    def field(self, name: str) -> Optional[Field]:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        return None

    @property
    def anonymous_allowed(self) -> bool:
        return self.filed_by == "public"


def _cancel(sources: tuple[str, ...]) -> Transition:
    return Transition("cancel", _n("Cancel my request"), sources, CLOSED, (SUBMITTER,), outcome="cancelled")


def _feedback_workflow(outcomes: tuple[str, ...]) -> tuple[Transition, ...]:
    return (
        Transition("forward", _n("Forward to the provider"), ("at_authority",), "submitted", (AUTHORITY,),
                   deadline_key="feedback_handle", requires=("organization_id",)),
        Transition("return_to_authority", _n("Not ours: return to the authority"), ("submitted",), "at_authority",
                   (PROVIDER,), deadline_key="complaint_forward", requires=("note",)),
        Transition("answer", _n("Answer"), ("submitted", "at_authority"), CLOSED, HANDLERS,
                   requires=("response",), outcomes=outcomes, handles=True),
        Transition("reject", _n("Reject as invalid"), ("submitted", "at_authority"), CLOSED, HANDLERS,
                   requires=("note",), outcome="rejected", handles=True),
        _cancel(("submitted", "at_authority")),
    )


_CONTACT_NOTE = _n("Contact details are only seen by the people handling your request.")

ERROR_TYPES = (
    ("wrong_value", _n("Wrong value")),
    ("missing_data", _n("Missing data")),
    ("outdated", _n("Out of date")),
    ("broken_link", _n("Broken link or download")),
    ("format", _n("Format problem")),
    ("other", _n("Other")),
)

RIGHT_TYPES = (
    ("privacy", _n("Personal privacy")),
    ("trade_secret", _n("Trade secret")),
    ("other_right", _n("Other lawful right")),
)

RESULT_TYPES = (
    ("application", _n("Application")),
    ("report", _n("Research report")),
    ("product", _n("Data product or service")),
    ("other", _n("Other")),
)


KINDS: dict[str, Kind] = {}


def _register(definition: Kind) -> None:
    KINDS[definition.name] = definition


_register(Kind(
    name="error_report",
    label=_n("Error report"),
    description=_n("Report wrong, missing or outdated data in a dataset."),
    filed_by="public",
    dataset="required",
    fields=(
        Field("error_type", _n("Type of error"), required=True, input="select", choices=ERROR_TYPES),
        Field("location", _n("Where (resource, row, field)"), max_length=500),
        Field("correct_value", _n("What it should be"), input="textarea"),
    ),
    initial_status="submitted",
    initial_deadline="feedback_handle",
    unassigned_status="at_authority",
    unassigned_deadline="complaint_forward",
    transitions=_feedback_workflow(("corrected", "not_an_error", "explained")),
    on_dataset_page=True,
    waiting_on=(("submitted", PROVIDER), ("at_authority", AUTHORITY)),
))

_register(Kind(
    name="objection",
    label=_n("Objection"),
    description=_n("Object to a dataset's content or to how it is opened."),
    filed_by="user",
    dataset="required",
    fields=(
        Field("grounds", _n("Grounds of the objection"), required=True, input="textarea"),
        Field("request", _n("What you ask for"), input="textarea"),
    ),
    initial_status="submitted",
    initial_deadline="feedback_handle",
    unassigned_status="at_authority",
    unassigned_deadline="complaint_forward",
    transitions=_feedback_workflow(("upheld", "dismissed", "explained")),
    on_dataset_page=True,
    waiting_on=(("submitted", PROVIDER), ("at_authority", AUTHORITY)),
))

_register(Kind(
    name="rights_complaint",
    label=_n("Rights complaint"),
    description=_n("Open data infringes your privacy, trade secrets or other lawful rights."),
    filed_by="user",
    dataset="required",
    fields=(
        Field("right_type", _n("Right infringed"), required=True, input="select", choices=RIGHT_TYPES),
        Field("evidence", _n("Facts and evidence"), required=True, input="textarea"),
    ),
    initial_status="submitted",
    initial_deadline="feedback_handle",
    transitions=(
        Transition("suspend", _n("Suspend opening now"), ("submitted",), "suspended", HANDLERS,
                   deadline_key="feedback_handle", requires=("note",), handles=True, suspension="suspend"),
        Transition("reject", _n("Reject: no infringement found"), ("submitted",), CLOSED, HANDLERS,
                   requires=("response",), outcome="rejected", handles=True),
        Transition("withdraw", _n("Withdraw the data"), ("suspended",), CLOSED, HANDLERS,
                   requires=("response",), outcome="withdrawn", suspension="lift"),
        Transition("restore", _n("Restore opening"), ("suspended",), CLOSED, HANDLERS,
                   requires=("response",), outcome="restored", suspension="lift"),
        Transition("reprocess", _n("Reopen after reprocessing"), ("suspended",), CLOSED, HANDLERS,
                   requires=("response",), outcome="reprocessed", suspension="lift"),
        _cancel(("submitted",)),
    ),
    on_dataset_page=True,
    waiting_on=(("submitted", PROVIDER), ("suspended", PROVIDER)),
))

_register(Kind(
    name="suggestion",
    label=_n("Suggestion"),
    description=_n("Suggest an improvement to a dataset or to the portal."),
    filed_by="public",
    dataset="optional",
    fields=(),
    initial_status="submitted",
    initial_deadline="feedback_handle",
    unassigned_status="at_authority",
    unassigned_deadline="complaint_forward",
    transitions=_feedback_workflow(("adopted", "noted")),
    on_dataset_page=True,
    waiting_on=(("submitted", PROVIDER), ("at_authority", AUTHORITY)),
))

_register(Kind(
    name="illegal_use_report",
    label=_n("Report of illegal use"),
    description=_n("Report someone using public data against the law or a use agreement."),
    filed_by="user",
    dataset="optional",
    fields=(
        Field("reported_party", _n("Who is misusing the data"), required=True, max_length=500),
        Field("evidence", _n("Facts and evidence"), required=True, input="textarea"),
    ),
    initial_status="at_authority",
    initial_deadline="complaint_forward",
    unassigned_status="at_authority",
    unassigned_deadline="complaint_forward",
    transitions=_feedback_workflow(("substantiated", "unsubstantiated")),
    on_dataset_page=True,
    waiting_on=(("submitted", PROVIDER), ("at_authority", AUTHORITY)),
))

_register(Kind(
    name="data_demand",
    label=_n("Demand for data not yet open"),
    description=_n("Ask for data that is not open yet; the authority reviews it and the provider answers."),
    filed_by="user",
    dataset="none",
    fields=(
        Field("requested_data", _n("Data you need"), required=True, input="textarea"),
        Field("purpose", _n("Application scenario"), required=True, input="textarea"),
        Field("data_items", _n("Data items needed"), input="textarea"),
        Field("suggested_provider", _n("Agency you think holds it"), max_length=200),
        Field("update_frequency", _n("Update frequency needed"), max_length=100),
    ),
    initial_status="submitted",
    initial_deadline="demand_review",
    transitions=(
        Transition("forward", _n("Passed formal review: send to the provider"), ("submitted",), "with_provider",
                   (AUTHORITY,), deadline_key="demand_provider", requires=("organization_id",)),
        Transition("reject", _n("Failed formal review"), ("submitted",), CLOSED, (AUTHORITY,),
                   requires=("response",), outcome="rejected", handles=True),
        Transition("answer_already_open", _n("Already open: say where"), ("with_provider",), CLOSED,
                   (PROVIDER, AUTHORITY), requires=("response", "linked_package_id"), outcome="already_open",
                   handles=True),
        Transition("answer_can_open", _n("Can be opened"), ("with_provider",), "opening", (PROVIDER, AUTHORITY),
                   deadline_key="demand_open", requires=("response",), handles=True),
        Transition("answer_cannot_open", _n("Cannot be opened: give reasons"), ("with_provider",), CLOSED,
                   (PROVIDER, AUTHORITY), requires=("response",), outcome="cannot_open", handles=True),
        Transition("mark_opened", _n("Opened: link the dataset"), ("opening",), CLOSED, (PROVIDER, AUTHORITY),
                   requires=("linked_package_id",), outcome="opened"),
        _cancel(("submitted", "with_provider")),
    ),
    waiting_on=(("submitted", AUTHORITY), ("with_provider", PROVIDER), ("opening", PROVIDER)),
))

_register(Kind(
    name="opening_need",
    label=_n("Opening need"),
    description=_n("Tell us which data should be opened; providers see the needs when they plan the annual "
                   "open list."),
    filed_by="user",
    dataset="none",
    fields=(
        Field("domain", _n("Field or domain"), max_length=200),
        Field("expected_use", _n("Expected use"), input="textarea"),
    ),
    initial_status="submitted",
    initial_deadline="demand_review",
    transitions=(
        Transition("publish", _n("Publish the need"), ("submitted",), "published", (AUTHORITY,),
                   makes_public=True, handles=True),
        Transition("reject", _n("Reject"), ("submitted",), CLOSED, (AUTHORITY,), requires=("response",),
                   outcome="rejected", handles=True),
        Transition("close", _n("Close the need"), ("published",), CLOSED, HANDLERS, requires=("response",),
                   outcomes=("adopted", "declined")),
        _cancel(("submitted", "published")),
    ),
    public_when=("published", CLOSED),
    waiting_on=(("submitted", AUTHORITY),),
))

_register(Kind(
    name="rectification",
    label=_n("Rectification task"),
    description=_n("A data-quality problem found by the authority that the provider must fix."),
    filed_by="authority",
    dataset="required",
    fields=(
        Field("problems", _n("Problems found"), required=True, input="textarea"),
        Field("audit_reference", _n("Audit reference"), max_length=200),
    ),
    initial_status="assigned",
    initial_deadline="rectification",
    transitions=(
        Transition("report_fixed", _n("Report as fixed"), ("assigned",), "fixed", (PROVIDER,),
                   requires=("response",), handles=True),
        Transition("confirm", _n("Confirm the fix"), ("fixed",), CLOSED, (AUTHORITY,), outcome="rectified"),
        Transition("send_back", _n("Not fixed: send back"), ("fixed",), "assigned", (AUTHORITY,),
                   deadline_key="rectification", requires=("note",)),
        Transition("cancel", _n("Cancel the task"), ("assigned", "fixed"), CLOSED, (AUTHORITY,),
                   requires=("note",), outcome="cancelled"),
    ),
    waiting_on=(("assigned", PROVIDER), ("fixed", AUTHORITY)),
))

_register(Kind(
    name="use_result",
    label=_n("Data-use result"),
    description=_n("Show what you built with open data; after moderation it appears in the public gallery."),
    filed_by="user",
    dataset="none",
    fields=(
        Field("result_type", _n("Type of result"), required=True, input="select", choices=RESULT_TYPES),
        Field("url", _n("Link to the result"), input="url", max_length=500),
        Field("source_datasets", _n("Datasets used"), required=True, input="datasets"),
        Field("acquisition_date", _n("Date the data was obtained"), required=True, input="date"),
        Field("producer", _n("Produced by"), max_length=200),
    ),
    initial_status="submitted",
    initial_deadline=None,
    transitions=(
        Transition("publish", _n("Publish in the gallery"), ("submitted",), "published", (AUTHORITY,),
                   makes_public=True, handles=True),
        Transition("reject", _n("Reject"), ("submitted",), CLOSED, (AUTHORITY,), requires=("response",),
                   outcome="rejected", handles=True),
        Transition("unpublish", _n("Unpublish"), ("published",), CLOSED, (AUTHORITY, SUBMITTER),
                   requires=("note",), outcome="unpublished", makes_public=False),
        _cancel(("submitted",)),
    ),
    public_when=("published",),
    waiting_on=(("submitted", AUTHORITY),),
))

ANONYMOUS_KINDS = tuple(name for name, definition in KINDS.items() if definition.anonymous_allowed)


def kind(name: str) -> Kind:
    """The kind ``name``; a bilingual ValidationError for an unknown one."""
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(KINDS)
        raise tk.ValidationError({"kind": [
            f"未知的反馈类型：{name} / Unknown ticket kind: {name} (one of {known})"]}) from None

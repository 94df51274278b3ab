"""Applicant identity and real-name verification (ACC-2; BZ-R 14 (一)).

A user states whether they apply as an individual (居民身份证号码, GB 11643 check digit) or as an organization
(统一社会信用代码, GB 32100 check character). Verification is pluggable (``IIdentityVerifier``); without an
implementation that decides, the identity waits for the authority, who checks the uploaded materials.
"""
from __future__ import annotations

import datetime
import logging
from typing import Any, Optional

import ckan.model as model
import ckan.plugins as p

from ckanext.publicdata.access.interfaces import IIdentityVerifier
from ckanext.publicdata.access.model.identity import Identity
from ckanext.publicdata.catalog import credit_code, pii

log = logging.getLogger(__name__)

__all__ = ["normalise_number", "number_error", "save_identity", "set_verification", "identity_of"]


def normalise_number(value: str) -> str:
    return credit_code.normalise(value)


def number_error(applicant_type: str, number: str) -> Optional[str]:
    """A bilingual message when ``number`` is not a valid number for ``applicant_type``, else None."""
    if applicant_type == "individual":
        if not pii.is_valid_id_number(number):
            return "身份证号码无效（校验位不符或格式错误） / The ID number is invalid (check digit or format)"
    elif applicant_type == "organization":
        if not credit_code.is_valid_unified_credit_code(number):
            return ("统一社会信用代码无效（校验位不符或格式错误） / "
                    "The unified social credit code is invalid (check character or format)")
    else:
        return "申请主体类型须为个人或组织 / The applicant type must be individual or organization"
    return None


def identity_of(user_id: str) -> Optional[Identity]:
    return Identity.for_user(user_id)


def _ask_verifiers(user_name: str, identity: Identity) -> Optional[dict[str, Any]]:
    data = identity.dictize()
    for verifier in p.PluginImplementations(IIdentityVerifier):
        try:
            decision = verifier.verify_identity(user_name, data)
        except Exception:  # a broken verifier must not break the portal: the authority decides instead
            log.exception("identity verifier %r failed", verifier)
            continue
        if decision and decision.get("status") in ("verified", "rejected", "pending"):
            decision.setdefault("verifier", getattr(verifier, "name", type(verifier).__name__))
            return decision
    return None


def save_identity(user: model.User, fields: dict[str, Any]) -> Identity:
    """Store the user's stated identity (validated by the caller) and ask the verifiers. A change of type, name
    or number resets a previous verification. Adds to the session; the caller commits."""
    identity = Identity.for_user(user.id)
    number = normalise_number(fields["identity_number"])
    changed = identity is None or (
        identity.applicant_type, identity.legal_name, identity.identity_number
    ) != (fields["applicant_type"], fields["legal_name"], number)
    if identity is None:
        identity = Identity(user_id=user.id, materials=[])
        model.Session.add(identity)
    identity.applicant_type = fields["applicant_type"]
    identity.legal_name = fields["legal_name"]
    identity.identity_number = number
    identity.contact_person = fields.get("contact_person") or None
    identity.contact_phone = fields.get("contact_phone") or None
    if fields.get("materials"):
        identity.materials = [*(identity.materials or []), *fields["materials"]]
    if changed or identity.status in ("unverified", "rejected"):
        identity.status = "pending"
        identity.verifier = identity.verified_by = identity.verified_at = None
        identity.note = None
    model.Session.flush()
    if identity.status == "pending":
        decision = _ask_verifiers(user.name, identity)
        if decision:
            identity.status = decision["status"]
            identity.verifier = decision.get("verifier")
            identity.note = decision.get("note")
            if identity.status == "verified":
                identity.verified_at = datetime.datetime.utcnow()
    return identity


def set_verification(identity: Identity, status: str, actor: model.User, note: str) -> Identity:
    """The authority's decision on the materials (built-in verifier)."""
    identity.status = status
    identity.verifier = "authority"
    identity.verified_by = actor.id
    identity.verified_at = datetime.datetime.utcnow()
    identity.note = note or None
    return identity

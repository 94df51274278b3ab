"""Pluggable parts of the access workflow (ACC-2): identity verification and the credit blocklist.

A city implements these against its provincial services (e.g. 山东省统一身份认证, 信用中国 lists) in its own
plugin; the portal asks every loaded implementation in plugin order and falls back to the built-in behaviour.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins as p

__all__ = ["IIdentityVerifier", "ICreditBlocklist"]


class IIdentityVerifier(p.Interface):
    """Real-name verification of a data user's stated identity.

    The built-in verifier decides nothing by itself: an identity stays ``pending`` until the authority checks the
    uploaded materials and marks it verified or rejected (``publicdata_access_identity_verify``).
    """

    def verify_identity(self, user_name: str, identity: dict[str, Any]) -> Optional[dict[str, Any]]:
        """Verify ``identity`` (applicant_type, legal_name, identity_number, contact_person, contact_phone).

        Return None to leave the decision to the next verifier (finally to the authority), or a dict
        ``{"status": "verified"|"rejected"|"pending", "note": str, "verifier": str}``. Raise nothing: a
        verifier that cannot reach its service returns None (or ``pending`` with a note).
        """
        return None


class ICreditBlocklist(p.Interface):
    """Credit lists (失信被执行人名单, 严重违法失信企业名单, BZ-R 14): is an applicant listed?

    The built-in list is the table the authority imports from CSV and edits; implementations can query an
    external credit service as well. Every implementation is asked; the first hit refuses the applicant.
    """

    def credit_blocklist_hit(self, identity_number: str, applicant_type: str) -> Optional[dict[str, Any]]:
        """None when ``identity_number`` (ID number or unified social credit code, upper case) is not listed,
        otherwise ``{"list_type": str, "reason": str, "source": str}``."""
        return None

"""Tables of the publicdata_access plugin (prefixed ``publicdata_access_``); import every model module here."""
from __future__ import annotations

from ckanext.publicdata.access.model.grant import Grant  # noqa: F401
from ckanext.publicdata.access.model.audit import AuditAnchor, AuditEvent  # noqa: F401
from ckanext.publicdata.access.model.identity import Identity  # noqa: F401,E402
from ckanext.publicdata.access.model.blocklist import BlocklistEntry  # noqa: F401,E402
from ckanext.publicdata.access.model.application import AccessRequest, AccessRequestEvent  # noqa: F401,E402
from ckanext.publicdata.access.model.agreement import AgreementTemplate, UseAgreement  # noqa: F401,E402
from ckanext.publicdata.access.model.use_report import UseReport  # noqa: F401,E402

"""Tables of the publicdata_harvest plugin (prefixed ``publicdata_harvest_``); import every model module here."""
from ckanext.publicdata.harvest.model.records import *  # noqa: F401,F403

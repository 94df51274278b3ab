"""Tables of the publicdata_harvest plugin (prefixed ``publicdata_harvest_``); import every model module here."""

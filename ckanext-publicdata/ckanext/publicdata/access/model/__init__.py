"""Tables of the publicdata_access plugin (prefixed ``publicdata_access_``); import every model module here."""

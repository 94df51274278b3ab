"""Tables of the publicdata_feedback plugin (prefixed ``publicdata_feedback_``); import every model module here."""

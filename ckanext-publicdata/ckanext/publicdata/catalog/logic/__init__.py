"""Actions, auth functions, validators and schemas of the catalog."""

"""Catalog: the open-attribute taxonomy (TAX-*), its schema rules, change requests, facets and citations.

Public modules: ``credit_code`` (GB 32100 checksum), ``open_attribute`` (downgrade rules and requests),
``authority`` (who is the open-data authority for an agency), ``logic.*`` (actions, auth, validators).
"""

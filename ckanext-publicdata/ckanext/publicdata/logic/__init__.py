"""The extension's actions, auth functions and validators, gathered from each capability package.

CKAN's blankets read ``ckanext.publicdata.logic.action`` / ``.auth`` / ``.validators``; each re-exports its
capabilities' members through ``__all__``.
"""

"""Embedded search: CKAN's search surface on PostgreSQL, with Chinese segmentation.

Public entry points: ``backend_install.configure`` / ``uninstall`` / ``health``.
"""

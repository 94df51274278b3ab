"""Alembic environment of the publicdata_access plugin: see :mod:`ckanext.publicdata.alembic_env`."""
from ckanext.publicdata.alembic_env import run

# the plugin's models, so --autogenerate can compare them
import ckanext.publicdata.access.model  # noqa: E402,F401

run(__file__)

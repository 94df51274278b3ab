"""Alembic environment of the publicdata_harvest plugin: see :mod:`ckanext.publicdata.alembic_env`."""
from ckanext.publicdata.alembic_env import run

# the plugin's models, so --autogenerate can compare them
import ckanext.publicdata.harvest.model  # noqa: E402,F401

run(__file__)

"""Alembic environment of the publicdata plugin: see :mod:`ckanext.publicdata.alembic_env`."""
from ckanext.publicdata.alembic_env import run

# the plugin's models, so --autogenerate can compare them
import ckanext.publicdata.catalog.model  # noqa: E402,F401
import ckanext.publicdata.notifications.model  # noqa: E402,F401
import ckanext.publicdata.openlist.model  # noqa: E402,F401
import ckanext.publicdata.reminders.model  # noqa: E402,F401

run(__file__)

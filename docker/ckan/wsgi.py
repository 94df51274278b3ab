"""WSGI entry point for gunicorn: CKAN 2.11 built from the ini file named by $CKAN_INI.

CKAN 2.11 ships no wsgi module of its own; its app factory is ckan.config.middleware.make_app, fed with
the configuration that ckan.cli.CKANConfigLoader reads (the same loader the `ckan` command uses, so the
web workers and the CLI containers see identical settings).
"""
from __future__ import annotations

import os
from logging.config import fileConfig

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

config_path = os.environ["CKAN_INI"]
fileConfig(config_path, disable_existing_loggers=False)
application = make_app(CKANConfigLoader(config_path).get_config())

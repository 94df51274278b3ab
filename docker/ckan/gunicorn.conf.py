"""gunicorn settings for the `ckan` service; every value can be changed from docker/.env."""
from __future__ import annotations

import multiprocessing
import os

bind = "0.0.0.0:5000"
wsgi_app = "wsgi:application"
# CKAN is synchronous and mostly waits on PostgreSQL and Solr: a few processes per core
workers = int(os.environ.get("GUNICORN_WORKERS") or min(2 * multiprocessing.cpu_count() + 1, 9))
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 120)  # large uploads and exports
graceful_timeout = 30
keepalive = 5
# recycle workers now and then, so slow leaks in extensions never add up
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 2000)
max_requests_jitter = 200
# each worker builds its own app (own SQLAlchemy pool); nginx in front is the only client
preload_app = False
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "*")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

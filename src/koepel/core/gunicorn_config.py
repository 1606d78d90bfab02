"""gunicorn's settings for Koepel, read by ``koepel serve`` (``--config
python:koepel.core.gunicorn_config``) and by the benchmarks that start gunicorn as it does.

``keepalive``: how long an idle kept-alive connection stays open. gunicorn's own default is
2 seconds, shorter than a person reads a page before the next click: the server then closes
the connection just as the browser (or a proxy) sends its next request on it, and that request
fails with a reset. 75 seconds is longer than people think between two clicks and longer than
the idle time of a proxy's pool of connections to Koepel (nginx's ``keepalive_timeout`` in an
``upstream`` block is 60 s by default), so it is always the client that closes an idle
connection, never the server under its feet. With ``gthread`` workers an idle connection waits
in the worker's poller and holds no thread. ``KOEPEL_KEEPALIVE`` sets another number of
seconds; see docs/deployment.md.
"""

import os

KEEPALIVE_SECONDS = 75

keepalive = int(os.environ.get("KOEPEL_KEEPALIVE", str(KEEPALIVE_SECONDS)))

"""Koepel's own settings, with the benchmark's bare view added to its URLs (``load_urls``).

Only ``bench/load.py`` uses this module: the production URLs stay without it.
"""

from koepel.settings import *  # noqa: F403 - the settings as served, one line changed

ROOT_URLCONF = "load_urls"
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405 - the in-process query count

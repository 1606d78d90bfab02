"""Settings for the Koepel that the browser tests and the screenshot script start.

The production settings, with static files served straight from the apps' folders: collecting
and compressing them would add half a minute to every run and test nothing the pages need.
"""

from koepel.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

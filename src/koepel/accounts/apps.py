from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "koepel.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # The office hears of each lockout through a signal receiver in this module.
        # Every model declares how it may be seen (system check accounts.E001).
        from koepel.accounts import (
            checks,  # noqa: F401
            lockouts,  # noqa: F401
        )
        from koepel.accounts.access import access_key, grants, viewer_for, visible
        from koepel.search import access as search_access

        # Search sits below this app and so cannot import the one access check: it is handed
        # over here, with the viewer by which search caches its statements and what a viewer
        # may see, which the index holds as terms of its own, and the key under which a page of
        # results is kept for everyone with the same access.
        search_access.use(visible=visible, viewer=viewer_for, grants=grants, key=access_key)

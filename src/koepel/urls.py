"""The site's addresses. Page paths are Dutch, as the interface is."""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import include, path


def _office_only(request: HttpRequest) -> bool:
    """The back office is the network office's: staff flags alone do not open it."""
    user = request.user
    return bool(user.is_active and (getattr(user, "is_office", False) or user.is_superuser))


admin.site.has_permission = _office_only  # type: ignore[method-assign]
admin.site.site_header = "Koepel"
admin.site.site_title = "Koepel"
admin.site.index_title = "Beheer"

urlpatterns = [
    path("", include("koepel.core.urls")),
    path("", include("koepel.meetings.urls")),
    path("", include("koepel.advocacy.urls")),
    path("", include("koepel.library.urls")),
    path("", include("koepel.reports.urls")),
    path("", include("koepel.registry.urls")),
    path("", include("koepel.accounts.urls")),
    path("", include("koepel.search.urls")),
    path("", include("koepel.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
]

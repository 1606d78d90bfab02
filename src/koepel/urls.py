"""The site's addresses. Page paths are Dutch, as the interface is."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import include, path, re_path

from koepel.accounts.access import can_manage_registry
from koepel.api.problems import not_found as api_not_found


def _office_only(request: HttpRequest) -> bool:
    """The back office is the network office's: staff flags alone do not open it, nor a
    password without the second factor (docs/security.md)."""
    user: Any = request.user
    return can_manage_registry(user) and bool(user.is_verified())


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
    path("", include("koepel.notices.urls")),
    path("", include("koepel.mywork.urls")),
    path("", include("koepel.registry.urls")),
    path("", include("koepel.accounts.urls")),
    path("", include("koepel.search.urls")),
    path("api/v1/", include("koepel.api.urls")),
    # Any other address under /api/ — /api/v1 itself, /api/v2 — answers in the API's form.
    re_path(r"^api(/[\s\S]*)?$", api_not_found),
    path("", include("koepel.api.pages")),
    path("", include("koepel.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
]

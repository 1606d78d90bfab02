"""The site's addresses. Page paths are Dutch, as the interface is."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Koepel"
admin.site.site_title = "Koepel"
admin.site.index_title = "Beheer"

urlpatterns = [
    path("", include("koepel.core.urls")),
    path("", include("koepel.meetings.urls")),
    path("", include("koepel.advocacy.urls")),
    path("", include("koepel.library.urls")),
    path("", include("koepel.registry.urls")),
    path("", include("koepel.accounts.urls")),
    path("", include("koepel.search.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
]

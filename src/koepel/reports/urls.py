from django.urls import path

from koepel.reports import views

app_name = "reports"
urlpatterns = [
    path("jaarverslag/", views.report_latest, name="latest"),
    path("jaarverslag/<int:year>/", views.report_page, name="report"),
    path("jaarverslag/<int:year>/sectie/<str:key>/", views.section_edit, name="section"),
    path("jaarverslag/<int:year>/download/<str:format>/", views.download, name="download"),
    path("jaarverslag/<int:year>/bestand/<int:pk>/", views.rendered_file, name="file"),
    path(
        "jaarverslag/<int:year>/bestand/<int:pk>/status/",
        views.rendered_file_status,
        name="file-status",
    ),
]

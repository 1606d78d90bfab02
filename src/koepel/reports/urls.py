from django.urls import path

from koepel.reports import views

app_name = "reports"
urlpatterns = [
    path("jaarverslag/", views.report_latest, name="latest"),
    path("jaarverslag/<int:year>/", views.report_page, name="report"),
    path("jaarverslag/<int:year>/sectie/<str:key>/", views.section_edit, name="section"),
    path("jaarverslag/<int:year>/download/<str:format>/", views.download, name="download"),
    path("jaarverslag/<int:year>/bestand/<int:pk>/", views.rendered_file, name="file"),
    path("jaarverslag/<int:year>/publiceren/", views.publish, name="publish"),
    path("jaarverslag/<int:year>/voortgang/", views.progress, name="progress"),
    path(
        "jaarverslag/<int:year>/sectie/<str:key>/toewijzen/",
        views.section_assign,
        name="section_assign",
    ),
    path(
        "jaarverslag/<int:year>/sectie/<str:key>/beoordelen/",
        views.section_review,
        name="section_review",
    ),
    path(
        "jaarverslag/<int:year>/gepubliceerd/<str:format>/",
        views.published_file,
        name="published_file",
    ),
    path("jaarverslag/huisstijl/", views.style_edit, name="style"),
    path(
        "jaarverslag/<int:year>/bestand/<int:pk>/status/",
        views.rendered_file_status,
        name="file-status",
    ),
]

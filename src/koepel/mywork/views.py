"""The "Mijn werk" pages: every panel that concerns the person signed in, and one panel's full
list. Thin: the panels are built and read in ``panels``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from koepel.core.caching import personal
from koepel.core.pagination import paginate
from koepel.mywork.panels import Work, panel_for, panels_for


@login_required
@personal
def my_work(request: HttpRequest) -> HttpResponse:
    work = Work.of(request.user)
    panels = [panel.read(work) for panel in panels_for(work)]
    return TemplateResponse(
        request,
        "mywork/my_work.html",
        {"panels": [panel for panel in panels if panel.shown], "work": work},
    )


@login_required
@personal
def panel_page(request: HttpRequest, key: str) -> HttpResponse:
    work = Work.of(request.user)
    panel = panel_for(work, key)
    if panel is None:
        raise Http404
    pages = paginate(request, panel.rows)
    panel.show(work, list(pages.page), pages.page.paginator.count)
    return TemplateResponse(
        request, "mywork/panel_page.html", {"panel": panel, "page": pages.page, "pages": pages}
    )

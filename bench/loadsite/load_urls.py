"""Koepel's URLs plus ``/__kaal__/``: a Django view that returns a small fixed page, through
the same server and middleware, as the ceiling the framework itself sets on the machine."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from koepel.urls import urlpatterns as koepel_urlpatterns

PAGE = (
    "<!doctype html><html lang=nl><head><meta charset=utf-8><title>Kaal</title></head>"
    "<body><h1>Kaal</h1><p>Een vaste, kleine pagina zonder database.</p></body></html>"
)


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE)


urlpatterns = [path("__kaal__/", bare), *koepel_urlpatterns]

"""Closed by default: a model without a declared access path, or an API view that reads around
the visibility check, stops start-up (system checks accounts.E001 and api.E001–E003)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.db import models
from django.db.models import QuerySet
from django.test.utils import isolate_apps

from koepel.accounts.checks import check_models
from koepel.api.checks import api_views, check_views
from koepel.api.views.base import Resource, Writable
from koepel.api.views.meetings import MeetingViewSet
from koepel.meetings.models import Meeting


def test_koepel_starts_with_every_model_and_api_view_declared() -> None:
    call_command("check", fail_level="ERROR")
    assert check_views(api_views()) == []


def test_every_api_address_is_checked() -> None:
    views = api_views()
    assert MeetingViewSet in views
    assert len(views) >= 20


@isolate_apps("koepel.registry")
def test_a_new_model_without_an_access_path_is_an_error() -> None:
    class Secret(models.Model):  # noqa: DJ008 - never shown
        note = models.TextField()

        class Meta:
            app_label = "registry"

    errors = check_models([Secret])
    assert [error.id for error in errors] == ["accounts.E001"]
    assert "registry.Secret" in errors[0].msg


def test_a_view_that_reads_around_the_check_is_an_error() -> None:
    class Unguarded(Writable):
        model = Meeting

        def get_queryset(self) -> QuerySet[Any]:
            return Meeting.objects.all()

    errors = check_views([Unguarded])
    assert [error.id for error in errors] == ["api.E001"]
    assert "get_queryset" in errors[0].msg


def test_a_view_that_answers_a_record_itself_is_an_error() -> None:
    class OwnAnswer(Resource):
        model = Meeting

        def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            return Meeting.objects.get(pk=kwargs["pk"])

    assert [error.id for error in check_views([OwnAnswer])] == ["api.E001"]


def test_a_view_that_says_how_it_passes_the_check_is_allowed() -> None:
    class Assembled(Resource):
        model = Meeting
        access_checked_by = "assembled for a reader that reads through access.visible"

        def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            return []

    assert check_views([Assembled]) == []


def test_a_plain_view_must_say_how_it_passes_the_check() -> None:
    from rest_framework.views import APIView

    class Plain(APIView):
        pass

    assert [error.id for error in check_views([Plain])] == ["api.E002"]


@isolate_apps("koepel.registry")
def test_a_resource_of_an_undeclared_model_is_an_error() -> None:
    class Secret(models.Model):  # noqa: DJ008 - never shown
        class Meta:
            app_label = "registry"

    class SecretResource(Resource):
        model = Secret

    assert [error.id for error in check_views([SecretResource])] == ["api.E003"]

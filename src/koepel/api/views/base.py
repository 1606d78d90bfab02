"""What every resource has in common: visibility through the one check, ETags, ``If-Match``
on every change, and writes through the same services the pages use.

Closed by default: a resource says which records it serves in ``records()``, and
``get_queryset()`` passes them through ``access.visible`` for the user asking, whatever the
resource. A resource that answers from something other than its rows (the annual report,
assembled for its reader) overrides ``get_queryset`` and says why in ``access_checked_by``; the
system check ``api.E001`` stops start-up for any other override (``koepel.api.checks``)."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.http import HttpResponse
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from koepel.accounts.access import access_key, can_edit, visible
from koepel.api.conditional import etag_of, not_modified, require_match
from koepel.api.fields import flatten_partial_dates
from koepel.api.permissions import ReadOrSignedIn
from koepel.api.serializers.common import strict
from koepel.core import caching

# The records the main lists show, with what they name of each other (bodies, meetings,
# dossiers, documents): their pages are kept until any of these changes.
DOMAIN_DATA = ("registry", "meetings", "advocacy", "library")


class Resource(mixins.ListModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """A read-only resource; subclasses add writes by naming their services."""

    permission_classes = [ReadOrSignedIn]
    # Records are addressed by number unless a resource says otherwise; anything else in
    # their place is simply not found.
    lookup_value_regex = "[0-9]{1,18}"
    # The serializer that reads input, when it differs from the one that shows a record.
    input_serializer_class: type[serializers.Serializer[Any]] | None = None
    # The model of the records served; by default the serializer's.
    model: type[models.Model]
    # Only for a resource that overrides ``get_queryset``: how its answers pass the check.
    access_checked_by: str = ""
    # The kinds of data (apps) a page of the list shows, when every page of it is the same for
    # everyone with the same access: such pages are kept (koepel.core.caching). Empty: none.
    list_kinds: tuple[str, ...] = ()

    # -- which records ---------------------------------------------------------------------

    @classmethod
    def served_model(cls) -> type[models.Model]:
        model = getattr(cls, "model", None)
        if model is None:
            model = cls.serializer_class.Meta.model  # type: ignore[union-attr]
        return model  # type: ignore[no-any-return]

    def records(self) -> models.QuerySet[Any]:
        """The records of this resource before the visibility check: their order, related
        rows and the parent they belong to. Subclasses narrow it; they never widen the check."""
        return self.served_model()._default_manager.all()

    def normalise_key(self, value: str) -> str:
        """The record's key as stored, from the key in the address (a CBS code in capitals)."""
        return value

    def get_object(self) -> Any:
        key = self.lookup_url_kwarg or self.lookup_field
        if key and key in self.kwargs:
            self.kwargs[key] = self.normalise_key(str(self.kwargs[key]))
        return super().get_object()

    def get_queryset(self) -> models.QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # describing the API, not answering
            return self.served_model()._default_manager.none()
        return visible(self.records(), self.request.user)

    # -- reading ---------------------------------------------------------------------------

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A page of the list. A resource that names the kinds of data its records show
        (``list_kinds``) has its pages kept, as sent, for everyone with the reader's access,
        under the address asked (filters, order, page) and the versions of those kinds."""
        if not self.list_kinds:
            return super().list(request, *args, **kwargs)
        media_type = request.accepted_media_type

        def build() -> bytes:
            data = super(Resource, self).list(request, *args, **kwargs).data
            renderer = request.accepted_renderer
            content = renderer.render(data, media_type, self.get_renderer_context())
            return content.encode() if isinstance(content, str) else content

        content = caching.kept(
            "api-list",
            build,
            access=lambda: access_key(request.user),
            kinds=self.list_kinds,
            parts=(type(self).__qualname__, request.build_absolute_uri(), media_type),
        )
        # The page as sent: rendered once, kept, and handed to every reader with this access.
        return HttpResponse(content, content_type=media_type)  # type: ignore[return-value]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        data = self.get_serializer(instance).data
        tag = etag_of(data)
        if not_modified(request, tag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return Response(data, headers={"ETag": tag})

    def _shown(self, instance: models.Model, status_code: int = 200) -> Response:
        """The record as it now is, re-read through the visibility check when possible."""
        fresh = self.get_queryset().filter(pk=instance.pk).first() or instance
        data = self.get_serializer(fresh).data
        headers = {"ETag": etag_of(data)}
        if status_code == status.HTTP_201_CREATED:
            lookup = self.lookup_field
            value = getattr(fresh, lookup)
            key = self.lookup_url_kwarg or lookup or "pk"
            # A nested resource's address also names its parent (the meeting, say).
            kwargs = {**self.kwargs, key: value}
            headers["Location"] = self.reverse_action("detail", kwargs=kwargs)
        return Response(data, status=status_code, headers=headers)

    # -- writing ---------------------------------------------------------------------------

    def get_input_serializer(self, *args: Any, **kwargs: Any) -> serializers.BaseSerializer[Any]:
        """The serializer that reads a write's input. Every resource reads it strictly: a
        read-only or unknown field is refused by name, never dropped (``StrictInput``)."""
        shown = self.get_serializer_class()
        reads = self.input_serializer_class or shown
        context = kwargs.setdefault("context", self.get_serializer_context())
        if reads is not shown:
            context["shown_fields"] = set(getattr(shown(context=context), "fields", ()))
        return strict(reads)(*args, **kwargs)

    def may_change(self, instance: Any) -> bool:
        """The edit check of the pages for this record (koepel.accounts.access)."""
        return can_edit(self.request.user, instance)

    def run(self, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call a service, turning its refusals into answers with the API's field names."""
        try:
            return action(*args, **kwargs)
        except DjangoValidationError as error:
            raise exceptions.ValidationError(self._api_errors(error)) from error
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error) or None) from error

    def _api_errors(self, error: DjangoValidationError) -> dict[str, builtins.list[str]]:
        names: dict[str, str] = {}
        serializer = self.get_input_serializer()
        for name, field in getattr(serializer, "fields", {}).items():
            names[field.source] = name
            names.setdefault(f"{field.source}_precision", name)
        if not hasattr(error, "error_dict"):
            return {"non_field_errors": [str(m) for m in error.messages]}
        return {
            names.get(field, "non_field_errors" if field == "__all__" else field): [
                str(m) for m in messages
            ]
            for field, messages in error.message_dict.items()
        }

    def _locked(self) -> Any:
        """The record, visible to the user and locked for the rest of the transaction."""
        instance = self.get_object()
        model = type(instance)
        # Without its ordering: a model ordered through a nullable relation (an invitation by
        # its person's name) would join it, and PostgreSQL locks no outer join.
        rows = model._default_manager.select_for_update().filter(pk=instance.pk).order_by()
        list(rows.values_list("pk"))
        instance = self.get_object()
        if not self.may_change(instance):
            raise exceptions.PermissionDenied()
        return instance


class Writable(Resource):
    """A resource with create, replace, change and delete, each through a service.

    Subclasses implement ``create_record(data)``, ``update_record(instance, data)`` and
    ``delete_record(instance)``; ``data`` is the validated input with model field names.
    """

    def create_record(self, data: dict[str, Any]) -> models.Model:
        raise exceptions.MethodNotAllowed(self.request.method or "POST")

    def update_record(self, instance: Any, data: dict[str, Any]) -> models.Model:
        raise exceptions.MethodNotAllowed(self.request.method or "PUT")

    def delete_record(self, instance: Any) -> None:
        raise exceptions.MethodNotAllowed(self.request.method or "DELETE")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = self.run(
                self.create_record, flatten_partial_dates(dict(serializer.validated_data))
            )
        return self._shown(instance, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self._locked()
            require_match(request, etag_of(self.get_serializer(instance).data))
            serializer = self.get_input_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            instance = self.run(
                self.update_record,
                instance,
                flatten_partial_dates(dict(serializer.validated_data)),
            )
        return self._shown(instance)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            instance = self._locked()
            require_match(request, etag_of(self.get_serializer(instance).data))
            self.run(self.delete_record, instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

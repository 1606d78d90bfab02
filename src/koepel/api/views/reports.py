"""The annual reports through the API, for the same audience the pages would give the user: the
public version for everyone, the internal one for members who ask (``?versie=intern``).
Assembling and saving go through koepel.reports; nothing of it is repeated here."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from koepel.accounts.access import viewer_for
from koepel.api.conditional import etag_of, not_modified, require_match
from koepel.api.serializers import reports as s
from koepel.api.views.base import Resource
from koepel.api.views.nested import parent_parameter
from koepel.reports import services
from koepel.reports.assemble import (
    Assembled,
    ShownSection,
    assemble,
    audience_for,
    render_markdown,
)
from koepel.reports.models import AnnualReport, Audience, RenderedFile, SectionText
from koepel.reports.renderers import renderers
from koepel.reports.selectors import report_years

VERSIE = OpenApiParameter(
    "versie",
    str,
    enum=["intern"],
    required=False,
    description=(
        "intern: de interne versie, met wat alleen voor het netwerk is. Alleen voor leden; "
        "anderen krijgen de openbare versie."
    ),
)


class ReportPart(Resource):
    """What the report resources share: the audience and the years there are."""

    filter_backends: list[Any] = []
    access_checked_by = (
        "the report is assembled for the audience the user may read (reports.selectors."
        "audience_for), and its reader passes every record through access.visible"
    )

    def audience(self) -> str:
        return audience_for(
            self.request.user, internal=self.request.query_params.get("versie") == "intern"
        )

    def year(self, value: Any, audience: str) -> int:
        year = int(value) if str(value).isdigit() else 0
        if year not in report_years(audience):
            raise exceptions.NotFound()
        return year

    def editable(self, assembled: Assembled) -> set[str]:
        user = self.request.user
        if not viewer_for(user).is_authenticated:
            return set()
        report = AnnualReport.objects.filter(year=assembled.year).first()
        writers: dict[str, int] = {}
        if report is not None:
            writers = dict(
                SectionText.objects.filter(report=report, writer__isnull=False).values_list(
                    "key", "writer_id"
                )
            )
        return {
            section.key
            for section in assembled.sections
            if services.may_edit_section(
                user, services.section_body(section), writers.get(section.key)
            )
        }

    def answer(self, request: Request, data: Any) -> Response:
        tag = etag_of(data)
        if not_modified(request, tag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return Response(data, headers={"ETag": tag})


@extend_schema_view(
    list=extend_schema(
        summary="Jaarverslagen",
        description="De jaren met een jaarverslag, het nieuwste eerst.",
        parameters=[VERSIE],
        responses=s.AnnualReportSummarySerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Eén jaarverslag",
        description=(
            "De secties met wat mensen schreven en de feiten die Koepel uit het jaar afleidt, "
            "de gemaakte bestanden en de formaten. In de openbare versie staat alleen tekst "
            "van definitieve secties."
        ),
        parameters=[VERSIE],
    ),
)
class AnnualReportViewSet(ReportPart):
    model = AnnualReport
    serializer_class = s.AnnualReportSerializer
    lookup_field = "year"
    lookup_url_kwarg = "jaar"
    lookup_value_regex = "[0-9]{4}"

    def records(self) -> QuerySet[AnnualReport]:
        # Reports are assembled, not read as rows; this names the model for the schema.
        return AnnualReport.objects.none()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        audience = self.audience()
        page = self.paginate_queryset(report_years(audience))
        rows = [{"year": year} for year in page or []]
        context = {**self.get_serializer_context(), "audience": audience}
        data = s.AnnualReportSummarySerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        audience = self.audience()
        year = self.year(kwargs.get("jaar"), audience)
        report = AnnualReport.objects.filter(year=year).first()
        assembled = assemble(year, audience, report=report)
        readable = [Audience.PUBLIC]
        if viewer_for(request.user).is_member:
            readable.append(Audience.NETWORK)
        files = list(
            RenderedFile.objects.filter(year=year, audience__in=readable).order_by(
                "format", "audience", "-created_at", "-pk"
            )
        )
        suffix = "?versie=intern" if audience == Audience.NETWORK else ""
        formats = [
            {
                "formaat": renderer.identifier,
                "naam": renderer.label,
                "url": request.build_absolute_uri(
                    reverse("reports:download", args=[year, renderer.identifier]) + suffix
                ),
            }
            for renderer in renderers().values()
        ]
        context = {
            **self.get_serializer_context(),
            "year": year,
            "files": files,
            "formats": formats,
            "editable": self.editable(assembled),
        }
        return self.answer(request, s.AnnualReportSerializer(assembled, context=context).data)


@extend_schema_view(
    list=extend_schema(
        summary="Secties van een jaarverslag",
        description="In de volgorde van het verslag.",
        parameters=[VERSIE],
    ),
    retrieve=extend_schema(
        summary="Eén sectie van een jaarverslag",
        description=(
            "Wie de sectie mag bewerken, krijgt de eigen tekst, ook als die nog concept is, "
            "met de feiten van de openbare versie: daarop wordt bewerkt."
        ),
        parameters=[VERSIE],
    ),
    update=extend_schema(
        summary="Tekst en status van een sectie opslaan",
        description=(
            "Voor de secretaris van het gremium van de sectie; het voorwoord en het slot zijn "
            "van het netwerkbureau. De keuzes over de feiten blijven zoals ze zijn."
        ),
        request=s.ReportSectionInputSerializer,
    ),
    partial_update=extend_schema(
        summary="Tekst of status van een sectie wijzigen",
        request=s.ReportSectionInputSerializer,
    ),
)
@extend_schema(parameters=[parent_parameter("jaarverslag_jaar", int, "Het jaar.")])
class AnnualReportSectionViewSet(ReportPart):
    model = SectionText
    serializer_class = s.ReportSectionSerializer
    input_serializer_class = s.ReportSectionInputSerializer
    lookup_field = "key"
    lookup_url_kwarg = "sleutel"
    lookup_value_regex = "[-a-zA-Z0-9_:]+"

    def records(self) -> QuerySet[SectionText]:
        # Sections are assembled, not read as rows; this names the model for the schema.
        return SectionText.objects.none()

    def _context(self, year: int, assembled: Assembled) -> dict[str, Any]:
        return {
            **self.get_serializer_context(),
            "year": year,
            "editable": self.editable(assembled),
        }

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        audience = self.audience()
        year = self.year(kwargs.get("jaarverslag_jaar"), audience)
        assembled = assemble(year, audience, report=AnnualReport.objects.filter(year=year).first())
        context = self._context(year, assembled)
        # Paged like every list of the API, in the order of the report.
        page = self.paginate_queryset(assembled.sections)
        data = s.ReportSectionSerializer(page or [], many=True, context=context).data
        return self.get_paginated_response(data)

    def _section(self, year: int, key: str) -> tuple[ShownSection, dict[str, Any], bool]:
        """The section as this user reads it; for whoever may edit it, as they edit it."""
        audience = self.audience()
        report = AnnualReport.objects.filter(year=year).first()
        assembled = assemble(year, audience, report=report)
        section = next((x for x in assembled.sections if x.key == key), None)
        if section is None:
            raise exceptions.NotFound()
        context = self._context(year, assembled)
        editor = key in context["editable"]
        if editor:
            # Sections are edited on the public version, as on the pages: an edit can then
            # never carry a network-only fact into the public report. The writer sees their
            # own words, drafts included.
            public = assemble(year, Audience.PUBLIC, report=report)
            section = next(x for x in public.sections if x.key == key)
            text = SectionText.objects.filter(report=report, key=key).first() if report else None
            if text is not None:
                section = dataclasses.replace(
                    section,
                    narrative=text.narrative,
                    narrative_html=render_markdown(text.narrative) if text.narrative else "",
                    status=text.status,
                )
        return section, context, editor

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        year = self.year(kwargs.get("jaarverslag_jaar"), self.audience())
        section, context, _editor = self._section(year, str(kwargs.get("sleutel")))
        return self.answer(request, s.ReportSectionSerializer(section, context=context).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        year = self.year(kwargs.get("jaarverslag_jaar"), self.audience())
        key = str(kwargs.get("sleutel"))
        with transaction.atomic():
            section, context, editor = self._section(year, key)
            if not editor:
                raise exceptions.PermissionDenied()
            require_match(
                request, etag_of(s.ReportSectionSerializer(section, context=context).data)
            )
            serializer = self.get_input_serializer(data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            # The marks of completely recorded years name the section's own bodies only.
            told = {body.slug: body for body in section.told}
            unknown = sorted(set(data.get("complete", [])) - set(told))
            if unknown:
                raise exceptions.ValidationError(
                    {"volledigVastgelegd": [f"Geen gremium van deze sectie: {', '.join(unknown)}."]}
                )
            report = services.report_for_year(year)
            text = SectionText.objects.filter(report=report, key=key).first()
            facts = [*section.facts, *section.dropped]
            kept, edited = _fact_choices(section, data.get("facts", []))
            self.run(
                services.section_save,
                actor=request.user,
                report=report,
                key=key,
                body=services.section_body(section),
                narrative=data.get("narrative", section.narrative),
                status=data.get("status", section.status),
                kept=kept,
                edited=edited,
                generated={fact.key: fact.generated for fact in facts},
                version=text.version if text is not None else 1,
            )
            if "complete" in data:
                self.run(
                    services.complete_years_save,
                    actor=request.user,
                    year=year,
                    marks={body: slug in data["complete"] for slug, body in told.items()},
                )
        section, context, _editor = self._section(year, key)
        data = s.ReportSectionSerializer(section, context=context).data
        return Response(data, headers={"ETag": etag_of(data)})

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


def _fact_choices(
    section: ShownSection, changes: list[dict[str, Any]]
) -> tuple[set[str], dict[str, str]]:
    """The sentences kept and their edits after ``changes`` (``feiten`` in the request): each
    names a sentence by its key and keeps or drops it, and may give its new text (empty: back
    to the generated one). Sentences not named stay as they are."""
    facts = {fact.key: fact for fact in [*section.facts, *section.dropped]}
    kept = {fact.key for fact in section.facts}
    edited = {fact.key: fact.text for fact in facts.values() if fact.edited}
    unknown = [
        f"feiten[{index}].sleutel"
        for index, change in enumerate(changes)
        if change["key"] not in facts
    ]
    if unknown:
        raise exceptions.ValidationError(
            {name: ["Deze sectie heeft geen zin met deze sleutel."] for name in unknown}
        )
    for change in changes:
        key = change["key"]
        if change.get("keep", True):
            kept.add(key)
        else:
            kept.discard(key)
        if "text" in change:
            new = change["text"].strip()
            if new and new != facts[key].generated:
                edited[key] = new
            else:
                edited.pop(key, None)
    return kept, edited

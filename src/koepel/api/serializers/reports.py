"""The annual report as it will be read, for the public or, for members, the network."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from koepel.reports.models import Audience, RenderedFile, RenderStatus, SectionStatus


def _absolute(serializer: serializers.Serializer[Any], path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def _versie(audience: str) -> str:
    return "?versie=intern" if audience == Audience.NETWORK else ""


class AnnualReportSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    jaar = serializers.IntegerField(source="year", read_only=True)
    titel = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    webpagina = serializers.SerializerMethodField()

    def get_titel(self, obj: dict[str, Any]) -> str:
        return f"Jaarverslag {obj['year']}"

    def get_url(self, obj: dict[str, Any]) -> str:
        path = reverse("api:jaarverslag-detail", kwargs={"jaar": obj["year"]})
        return _absolute(self, path + _versie(self.context["audience"]))

    def get_webpagina(self, obj: dict[str, Any]) -> str:
        """Het jaarverslag als pagina van Koepel."""
        path = reverse("reports:report", args=[obj["year"]])
        return _absolute(self, path + _versie(self.context["audience"]))


class FactSerializer(serializers.Serializer):  # type: ignore[type-arg]
    sleutel = serializers.CharField(source="key", read_only=True)
    tekst = serializers.CharField(source="text", read_only=True)
    aangepast = serializers.BooleanField(
        source="edited", read_only=True, help_text="Door een mens herschreven."
    )
    gegenereerd = serializers.CharField(
        source="generated",
        read_only=True,
        allow_null=True,
        help_text="De zin zoals Koepel hem schreef; null voor wie de sectie niet bewerkt.",
    )


class FactInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    sleutel = serializers.CharField(source="key")
    behouden = serializers.BooleanField(
        source="keep", default=True, help_text="false: de zin wordt geschrapt."
    )
    tekst = serializers.CharField(
        source="text",
        required=False,
        allow_blank=True,
        help_text="De zin zoals hij in het verslag komt; leeg: terug naar de gegenereerde zin.",
    )


class SectionBodySerializer(serializers.Serializer):  # type: ignore[type-arg]
    slug = serializers.CharField(read_only=True)
    naam = serializers.CharField(read_only=True)
    volledigVastgelegd = serializers.BooleanField(
        read_only=True,
        help_text="Of alle bijeenkomsten van dit gremium in dit jaar zijn vastgelegd.",
    )


class ReportSectionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    url = serializers.SerializerMethodField()
    sleutel = serializers.CharField(source="key", read_only=True)
    titel = serializers.CharField(source="title", read_only=True)
    niveau = serializers.IntegerField(source="level", read_only=True)
    nummer = serializers.CharField(source="number", read_only=True)
    status = serializers.ChoiceField(choices=SectionStatus.choices)
    tekst = serializers.CharField(
        source="narrative",
        allow_blank=True,
        help_text=(
            "Wat mensen schreven, in Markdown. In de openbare versie alleen als de sectie "
            "definitief is."
        ),
    )
    tekstHtml = serializers.CharField(source="narrative_html", read_only=True)
    feiten = FactSerializer(
        source="facts",
        many=True,
        read_only=True,
        help_text="De zinnen die Koepel uit de gegevens van het jaar schreef.",
    )
    geschrapt = FactSerializer(
        source="dropped",
        many=True,
        read_only=True,
        help_text="De gegenereerde zinnen die geschrapt zijn; leeg voor wie de sectie niet bewerkt.",
    )
    bewerkbaar = serializers.SerializerMethodField()
    gremia = serializers.SerializerMethodField()

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        if instance.key not in self.context.get("editable", set()):
            # What the system first wrote, and what was dropped, is for the section's writers.
            data["geschrapt"] = []
            for fact in data["feiten"]:
                fact["gegenereerd"] = None
        return data

    def get_url(self, obj: Any) -> str:
        path = reverse(
            "api:jaarverslag-sectie-detail",
            kwargs={"jaarverslag_jaar": self.context["year"], "sleutel": obj.key},
        )
        return _absolute(self, path)

    def get_bewerkbaar(self, obj: Any) -> bool:
        """Of u deze sectie mag bewerken."""
        return obj.key in self.context.get("editable", set())

    @extend_schema_field(SectionBodySerializer(many=True))
    def get_gremia(self, obj: Any) -> list[dict[str, Any]]:
        """De gremia die de sectie beschrijft, en of hun jaar volledig is vastgelegd: zolang
        dat niet zo is, zegt het verslag hoe vaak een gremium ten minste bijeenkwam."""
        return [
            {"slug": body.slug, "naam": body.name, "volledigVastgelegd": body.pk in obj.complete}
            for body in obj.told
        ]


class ReportSectionInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    tekst = serializers.CharField(
        source="narrative", allow_blank=True, trim_whitespace=False, help_text="In Markdown."
    )
    status = serializers.ChoiceField(choices=SectionStatus.choices)
    feiten = FactInputSerializer(
        source="facts",
        many=True,
        required=False,
        help_text=(
            "Per gegenereerde zin (bij sleutel): behouden of schrappen, en eventueel een eigen "
            "tekst. Zinnen die niet genoemd worden, blijven zoals ze zijn."
        ),
    )
    volledigVastgelegd = serializers.ListField(
        source="complete",
        child=serializers.SlugField(),
        required=False,
        help_text=(
            "De slugs van de gremia van de sectie (onder gremia) waarvan alle bijeenkomsten van "
            "dit jaar zijn vastgelegd; de andere zijn het niet. Weggelaten: ongewijzigd."
        ),
    )


class RenderedFileSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    formaat = serializers.CharField(source="format", read_only=True)
    versie = serializers.ChoiceField(source="audience", choices=Audience.choices, read_only=True)
    status = serializers.ChoiceField(choices=RenderStatus.choices, read_only=True)
    fout = serializers.CharField(source="error", read_only=True)
    aangemaakt = serializers.DateTimeField(source="created_at", read_only=True)
    pagina = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = RenderedFile
        fields = ("formaat", "versie", "status", "fout", "aangemaakt", "pagina", "download")

    def get_pagina(self, obj: RenderedFile) -> str:
        """De pagina die zegt hoe het met het bestand staat."""
        return _absolute(self, reverse("reports:file", args=[self.context["year"], obj.pk]))

    def get_download(self, obj: RenderedFile) -> str | None:
        """Het bestand om te downloaden, als het klaar is."""
        if obj.status != RenderStatus.DONE:
            return None
        return self.get_pagina(obj) + "?download=1"


class FormatSerializer(serializers.Serializer):  # type: ignore[type-arg]
    formaat = serializers.CharField(read_only=True)
    naam = serializers.CharField(read_only=True)
    url = serializers.CharField(
        read_only=True,
        help_text=(
            "Het jaarverslag als bestand: HTML en Word meteen. Een PDF als die er is; anders een "
            "pagina met een knop om hem te laten maken (de gemaakte staan onder bestanden)."
        ),
    )


class AnnualReportSerializer(serializers.Serializer):  # type: ignore[type-arg]
    jaar = serializers.IntegerField(source="year", read_only=True)
    titel = serializers.CharField(source="title", read_only=True)
    netwerk = serializers.CharField(source="network_name", read_only=True)
    versie = serializers.ChoiceField(
        source="audience",
        choices=Audience.choices,
        read_only=True,
        help_text="public: de openbare versie; network: de interne, alleen voor leden.",
    )
    webpagina = serializers.SerializerMethodField()
    secties = ReportSectionSerializer(source="sections", many=True, read_only=True)
    bestanden = serializers.SerializerMethodField()
    formaten = serializers.SerializerMethodField()

    def get_webpagina(self, obj: Any) -> str:
        path = reverse("reports:report", args=[obj.year]) + _versie(obj.audience)
        return _absolute(self, path)

    @extend_schema_field(RenderedFileSerializer(many=True))
    def get_bestanden(self, obj: Any) -> list[dict[str, Any]]:
        """De gemaakte bestanden (PDF) met hun stand, voor zover u ze mag zien."""
        return list(
            RenderedFileSerializer(self.context["files"], many=True, context=self.context).data
        )

    @extend_schema_field(FormatSerializer(many=True))
    def get_formaten(self, obj: Any) -> list[dict[str, Any]]:
        """Het jaarverslag als bestand, per formaat."""
        return list(FormatSerializer(self.context["formats"], many=True).data)

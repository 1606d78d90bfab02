"""Search through the API: the same search, the same visibility check, as the search page."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from koepel.accounts.access import visible_bodies
from koepel.api.permissions import ReadOrSignedIn
from koepel.search import kinds
from koepel.search.query import MAX_PER_PAGE, search


# The kinds are the ones the apps registered with search (their codes, in that order): read
# each time a serializer is made rather than when this module is imported.
class KindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=kinds.codes(), **kwargs)


class KindsField(serializers.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=kinds.codes(), **kwargs)


class SearchQuery(serializers.Serializer):  # type: ignore[type-arg]
    q = serializers.CharField(
        allow_blank=True,
        trim_whitespace=True,
        help_text='Woorden, "een zin tussen aanhalingstekens", of het begin van een woord met *.',
    )
    soort = KindsField(required=False, help_text="Alleen deze soorten; meermaals te geven.")
    gremium = serializers.SlugField(required=False, help_text="Slug van een gremium.")
    jaar = serializers.IntegerField(required=False, min_value=1900, max_value=2200)
    pagina = serializers.IntegerField(required=False, min_value=1, max_value=100_000, default=1)
    paginaGrootte = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PER_PAGE, default=20
    )


class HitSerializer(serializers.Serializer):  # type: ignore[type-arg]
    soort = KindField()
    titel = serializers.CharField()
    url = serializers.URLField(help_text="De pagina van het gevonden gegeven.")
    pad = serializers.CharField(
        help_text="Waar het staat: het jaarverslag, het hoofdstuk, het gremium, …"
    )
    fragment = serializers.CharField(
        help_text="HTML: de tekst rond de treffers, met de treffers in <mark>."
    )
    jaar = serializers.IntegerField(allow_null=True)


class ResultsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    aantal = serializers.IntegerField(help_text="Het aantal treffers in de gekozen soorten.")
    pagina = serializers.IntegerField()
    paginaGrootte = serializers.IntegerField()
    perSoort = serializers.DictField(
        child=serializers.IntegerField(), help_text="Het aantal treffers per soort."
    )
    resultaten = HitSerializer(many=True)


class SearchView(APIView):
    permission_classes = [ReadOrSignedIn]
    access_checked_by = "search entries are read through access.visible, as on the search page"

    @extend_schema(
        summary="Zoeken",
        description=(
            "Zoekt in alles wat u mag zien: gemeenten, personen, gremia, bijeenkomsten, "
            "lobbydossiers en -acties, documenten en hun secties. Beste treffers eerst."
        ),
        parameters=[SearchQuery],
        responses={200: ResultsSerializer},
    )
    def get(self, request: Request) -> Response:
        params = SearchQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        data: dict[str, Any] = params.validated_data
        body = None
        if slug := data.get("gremium"):
            body = visible_bodies(request.user).filter(slug=slug).first()
            if body is None:
                raise serializers.ValidationError({"gremium": [f"Er is geen gremium “{slug}”."]})
        results = search(
            request.user,
            data["q"],
            kinds=sorted(data.get("soort", ())),
            body=body,
            year=data.get("jaar"),
            page=data["pagina"],
            per_page=data["paginaGrootte"],
        )
        return Response(
            {
                "aantal": results.total,
                "pagina": results.page,
                "paginaGrootte": results.per_page,
                "perSoort": results.counts_by_kind,
                "resultaten": [
                    {
                        "soort": hit.kind,
                        "titel": hit.title,
                        "url": request.build_absolute_uri(hit.url),
                        "pad": hit.trail,
                        "fragment": hit.snippet,
                        "jaar": hit.year,
                    }
                    for hit in results.hits
                ],
            }
        )

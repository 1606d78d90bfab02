"""The compact select writes what Django's own select writes, only faster."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django import forms

from koepel.core.widgets import CompactSelect, CompactSelectMultiple

CHOICES: list[Any] = [
    ("", "—"),
    ("a", "Zorg & <Welzijn>"),
    ("Pijlers", [("b", 'Fysiek "wonen"'), ("c", "Sociaal")]),
    (4, "Economie"),
]


def _markup(html: str) -> list[tuple[str, dict[str, Any], str]]:
    soup = BeautifulSoup(html, "html.parser")
    # Django's templates put line breaks between the options; they mean nothing in HTML.
    return [(tag.name, tag.attrs, tag.get_text().replace("\n", "")) for tag in soup.find_all(True)]


@pytest.mark.parametrize(
    ("compact", "plain", "value"),
    [
        (CompactSelect, forms.Select, "b"),
        (CompactSelect, forms.Select, None),
        (CompactSelectMultiple, forms.SelectMultiple, ["a", "4"]),
    ],
)
def test_compact_select_writes_the_same_markup_as_django(
    compact: type[forms.Select], plain: type[forms.Select], value: Any
) -> None:
    attrs = {"id": "id_gremium", "aria-describedby": "hint", "required": True, "disabled": False}
    ours = compact(choices=CHOICES).render("gremium", value, attrs=attrs)
    django = plain(choices=CHOICES).render("gremium", value, attrs=attrs)
    assert _markup(ours) == _markup(django)
    assert "&lt;Welzijn&gt;" in ours  # labels are escaped, not trusted


@pytest.mark.parametrize("value", ["b", "4", None, "", "niet-bestaand", '"><script>'])
def test_options_kept_for_many_readers_are_marked_for_each_as_django_marks_them(
    value: Any,
) -> None:
    kept: dict[str, str] = {}
    built: list[int] = []

    def keep(build: Any) -> str:
        if "options" not in kept:
            built.append(1)
            kept["options"] = build()
        return kept["options"]

    attrs = {"id": "id_gremium", "required": True}
    compact = CompactSelect(choices=CHOICES)
    compact.keep_options = keep
    django = forms.Select(choices=CHOICES).render("gremium", value, attrs=attrs)
    for _ in range(2):  # built once, then marked from what was kept
        assert _markup(compact.render("gremium", value, attrs=attrs)) == _markup(django)
    assert len(built) == 1
    assert "selected" not in kept["options"]


def test_a_form_field_with_the_compact_select_keeps_its_value_after_a_refusal() -> None:
    class Form(forms.Form):
        body = forms.ChoiceField(choices=CHOICES, widget=CompactSelect)
        year = forms.IntegerField()

    form = Form({"body": "c", "year": "nooit"})
    assert not form.is_valid()
    selected = BeautifulSoup(str(form["body"]), "html.parser").select("option[selected]")
    assert [option["value"] for option in selected] == ["c"]


@pytest.mark.django_db
def test_a_named_choice_field_offers_what_a_model_choice_field_offers() -> None:
    from koepel.core.forms import NamedModelChoiceField
    from koepel.registry.models import Body
    from koepel.registry.tests.factories import BodyFactory

    for name, slug in (("Wonen", "wonen"), ("Armoede & schulden", "armoede")):
        BodyFactory(name=name, slug=slug)
    bodies = Body.objects.order_by("name")

    class Named(forms.Form):
        gremium = NamedModelChoiceField(
            queryset=bodies, to_field_name="slug", required=False, widget=CompactSelect
        )

    class Plain(forms.Form):
        gremium = forms.ModelChoiceField(queryset=bodies, to_field_name="slug", required=False)

    for data in ({"gremium": "wonen"}, {}):
        assert _markup(str(Named(data)["gremium"])) == _markup(str(Plain(data)["gremium"]))
    chosen = Named({"gremium": "wonen"})
    assert chosen.is_valid()
    assert chosen.cleaned_data["gremium"] == Body.objects.get(slug="wonen")
    unknown = Named({"gremium": "bestaat-niet"})
    assert not unknown.is_valid()
    assert "gremium" in unknown.errors

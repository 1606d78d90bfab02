from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "koepel.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from koepel import search
        from koepel.accounts import access
        from koepel.core import pickers
        from koepel.registry import search_index, selectors
        from koepel.registry.models import Body, Municipality, Organisation, Person
        from koepel.search import bodies

        # The registry's records in the search box, each kind with its filter's name.
        search.register(
            search.SearchKind(
                model=Municipality,
                code="gemeente",
                label=_("Municipalities"),
                to_entry=search_index.municipality_entry,
            )
        )
        search.register(
            search.SearchKind(
                model=Organisation,
                code="organisatie",
                label=_("Organisations"),
                to_entry=search_index.organisation_entry,
            )
        )
        search.register(
            search.SearchKind(
                model=Person,
                code="persoon",
                label=_("People"),
                to_entry=search_index.person_entry,
                queryset=search_index.people,
            )
        )
        search.register(
            search.SearchKind(
                model=Body,
                code="gremium",
                label=_("Bodies"),
                to_entry=search_index.body_entry,
                queryset=search_index.bodies,
            )
        )
        # The pickers of forms: people, organisations and bodies chosen by typing a name, each
        # among those the user may see.
        pickers.register(
            pickers.PickerKind(
                name="people",
                path="personen",
                model=Person,
                records=selectors.visible_people,
                viewer=access.viewer_for,
                noun=_("person"),
                order=("sort_name", "name", "pk"),
                detail_columns=("title", "municipality__name", "organisation__name"),
                detail=selectors.person_picker_detail,
            )
        )
        pickers.register(
            pickers.PickerKind(
                name="organisations",
                path="organisaties",
                model=Organisation,
                records=selectors.visible_organisations,
                viewer=access.viewer_for,
                noun=_("organisation"),
            )
        )
        pickers.register(
            pickers.PickerKind(
                name="bodies",
                path="gremia",
                model=Body,
                records=access.visible_bodies,
                viewer=access.viewer_for,
                noun=_("body"),
            )
        )
        pickers.register(
            pickers.PickerKind(
                name="outside_bodies",
                path="gremia-buiten-het-netwerk",
                model=Body,
                records=selectors.visible_outside_bodies,
                viewer=access.viewer_for,
                noun=_("body"),
            )
        )
        # The search page filters by body, a body's records including those of the bodies
        # within it.
        bodies.use(
            choices=lambda: Body.objects.order_by("name"),
            key="slug",
            within=lambda body: Body.objects.with_descendants(body.pk),
        )

from __future__ import annotations

import datetime as dt

import factory

from koepel.registry import models


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Municipality

    name = factory.Sequence(lambda n: f"Gemeente {n}")
    sort_name = factory.LazyAttribute(lambda o: o.name.lower())
    cbs_code = factory.Sequence(lambda n: f"GM{5000 + n:04d}")
    province = models.Province.UTRECHT


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    municipality = factory.SubFactory(MunicipalityFactory)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    slug = factory.Sequence(lambda n: f"organisatie-{n}")
    kind = models.OrganisationKind.OTHER


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    name = factory.Sequence(lambda n: f"Persoon {n}")
    sort_name = factory.LazyAttribute(lambda o: o.name)
    slug = factory.Sequence(lambda n: f"persoon-{n}")


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Body

    name = factory.Sequence(lambda n: f"Themagroep {n}")
    slug = factory.Sequence(lambda n: f"themagroep-{n}")
    kind = "theme_group"

    class Params:
        external = factory.Trait(ownership=models.Ownership.EXTERNAL, kind="taskforce")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Role

    person = factory.SubFactory(PersonFactory)
    body = factory.SubFactory(BodyFactory)
    function = "lid"
    level = models.Level.OFFICIAL
    start = dt.date(2020, 1, 1)

    class Params:
        ended = factory.Trait(end=dt.date(2021, 1, 31))
        secretary = factory.Trait(function="ambtelijk_secretaris")

from __future__ import annotations

import factory

from koepel.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    password = factory.django.Password("geheim-wachtwoord-123")

    class Params:
        office = factory.Trait(is_office=True)

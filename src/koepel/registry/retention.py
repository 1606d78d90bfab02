"""The registry's part in removing personal data past its retention (koepel.core.retention):
a person's contact details go, their name stays on the records that name them."""

from __future__ import annotations

from koepel.core.retention import Expiry, Outcome
from koepel.registry.models import Person
from koepel.registry.services import person_anonymise


def contact_details(expiry: Expiry, dry_run: bool) -> Outcome:
    people = Person.objects.filter(pk__in=expiry.people).exclude(email="", phone="").order_by("pk")
    if dry_run:
        return Outcome("personen met contactgegevens", people.count())
    count = 0
    for person in people:
        person_anonymise(person=person)
        count += 1
    return Outcome("personen met contactgegevens", count)


STEPS = [contact_details]

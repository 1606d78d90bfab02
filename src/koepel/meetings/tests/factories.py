from __future__ import annotations

import datetime as dt

import factory

from koepel.meetings import models


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Meeting
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Themasessie {n}")
    kind = "themasessie"
    level = models.Level.ADMINISTRATIVE
    format = models.Format.ONLINE
    date = dt.date(2021, 9, 14)
    start_time = dt.time(10, 0)
    end_time = dt.time(12, 0)
    # Public unless a test says otherwise; a meeting planned through the pages or the API
    # starts for the members of its bodies (the model's default).
    visibility = "public"

    @factory.post_generation
    def bodies(self, create: bool, extracted: list[object] | None, **kwargs: object) -> None:
        if create and extracted:
            self.bodies.set(extracted)
            if self.organiser_id is None:  # as the services do: the first body organised it
                self.organiser = extracted[0]
                self.save(update_fields=["organiser"])

    class Params:
        held = factory.Trait(status=models.Status.HELD)
        restricted = factory.Trait(visibility="restricted")

"""The lobby part of a generated network: dossiers, and each year's lobby actions (with
their addressees), milestones and the documents written for the dossiers."""

from __future__ import annotations

from koepel.advocacy.models import (
    ActionKind,
    Dossier,
    DossierStatus,
    LobbyAction,
    Milestone,
    Stage,
    status_order_of,
)
from koepel.core.dates import Precision
from koepel.core.visibility import Visibility as V
from koepel.generate.bulk import Run, weighted, workday
from koepel.generate.library import DocumentSpec, make_documents

DOSSIER_VISIBILITY = ((V.PUBLIC, 50), (V.NETWORK, 30), (V.BODY, 15), (V.RESTRICTED, 5))
ACTION_VISIBILITY = ((V.PUBLIC, 40), (V.NETWORK, 30), (V.BODY, 10), (V.RESTRICTED, 20))


def make_dossiers(run: Run) -> None:
    """The lobby dossiers of all years, with their bodies and the people who lead them."""
    rng = run.rng
    rows = []
    for _ in range(run.sizes.dossiers):
        title = run.write.title(3, 7)
        status = weighted(
            rng,
            (
                (DossierStatus.ONGOING, 50),
                (DossierStatus.ACHIEVED, 20),
                (DossierStatus.PARTLY, 15),
                (DossierStatus.NOT_ACHIEVED, 10),
                (DossierStatus.WITHDRAWN, 5),
            ),
        )
        rows.append(
            Dossier(
                title=title[:200],
                slug=run.slug(title),
                goal=run.write.paragraph(run.write.lognormal_int(50, 0.5, 10, 300)),
                status=status,
                status_order=status_order_of(status),
                status_date=workday(rng, rng.choice(run.years))
                if status != DossierStatus.ONGOING
                else None,
                visibility=weighted(rng, DOSSIER_VISIBILITY),
            )
        )
    run.dossier_rows = run.create(Dossier, rows)
    run.dossier_bodies = {
        d.pk: [b.pk for b in rng.sample(run.own_bodies, rng.choice((1, 1, 2)))]
        for d in run.dossier_rows
    }
    run.link(Dossier.bodies, [(d, b) for d, bodies in run.dossier_bodies.items() for b in bodies])
    run.link(
        Dossier.people,
        [
            (d, rng.choice(run.members[b]))
            for d, bodies in run.dossier_bodies.items()
            for b in bodies
        ],
    )


def make_lobby(run: Run, year: int) -> None:
    """One year's lobby actions on the dossiers, milestones, and the dossiers' documents."""
    rng = run.rng
    per_year = len(run.dossier_rows) / len(run.years)
    chosen = rng.sample(run.dossier_rows, min(len(run.dossier_rows), round(per_year * 1.5)))
    actions = []
    for _dossier in chosen:
        actions.append(
            LobbyAction(
                title=run.write.title(3, 8),
                kind=weighted(
                    rng,
                    (
                        (ActionKind.LETTER, 45),
                        (ActionKind.POSITION_PAPER, 25),
                        (ActionKind.MINISTER_TALK, 10),
                        (ActionKind.HEARING, 10),
                        (ActionKind.OTHER, 10),
                    ),
                ),
                summary=run.write.paragraph(run.write.lognormal_int(40, 0.5, 10, 200)),
                date=workday(rng, year),
                stage=Stage.SENT if rng.random() < 0.8 else Stage.DRAFT,
                visibility=weighted(rng, ACTION_VISIBILITY),
            )
        )
    created = run.create(LobbyAction, actions)
    run.link(LobbyAction.dossiers, [(a.pk, d.pk) for a, d in zip(created, chosen, strict=True)])
    run.link(
        LobbyAction.bodies,
        [(a.pk, b) for a, d in zip(created, chosen, strict=True) for b in run.dossier_bodies[d.pk]],
    )
    run.link(
        LobbyAction.people,
        [
            (a.pk, rng.choice(run.members[run.dossier_bodies[d.pk][0]]))
            for a, d in zip(created, chosen, strict=True)
        ],
    )
    run.link(LobbyAction.addressees, [(a.pk, rng.choice(run.ministries).pk) for a in created])
    milestones = [
        Milestone(
            title=run.write.title(3, 7),
            description=run.write.sentence(),
            date=workday(rng, year),
            date_precision=Precision.DAY,
            visibility=V.PUBLIC,
        )
        for _ in range(max(1, len(run.own_bodies) // 5))
    ]
    created_milestones = run.create(Milestone, milestones)
    run.link(Milestone.bodies, [(m.pk, rng.choice(run.own_bodies).pk) for m in created_milestones])
    count = round(run.sizes.documents_per_dossier * len(run.dossier_rows) / len(run.years))
    specs: list[DocumentSpec] = []
    for _ in range(count):
        dossier = rng.choice(run.dossier_rows)
        specs.append((None, run.dossier_bodies[dossier.pk][0], dossier))
    make_documents(run, year, specs)

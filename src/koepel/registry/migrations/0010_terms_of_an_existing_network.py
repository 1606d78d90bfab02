"""Give a database that already holds a network the terms its records use.

Until now the kinds of body and meeting and the functions were a fixed list in the code (the
G40's). A database made before this migration stores those codes, so it gets that list as its
vocabulary, with the labels the interface showed. An empty database gets nothing here: a new
network starts from its own vocabulary (``koepel.registry.vocabulary``), and the demo loads the
G40's from its data. The list below is frozen as it was; later changes to the demo's data do not
change what this migration did.
"""

from django.db import migrations

# (code, Dutch label, English label, meaning, Dutch plural), in the order the code offered them.
BUILT_IN = {
    "body_kind": [
        ("board", "bestuur", "board", "board", "besturen"),
        ("pillar", "pijler", "pillar", "", "pijlers"),
        ("theme_group", "themagroep", "theme group", "", "themagroepen"),
        ("taskforce", "taskforce", "taskforce", "", "taskforces"),
        ("city_deal", "city deal", "city deal", "", "city deals"),
        ("programme", "programma", "programme", "", "programma's"),
        ("learning_network", "leerkring", "learning network", "", "leerkringen"),
        ("steering_group", "stuurgroep", "steering group", "", "stuurgroepen"),
        ("working_group", "werkgroep", "working group", "", "werkgroepen"),
        ("other", "overig", "other", "", ""),
    ],
    "meeting_kind": [
        ("netwerkdag", "bestuurlijke netwerkdag", "administrative network day", "", ""),
        ("themasessie", "themasessie", "theme group session", "", ""),
        ("pijleroverleg", "pijleroverleg", "pillar meeting", "", ""),
        ("ambtelijk_overleg", "ambtelijk overleg", "officials' meeting", "", ""),
        ("congres", "congres", "congress", "", ""),
        ("studiereis", "studiereis", "study trip", "", ""),
        ("werkbezoek", "werkbezoek", "working visit", "", ""),
        ("rondetafelgesprek", "rondetafelgesprek", "round-table discussion", "", ""),
        ("ontbijtsessie", "ontbijtsessie", "breakfast session", "", ""),
        ("ontwerpsessie", "ontwerpsessie", "design session", "", ""),
        ("leerkring", "leerkring", "learning circle", "", ""),
        ("overig", "overig", "other", "", ""),
    ],
    "function": [
        ("voorzitter", "voorzitter", "chair", "chair", "voorzitters"),
        ("vicevoorzitter", "vicevoorzitter", "vice-chair", "vice_chair", "vicevoorzitters"),
        ("medevoorzitter", "medevoorzitter", "co-chair", "co_chair", "medevoorzitters"),
        (
            "bestuurlijk_trekker",
            "bestuurlijk trekker",
            "administrative lead",
            "lead",
            "bestuurlijk trekkers",
        ),
        ("thematrekker", "thematrekker", "theme lead", "lead", "thematrekkers"),
        (
            "ambtelijk_secretaris",
            "ambtelijk secretaris",
            "secretary",
            "secretary",
            "ambtelijk secretarissen",
        ),
        ("lid", "lid", "member", "member", "leden"),
        ("vertegenwoordiger", "vertegenwoordiger", "representative", "", "vertegenwoordigers"),
        ("sponsor", "sponsor", "sponsor", "", "sponsors"),
        ("adviseur", "adviseur", "adviser", "", "adviseurs"),
    ],
    "participation_function": [
        ("deelnemer", "deelnemer", "participant", "", ""),
        ("koploper", "koploper", "front-runner", "", ""),
        ("trekker", "trekker", "lead", "", ""),
        ("voorzitter", "voorzitter", "chair", "", ""),
        ("partner", "partner", "partner", "", ""),
    ],
}


def add_built_in_terms(apps, schema_editor):
    db = schema_editor.connection.alias
    Network = apps.get_model("registry", "Network")
    Body = apps.get_model("registry", "Body")
    Term = apps.get_model("registry", "Term")
    if not (Network.objects.using(db).exists() or Body.objects.using(db).exists()):
        return
    Term.objects.using(db).bulk_create(
        [
            Term(
                vocabulary=vocabulary,
                code=code,
                label_nl=nl,
                label_en=en,
                meaning=meaning,
                plural_nl=plural,
                position=position,
            )
            for vocabulary, entries in BUILT_IN.items()
            for position, (code, nl, en, meaning, plural) in enumerate(entries, start=1)
        ]
    )


def remove_built_in_terms(apps, schema_editor):
    apps.get_model("registry", "Term").objects.using(schema_editor.connection.alias).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_vocabulary_terms"),
    ]

    operations = [migrations.RunPython(add_built_in_terms, remove_built_in_terms)]

"""A table of how many entries hold each common word, per kind and visibility level
(``wordcounts``): empty at first, filled by the first search of each common word.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0008_title_words_marked_in_the_vector"),
    ]

    operations = [
        migrations.CreateModel(
            name="WordCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=100)),
                ("kind", models.CharField(max_length=20)),
                (
                    "visibility",
                    models.CharField(
                        choices=[
                            ("public", "public"),
                            ("network", "network"),
                            ("body", "members of its bodies"),
                            ("restricted", "restricted"),
                        ],
                        max_length=10,
                    ),
                ),
                ("entries", models.PositiveIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("word", "kind", "visibility"), name="search_word_count_unique"
                    )
                ],
            },
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("kind", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("token", models.BigIntegerField()),
            ],
        ),
    ]

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "koepel.core"
    label = "core"
    verbose_name = "Koepel"

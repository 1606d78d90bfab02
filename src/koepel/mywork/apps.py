from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MyWorkConfig(AppConfig):
    name = "koepel.mywork"
    label = "mywork"
    verbose_name = _("My work")

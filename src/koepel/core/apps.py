from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "koepel.core"
    label = "core"
    verbose_name = "Koepel"

    def ready(self) -> None:
        from post_office.signals import email_queued

        from koepel.core.caching import connect_signals
        from koepel.core.mail import send_after_commit

        connect_signals()

        email_queued.connect(send_after_commit, dispatch_uid="koepel-send-queued-mail")

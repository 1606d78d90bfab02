from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from koepel.notices.models import Frequency, Kind, Preferences


class PreferencesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    language = forms.ChoiceField(
        label=_("Language of the mails"), choices=[("nl", _("Dutch")), ("en", _("English"))]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[Preferences.FIELDS[kind]] = forms.ChoiceField(
                label=kind.label,
                choices=Frequency.choices,
                widget=forms.RadioSelect,
            )
        # The language last, after the kinds.
        self.fields["language"] = self.fields.pop("language")

    @classmethod
    def initial_for(cls, preferences: Preferences) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: preferences.frequency(kind) for kind, name in Preferences.FIELDS.items()
        }
        # The language is the person's own (registry), the one every mail to them is in.
        initial["language"] = preferences.person.language
        initial["version"] = preferences.version if preferences.pk else None
        return initial

    def choices(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in [*Preferences.FIELDS.values(), "language"]
        }


class FeedForm(forms.Form):
    body = forms.ChoiceField(label=_("Body"))

    def __init__(self, *args: Any, bodies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = bodies  # type: ignore[attr-defined]

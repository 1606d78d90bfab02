"""Checks of text that every app's forms and the API share."""

from __future__ import annotations

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Every character that starts a new line somewhere: in a browser, in a mail header, in a
# calendar file, in Python's str.splitlines().
_LINE_BREAK = r"\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029"

# Titles, names and subjects are one line: they become a mail's subject, a calendar's name, a
# heading. A line break there breaks the mail or the file, or passes for a line the writer did
# not write. A pattern rather than a function, so that the API's document states it as well.
# One character or more: an empty value is never checked (forms and serializers let it through
# or refuse it as empty first), and the document's "or empty" must not match it a second time.
no_line_breaks = RegexValidator(
    regex=rf"\A[^{_LINE_BREAK}]+\Z",
    message=_("Write this on one line, without a line break."),
    code="line_break",
)

_BREAKS_AND_CONTROLS = re.compile(rf"[{_LINE_BREAK}\x00-\x1f\x7f]+")


def one_line(text: str) -> str:
    """The text as one line, for a mail header or a calendar name: every run of line breaks
    and other control characters becomes one space. For text stored before line breaks were
    refused, or that never passed a form (a user name someone typed at sign-in)."""
    return " ".join(_BREAKS_AND_CONTROLS.sub(" ", text).split())

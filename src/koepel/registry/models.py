"""The registry: who the network's cities, organisations and people are, and who sits where."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ClassVar, Self, TypeVar

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from koepel.core.dates import Period
from koepel.core.visibility import visibility_field

TOOI_BASE = "https://identifier.overheid.nl/tooi/id"

cbs_code_validator = RegexValidator(
    r"^GM\d{4}$", _("A CBS municipality code is GM followed by four digits, such as GM0363.")
)
tooi_validator = RegexValidator(
    rf"^{re.escape(TOOI_BASE)}/[a-z_]+/[a-z0-9_]+$",
    _("A TOOI URI looks like https://identifier.overheid.nl/tooi/id/ministerie/mnre1034."),
)


_M = TypeVar("_M", bound=models.Model)


class CurrentQuerySet(models.QuerySet[_M]):
    """Records with a period: ``current()`` holds on a day (today by default)."""

    def current(self, on: dt.date | None = None) -> Self:
        on = on or timezone.localdate()
        return self.filter(Q(start__isnull=True) | Q(start__lte=on)).filter(
            Q(end__isnull=True) | Q(end__gte=on)
        )

    def held_during(self, first: dt.date, last: dt.date) -> Self:
        """Held on some day from ``first`` to ``last``: the seats of a meeting's date, however
        long ago, rather than today's."""
        return self.filter(Q(start__isnull=True) | Q(start__lte=last)).filter(
            Q(end__isnull=True) | Q(end__gte=first)
        )

    def during_year(self, year: int) -> Self:
        return self.filter(Q(start__isnull=True) | Q(start__year__lte=year)).filter(
            Q(end__isnull=True) | Q(end__year__gte=year)
        )


class SilenceRule(models.TextChoices):
    """What the silence of a city that does not answer a consultation by its deadline means."""

    AGREES = "instemming", _("counts as agreement")
    NO_ANSWER = "geen_reactie", _("counts as no answer")
    BLOCKS = "blokkeert", _("blocks adoption")


class Network(models.Model):
    """The network Koepel runs for. One row; its name is data, not code."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    partners: models.ManyToManyField[Organisation, Any] = models.ManyToManyField(
        "Organisation",
        blank=True,
        related_name="partner_of",
        verbose_name=_("partners"),
        help_text=_("The organisations the network works with, named in its annual report."),
    )
    consultation_silence_rule = models.CharField(
        _("a city that does not answer a consultation in time"),
        max_length=12,
        choices=SilenceRule.choices,
        default=SilenceRule.NO_ANSWER,
        help_text=_(
            "What the silence of a member city means once the deadline of a consultation has "
            "passed. Each consultation starts with this rule."
        ),
    )

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.short_name or self.name


class Vocabulary(models.TextChoices):
    """The lists of words a network chooses for itself: each is data of the network (``Term``),
    not code, so a network names its bodies, meetings and functions in its own words."""

    BODY_KIND = "body_kind", _("kinds of body")
    MEETING_KIND = "meeting_kind", _("kinds of meeting")
    FUNCTION = "function", _("functions in a role")
    PARTICIPATION_FUNCTION = "participation_function", _("functions in a participation")


class Meaning(models.TextChoices):
    """What Koepel itself must know of a term, whatever the network calls it: which kind of
    body is the network's board, which function chairs a body or keeps its records. A small
    fixed set; most terms have none."""

    BOARD = "board", _("the network's board")
    CHAIR = "chair", _("chair")
    CO_CHAIR = "co_chair", _("co-chair")
    VICE_CHAIR = "vice_chair", _("vice-chair")
    LEAD = "lead", _("leads the body")
    SECRETARY = "secretary", _("secretary (edits the body's records)")
    MEMBER = "member", _("member")
    EVENT = "event", _("event (told by its name, not counted)")
    TRIP = "trip", _("trip (told with who went along)")


# Which meanings a term of each vocabulary may carry.
MEANINGS: dict[str, frozenset[str]] = {
    Vocabulary.BODY_KIND: frozenset({Meaning.BOARD}),
    Vocabulary.MEETING_KIND: frozenset({Meaning.EVENT, Meaning.TRIP}),
    Vocabulary.FUNCTION: frozenset(
        {
            Meaning.CHAIR,
            Meaning.CO_CHAIR,
            Meaning.VICE_CHAIR,
            Meaning.LEAD,
            Meaning.SECRETARY,
            Meaning.MEMBER,
        }
    ),
    Vocabulary.PARTICIPATION_FUNCTION: frozenset({Meaning.MEMBER, Meaning.CHAIR, Meaning.LEAD}),
}
# The functions that lead a body, in the order the product names them.
LEADING = (Meaning.CHAIR, Meaning.CO_CHAIR, Meaning.VICE_CHAIR, Meaning.LEAD, Meaning.SECRETARY)

term_code_validator = RegexValidator(
    r"^[a-z0-9_]+$",
    _("A code is lower-case letters, digits and underscores only, such as werkgroep."),
)


class Term(models.Model):
    """One word of one of the network's vocabularies: its code (what records store), its
    Dutch and English label, its place in lists, and what Koepel must know of it."""

    vocabulary = models.CharField(_("vocabulary"), max_length=24, choices=Vocabulary.choices)
    code = models.CharField(
        _("code"),
        max_length=40,
        validators=[term_code_validator],
        help_text=_("What the records store; it cannot change once the term is in use."),
    )
    label_nl = models.CharField(_("Dutch label"), max_length=100)
    label_en = models.CharField(_("English label"), max_length=100)
    plural_nl = models.CharField(
        _("Dutch plural"),
        max_length=100,
        blank=True,
        help_text=_("For the annual report: “werkgroepen”, “voorzitters”."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in lists and choices.")
    )
    meaning = models.CharField(
        _("meaning"),
        max_length=12,
        choices=Meaning.choices,
        blank=True,
        help_text=_("What Koepel must know of the term, if anything."),
    )

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering: ClassVar = ["vocabulary", "position", "label_nl", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="term_code_once")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The label in the language of the page (Dutch unless English is asked for)."""
        if (get_language() or "nl").startswith("en"):
            return self.label_en or self.label_nl
        return self.label_nl or self.label_en

    def clean(self) -> None:
        super().clean()
        self.label_nl = self.label_nl.strip()
        self.label_en = self.label_en.strip()
        self.plural_nl = self.plural_nl.strip()
        if self.meaning and self.meaning not in MEANINGS.get(self.vocabulary, frozenset()):
            raise ValidationError(
                {"meaning": _("This meaning does not belong to this vocabulary.")},
                code="meaning",
            )

    def users(self) -> int:
        """How many records store this term's code."""
        return sum(
            model._default_manager.filter(**{field.name: self.code}).count()
            for model, field in term_fields(self.vocabulary)
        )


# The terms as read once per request or task (see ``remembered_terms``); None: read each time.
_remembered: ContextVar[dict[str, list[Term]] | None] = ContextVar("terms", default=None)


def _read_terms() -> dict[str, list[Term]]:
    table: dict[str, list[Term]] = {vocabulary: [] for vocabulary in Vocabulary.values}
    for term in Term.objects.order_by("position", "label_nl", "pk"):
        table.setdefault(term.vocabulary, []).append(term)
    return table


def _terms_table() -> dict[str, list[Term]]:
    table = _remembered.get()
    if table is None:
        return _read_terms()
    if not table:
        table.update(_read_terms())
    return table


@contextmanager
def remembered_terms() -> Iterator[None]:
    """Read the vocabularies at most once inside the block (a request, a report): a page that
    shows fifty roles asks the database for their functions' labels once."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def forget_terms() -> None:
    """After a term changed: the next question reads them again."""
    table = _remembered.get()
    if table is not None:
        table.clear()


def terms(vocabulary: str) -> list[Term]:
    """The terms of a vocabulary, in their order."""
    return list(_terms_table().get(vocabulary, []))


def term_of(vocabulary: str, code: str) -> Term | None:
    return next((t for t in _terms_table().get(vocabulary, []) if t.code == code), None)


def term_label(vocabulary: str, code: str) -> str:
    """The label of a stored code in the page's language; the code itself when the network
    has no such term (any more)."""
    term = term_of(vocabulary, code)
    return term.label if term is not None else code


def codes_meaning(vocabulary: str, *meanings: str) -> frozenset[str]:
    """The codes of the terms that carry one of these meanings."""
    return frozenset(t.code for t in _terms_table().get(vocabulary, []) if t.meaning in meanings)


def term_choices(vocabulary: str, blank: bool = False) -> list[tuple[str, str]]:
    choices = [(t.code, t.label) for t in terms(vocabulary)]
    return [("", "—"), *choices] if blank else choices


def term_fields(vocabulary: str) -> list[tuple[type[models.Model], TermField]]:
    """Every model field that stores a code of this vocabulary."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, TermField) and field.vocabulary == vocabulary
    ]


def _term_display(instance: models.Model, *, field: TermField) -> str:
    return term_label(field.vocabulary, getattr(instance, field.attname))


class TermField(models.CharField):  # type: ignore[type-arg]
    """A code of one of the network's vocabularies, stored as the code itself. It is checked
    against the network's terms when a record is validated, a form offers the terms in their
    order, and ``get_<field>_display()`` gives the label in the page's language."""

    def __init__(self, *args: Any, vocabulary: str, **kwargs: Any) -> None:
        self.vocabulary = vocabulary
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["vocabulary"] = self.vocabulary
        return name, path, args, kwargs

    def contribute_to_class(self, cls: Any, name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        if not cls._meta.abstract:
            setattr(cls, f"get_{name}_display", functools.partialmethod(_term_display, field=self))

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        super().validate(value, model_instance)
        if value in self.empty_values:
            return
        known = terms(self.vocabulary)
        if not any(t.code == value for t in known):
            raise ValidationError(
                gettext("“%(code)s” is not one of the %(vocabulary)s of this network.")
                % {"code": value, "vocabulary": Vocabulary(self.vocabulary).label}
                + (
                    " "
                    + gettext("Choose one of: %(codes)s.")
                    % {"codes": ", ".join(t.code for t in known)}
                    if known
                    else " " + gettext("The office adds them under Vocabulary.")
                ),
                code="unknown_term",
            )

    def formfield(self, **kwargs: Any) -> Any:
        # A choice of the network's terms, read when the form is shown: never a text box, and
        # never a list frozen when the code was loaded. (The admin offers a text input widget
        # for a CharField; a term is chosen, not typed.)
        kwargs.pop("widget", None)
        kwargs.pop("max_length", None)
        return forms.ChoiceField(
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
            required=not self.blank,
            initial=self.get_default() if self.has_default() else None,
            choices=functools.partial(term_choices, self.vocabulary, self.blank),
            **{k: v for k, v in kwargs.items() if k in {"label", "required", "help_text"}},
        )


class Province(models.TextChoices):
    GRONINGEN = "pv20", "Groningen"
    FRIESLAND = "pv21", "Friesland"
    DRENTHE = "pv22", "Drenthe"
    OVERIJSSEL = "pv23", "Overijssel"
    FLEVOLAND = "pv24", "Flevoland"
    GELDERLAND = "pv25", "Gelderland"
    UTRECHT = "pv26", "Utrecht"
    NOORD_HOLLAND = "pv27", "Noord-Holland"
    ZUID_HOLLAND = "pv28", "Zuid-Holland"
    ZEELAND = "pv29", "Zeeland"
    NOORD_BRABANT = "pv30", "Noord-Brabant"
    LIMBURG = "pv31", "Limburg"


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100)
    sort_name = models.CharField(
        _("sort name"),
        max_length=100,
        editable=False,
        help_text=_("The name without a leading ’s- or ’t-, for sorting."),
    )
    cbs_code = models.CharField(
        _("CBS code"), max_length=6, unique=True, validators=[cbs_code_validator]
    )
    province = models.CharField(
        _("province"),
        max_length=4,
        choices=Province.choices,
        blank=True,
        help_text=_("Empty where it is not known yet."),
    )

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering: ClassVar = ["sort_name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:municipality", args=[self.cbs_code])

    def clean(self) -> None:
        self.cbs_code = self.cbs_code.strip().upper()
        self.sort_name = re.sub(r"^[’'`]?[st]-", "", self.name.strip()).lower()

    @property
    def tooi_uri(self) -> str:
        return f"{TOOI_BASE}/gemeente/{self.cbs_code.lower()}"

    @property
    def province_tooi_uri(self) -> str:
        return f"{TOOI_BASE}/provincie/{self.province}" if self.province else ""


class Population(models.Model):
    """Inhabitants on 1 January of a year, with where the figure comes from.

    A year without a row is unknown: Koepel never shows it as zero or guesses it.
    """

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="populations",
        verbose_name=_("municipality"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    inhabitants = models.PositiveIntegerField(_("inhabitants"))
    source = models.CharField(_("source"), max_length=300)

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")
        ordering: ClassVar = ["municipality", "-year"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="population_one_figure_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}: {self.inhabitants}"


class MembershipQuerySet(CurrentQuerySet["Membership"]):
    pass


class Membership(Period):
    """A member of the network, from its start until its end: a municipality, or an
    organisation that is not one (a province, a water board, an association)."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("municipality"),
    )
    organisation = models.ForeignKey(
        "Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )

    objects = MembershipQuerySet.as_manager()

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering: ClassVar = ["municipality", "organisation", "start"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False, organisation__isnull=True)
                | Q(municipality__isnull=True, organisation__isnull=False),
                name="membership_of_one",
                violation_error_code="member_one",
                violation_error_message=_(
                    "A member is a municipality or an organisation: fill in exactly one of the "
                    "two fields, municipality or organisation."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.start_display}–{self.end_display})"

    def clean(self) -> None:
        super().clean()
        both = bool(self.municipality_id) and bool(self.organisation_id)
        if both or not (self.municipality_id or self.organisation_id):
            # On one field: the check of the constraint, which would say it again, then
            # leaves the record alone.
            raise ValidationError(
                {
                    "organisation" if both else "municipality": _(
                        "A member is a municipality or an organisation: fill in exactly one "
                        "of the two fields, municipality or organisation."
                    )
                },
                code="member_one",
            )

    @property
    def member(self) -> Municipality | Organisation | None:
        return self.municipality or self.organisation


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministry", _("ministry")
    PARLIAMENT = "parliament", _("parliament")
    COMMITTEE = "committee", _("parliamentary committee")
    NETWORK = "network", _("municipal network")
    KNOWLEDGE = "knowledge", _("knowledge institute")
    AGENCY = "agency", _("government agency")
    ASSOCIATION = "association", _("association")
    COMPANY = "company", _("company")
    PROVINCE = "province", _("province")
    WATER_BOARD = "water_board", _("water board")
    OTHER = "other", _("other")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    abbreviation = models.CharField(_("abbreviation"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=OrganisationKind.choices)
    tooi_uri = models.URLField(
        _("TOOI URI"),
        blank=True,
        validators=[tooi_validator],
        help_text=_("Only where one exists; leave empty rather than guess."),
    )
    website = models.URLField(_("website"), blank=True)

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.abbreviation or self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:organisation", args=[self.slug])


class Person(models.Model):
    name = models.CharField(_("name"), max_length=200)
    sort_name = models.CharField(
        _("sort name"),
        max_length=200,
        blank=True,
        help_text=_("Surname first, for sorting: “Heer, René de”."),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(
        _("function title"),
        max_length=200,
        blank=True,
        help_text=_("Such as wethouder, burgemeester or directeur."),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("municipality"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    # Contact details: never shown to the public (docs/design.md, "Visibility").
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=[("nl", _("Dutch")), ("en", _("English"))],
        default="nl",
        help_text=_("The language of the mail Koepel sends this person."),
    )

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering: ClassVar = ["sort_name", "name"]
        # A picker's answer (core/pickers.py) reads people in this order: the database walks
        # the index and stops at the twentieth match instead of sorting every match (a typed
        # "de" holds a third of 20,000 people).
        indexes: ClassVar = [
            models.Index(fields=["sort_name", "name", "id"], name="person_picker_order")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:person", args=[self.slug])

    def clean(self) -> None:
        if not self.sort_name:
            self.sort_name = self.name

    @property
    def affiliation(self) -> Municipality | Organisation | None:
        return self.municipality or self.organisation


class Ownership(models.TextChoices):
    OWN = "own", _("the network's own")
    EXTERNAL = "external", _("external")
    SHARED = "shared", _("shared with other networks")


class BodyQuerySet(CurrentQuerySet["Body"]):
    def own(self) -> Self:
        return self.filter(ownership=Ownership.OWN)

    def beneath(self, roots: dict[int, bool]) -> tuple[frozenset[int], frozenset[int]]:
        """The bodies given (by id) and every body beneath them; and of those, the ones
        beneath a root whose flag is set. One recursive query that reads only the branches
        asked for, so its cost follows the roots, not the size of the network."""
        if not roots:
            return frozenset(), frozenset()
        table = connection.ops.quote_name(self.model._meta.db_table)
        ids = list(roots)
        marked = [pk for pk, flag in roots.items() if flag] or [0]  # 0: no body has that id
        every = ", ".join(["%s"] * len(ids))
        some = ", ".join(["%s"] * len(marked))
        # Seeded from the table itself: one SELECT however many roots (a compound SELECT per
        # root would reach SQLite's limit of 500 terms).
        sql = (
            f"WITH RECURSIVE tree(id, flagged) AS ("  # noqa: S608 - names and placeholders only
            f"SELECT id, id IN ({some}) FROM {table} WHERE id IN ({every}) "
            f"UNION SELECT body.id, tree.flagged FROM {table} body "
            "JOIN tree ON body.parent_id = tree.id) "
            "SELECT id, flagged FROM tree"
        )
        params = [*marked, *ids]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return (
            frozenset(pk for pk, _ in rows),
            frozenset(pk for pk, flagged in rows if flagged),
        )

    def with_descendants(self, *body_ids: int) -> frozenset[int]:
        """These bodies and every body beneath them."""
        return self.beneath(dict.fromkeys(body_ids, False))[0]


def body_scope(pk: int) -> str:
    """The scope of one body's records, for the parts of pages kept per data version
    (``koepel.core.caching``): the apps whose records belong to bodies give a write this scope,
    and a part that shows one body's records is kept under it."""
    return f"body-{pk}"


class Body(Period):
    """A group that meets or works: board, pillar, theme group, taskforce, city deal, …"""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = TermField(_("kind"), vocabulary=Vocabulary.BODY_KIND)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    ownership = models.CharField(
        _("ownership"), max_length=8, choices=Ownership.choices, default=Ownership.OWN
    )
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("owning organisation"),
        help_text=_("For an external body: ownership (a VNG taskforce: VNG)."),
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order among the bodies beside it.")
    )
    headcount = models.PositiveSmallIntegerField(
        _("number of members"),
        null=True,
        blank=True,
        help_text=_("Where the members are known only as a count."),
    )
    headcount_from_network = models.PositiveSmallIntegerField(
        _("number from member municipalities"), null=True, blank=True
    )
    visibility = visibility_field()

    objects = BodyQuerySet.as_manager()

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering: ClassVar = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError(
                    {"parent": _("A body cannot be part of itself.")}, code="parent_cycle"
                )
            ancestor = ancestor.parent
        if (
            self.headcount is not None
            and self.headcount_from_network is not None
            and self.headcount_from_network > self.headcount
        ):
            raise ValidationError(
                {"headcount_from_network": _("This cannot be more than the number of members.")},
                code="headcount",
            )

    def get_absolute_url(self) -> str:
        return reverse("registry:body", args=[self.slug])


class Level(models.TextChoices):
    ADMINISTRATIVE = "bestuurlijk", _("administrative")
    OFFICIAL = "ambtelijk", _("official")


class RoleQuerySet(CurrentQuerySet["Role"]):
    pass


class Role(Period):
    """A person (or a vacancy) in a body, in a function, from a date until a date.

    A hand-over is two roles: the one ending and the one starting.
    """

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("person"),
        help_text=_("Leave empty for a vacancy."),
    )
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="roles", verbose_name=_("body")
    )
    function = TermField(_("function"), vocabulary=Vocabulary.FUNCTION)
    function_detail = models.CharField(
        _("function detail"),
        max_length=120,
        blank=True,
        help_text=_("Such as the theme a theme lead leads: “Human Capital”."),
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, blank=True)
    on_behalf_of_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of municipality"),
    )
    on_behalf_of_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of organisation"),
    )
    note = models.TextField(
        _("internal note"),
        blank=True,
        help_text=_(
            "For the network office only, such as what a source leaves open. Never shown on "
            "a public page, in the API or in the annual report."
        ),
    )

    objects = RoleQuerySet.as_manager()

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering: ClassVar = ["body", "function", "start"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(on_behalf_of_municipality__isnull=True)
                | Q(on_behalf_of_organisation__isnull=True),
                name="role_on_behalf_of_one",
            )
        ]

    def __str__(self) -> str:
        who = self.person or _("vacant")
        return f"{who}, {term_label(Vocabulary.FUNCTION, self.function)} {self.body}"

    def clean(self) -> None:
        super().clean()
        if self.on_behalf_of_municipality_id and self.on_behalf_of_organisation_id:
            raise ValidationError(
                _("A role is on behalf of a municipality or an organisation, not both."),
                code="on_behalf_of_both",
            )

    @property
    def on_behalf_of(self) -> Municipality | Organisation | None:
        return self.on_behalf_of_municipality or self.on_behalf_of_organisation


class ParticipationQuerySet(CurrentQuerySet["Participation"]):
    pass


class Participation(Period):
    """A municipality or an organisation taking part in a body."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="participations", verbose_name=_("body")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("municipality"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("organisation"),
    )
    function = TermField(
        _("function"), vocabulary=Vocabulary.PARTICIPATION_FUNCTION, default="deelnemer"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ParticipationQuerySet.as_manager()

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering: ClassVar = ["body", "function", "start"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False, organisation__isnull=True)
                | Q(municipality__isnull=True, organisation__isnull=False),
                name="participation_of_one",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} in {self.body}"

    def clean(self) -> None:
        super().clean()
        if bool(self.municipality_id) == bool(self.organisation_id):
            raise ValidationError(
                _("Choose a municipality or an organisation: one of the two."),
                code="participant_one",
            )

    @property
    def participant(self) -> Municipality | Organisation | None:
        return self.municipality or self.organisation

"""Forms of the training pages: courses, sessions, attendance imports."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingsai.access import policy
from jingsai.competitions.models import Competition
from jingsai.organisations.models import Organisation
from jingsai.training.models import Course, Session

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "title", "year", "competition", "organiser", "trainers", "place", "capacity",
            "description",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        competitions = policy.competitions_for_courses(user)
        organisers = policy.course_organisers_for(user)
        if self.instance.pk:
            # the staff of a training body keep the competition (and body) a course has
            competitions = Competition.objects.filter(
                Q(pk__in=competitions.values("pk")) | Q(pk=self.instance.competition_id)
            )
            organisers = Organisation.objects.filter(
                Q(pk__in=organisers.values("pk")) | Q(pk=self.instance.organiser_id)
            )
        self.fields["competition"].queryset = competitions.order_by("-year__year", "title")
        self.fields["organiser"].queryset = organisers.order_by("name")
        self.fields["year"].required = False
        self.fields["year"].help_text = _("Blank: the competition's year.")

    def clean(self):
        data = super().clean()
        if not data.get("year"):
            competition = data.get("competition")
            if competition is not None:
                data["year"] = competition.year.year
            elif "year" not in self.errors:
                self.add_error("year", _("Give the year of a course not tied to a competition."))
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["date", "starts_at", "ends_at", "hours", "place", "trainer"]
        widgets = {"date": DATE, "starts_at": TIME, "ends_at": TIME}

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        return data


class AttendanceImportForm(forms.Form):
    file = forms.FileField(label=_("attendance (.xlsx)"))

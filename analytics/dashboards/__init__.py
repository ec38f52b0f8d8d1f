"""Dashboards of analytics: staff pages in the admin, creators' in the studio."""

from django.utils.translation import gettext_lazy as _

from . import people, site, staff

#: key -> (tab label, builder); the order of the tabs.
DASHBOARDS = {
    "growth": (_("Growth"), staff.growth),
    "revenue": (_("Revenue"), staff.revenue),
    "learning": (_("Learning funnel"), staff.learning),
    "courses": (_("Completion and refunds"), staff.courses),
    "cohorts": (_("Cohort value"), staff.cohorts),
    "community": (_("Community health"), site.community),
    "searches": (_("Searches"), site.searches),
    "experiments": (_("Recommendations"), site.experiments),
    "segments": (_("Segments"), people.segments),
    "risk": (_("Drop-out risk"), people.risk),
}

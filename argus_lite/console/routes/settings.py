"""The logged-in user's notification settings (issue 14): profiles, timeslots, filters with a preview of the
incidents they select, and destinations. Every write is the core function the Argus API's route calls
(core.timeslots, filters, destinations, profiles: TS-3…TS-6, NF-2…NF-8, DST-3…DST-9, NP-3…NP-8), one
transaction each, so the messages and the stored rows are the API's; a refused form is shown again (400)
with the messages beside its fields. Another user's object is unknown (404)."""
from ... import times, web
from ...core import destinations, filters, profiles, timeslots
from ...core.outcomes import InUse, Raced
from ...core.owned import owned_or_404
from ...fields import Invalid
from ...models import Destination, Filter, NotificationProfile, Timeslot
from ...models.incidents import tags_of
from ...models.notify import destinations_of, filters_of, recurrences_of
from ...notify import media
from .. import notify_forms as forms
from .. import session
from ..pages import PREFIX, Page, Redirect, form

HOME = f"{PREFIX}/settings"
RACED = "Something this form names was changed meanwhile; send it again."
API_VERSION = "v2"            # the console's profiles link destinations, as v2 bodies do


def install(route, app):
    route("/settings", "GET", overview)
    route("/settings/timeslots/new", "GET", lambda: timeslot_page(None))
    route("/settings/timeslots", "POST", lambda: save_timeslot(None))
    route("/settings/timeslots/<pk:int>", "GET", timeslot_page)
    route("/settings/timeslots/<pk:int>", "POST", save_timeslot)
    route("/settings/timeslots/<pk:int>/delete", "POST", lambda pk: delete(timeslots.delete_timeslot, pk,
                                                                            "Timeslot deleted."))
    route("/settings/filters/new", "GET", lambda: filter_page(None))
    route("/settings/filters", "POST", lambda: save_filter(None))
    route("/settings/filters/<pk:int>", "GET", filter_page)
    route("/settings/filters/<pk:int>", "POST", save_filter)
    route("/settings/filters/<pk:int>/delete", "POST", lambda pk: delete(filters.delete_filter, pk, "Filter deleted."))
    route("/settings/destinations/new", "GET", lambda: destination_page(None))
    route("/settings/destinations", "POST", lambda: save_destination(None))
    route("/settings/destinations/<pk:int>", "GET", destination_page)
    route("/settings/destinations/<pk:int>", "POST", save_destination)
    route("/settings/destinations/<pk:int>/delete", "POST", lambda pk: delete(destinations.delete_destination, pk,
                                                                               "Destination deleted."))
    route("/settings/profiles/new", "GET", lambda: profile_page(None))
    route("/settings/profiles", "POST", lambda: save_profile(None))
    route("/settings/profiles/<pk:int>", "GET", profile_page)
    route("/settings/profiles/<pk:int>", "POST", save_profile)
    route("/settings/profiles/<pk:int>/delete", "POST", lambda pk: delete(profiles.delete_profile, pk,
                                                                           "Profile deleted."))


def overview():
    user = session.require_user()
    profile_rows = list(profiles.with_timeslot().where(NotificationProfile.user == user.id)
                        .order_by(NotificationProfile.id))
    profile_pks = [row.id for row in profile_rows]
    timeslot_rows = list(Timeslot.select().where(Timeslot.user == user.id).order_by(Timeslot.name, Timeslot.id))
    return Page("settings.html", user=user, profiles=profile_rows, profile_filters=filters_of(profile_pks),
                profile_destinations=destinations_of(profile_pks), timeslots=timeslot_rows,
                recurrences=recurrences_of([row.id for row in timeslot_rows]), filters=own(Filter, user),
                destinations=own(Destination, user), days_text=forms.days_text, time_text=forms.time_text,
                filter_summary=forms.filter_summary)


def own(model, user):
    return list(model.select().where(model.user == user.id).order_by(model.id))


def written(write):
    """(what write() returned, None) when the core's one transaction is done, else (None, the problem body
    of its refusal), a race being a problem of the whole form."""
    try:
        return write(), None
    except Invalid as problem:
        return None, problem.detail
    except Raced:
        return None, {"non_field_errors": [RACED]}


def delete(remove, pk, done):
    user = session.require_user()
    form()
    current = session.current()
    try:
        remove(user, pk)
    except Invalid as problem:
        current.flash("error", " ".join(forms.messages_of(problem.detail).values()))
    except InUse as refusal:
        current.flash("error", refusal.message)
    else:
        current.flash("ok", done)
    return Redirect(HOME)


# Timeslots --------------------------------------------------------------------------------------

def timeslot_page(pk):
    user = session.require_user()
    row = owned_or_404(Timeslot, pk, user) if pk is not None else None
    recurrences = recurrences_of([pk])[pk] if row else []
    return Page("timeslot.html", user=user, timeslot=row, values=forms.timeslot_values(row, recurrences),
                errors={}, days=forms.DAYS, week=forms.week_grid(recurrences) if row else None)


def save_timeslot(pk):
    user = session.require_user()
    fields = form()
    row = owned_or_404(Timeslot, pk, user) if pk is not None else None
    values, body, positions = forms.timeslot_form(fields)
    _saved, problems = written(lambda: timeslots.create_timeslot(user, body) if row is None
                               else timeslots.change_timeslot(user, pk, body, is_partial=False))
    if problems is not None:
        return Page("timeslot.html", 400, user=user, timeslot=row, values=values, days=forms.DAYS, week=None,
                    errors=forms.timeslot_messages(problems, positions))
    session.current().flash("ok", "Timeslot saved.")
    return Redirect(HOME)


# Filters ----------------------------------------------------------------------------------------

def filter_page(pk):
    user = session.require_user()
    row = owned_or_404(Filter, pk, user) if pk is not None else None
    return filter_form_page(user, row, forms.filter_values(row))


def filter_form_page(user, row, values, status=200, errors=None, preview=None):
    return Page("filter.html", status, user=user, filter=row, values=values, errors=errors or {}, preview=preview,
                event_types=forms.EVENT_TYPE_CHOICES, flags=forms.FLAGS)


def save_filter(pk):
    """Save, or with the preview button show the incidents the form's lists select (N-9), saving nothing."""
    user = session.require_user()
    fields = form()
    row = owned_or_404(Filter, pk, user) if pk is not None else None
    values, body, preview_body = forms.filter_form(fields)
    if fields.get("action") == "preview":
        try:
            rule = filters.preview_rule(preview_body)
        except Invalid as problem:
            return filter_form_page(user, row, values, 400, {"preview": " ".join(
                forms.messages_of(problem.detail).values())})
        return filter_form_page(user, row, values, preview=previewed([] if rule is None else [rule]))
    _saved, problems = written(lambda: filters.create_filter(user, body) if row is None
                               else filters.change_filter(user, pk, body, is_partial=False))
    if problems is not None:
        return filter_form_page(user, row, values, 400, forms.messages_of(problems))
    session.current().flash("ok", "Filter saved.")
    return Redirect(HOME)


def previewed(rules):
    """The rows of the incidents the rules select, as the API's previews list them, with their tags."""
    now = times.now()
    rows = filters.previewed(rules, web.settings().page_size_max, now)
    return {"rows": rows, "tags": tags_of([row.id for row in rows]), "now_us": times.to_us(now)}


# Destinations -----------------------------------------------------------------------------------

def destination_page(pk):
    user = session.require_user()
    row = owned_or_404(Destination, pk, user) if pk is not None else None
    return destination_form_page(user, row, forms.destination_values(row))


def destination_form_page(user, row, values, status=200, errors=None):
    return Page("destination.html", status, user=user, destination=row, values=values, errors=errors or {},
                media=[(slug, media.MEDIA_NAMES[slug]) for slug in media.installed(web.settings())])


def save_destination(pk):
    user = session.require_user()
    fields = form()
    row = owned_or_404(Destination, pk, user) if pk is not None else None
    values, body = forms.destination_form(fields, row)
    _saved, problems = written(lambda: destinations.create_destination(user, body, web.settings()) if row is None
                               else destinations.change_destination(user, pk, body, web.settings(), is_partial=False))
    if problems is not None:
        return destination_form_page(user, row, values, 400, forms.destination_messages(problems))
    session.current().flash("ok", "Destination saved.")
    return Redirect(HOME)


# Profiles ---------------------------------------------------------------------------------------

def profile_page(pk):
    """The form, and for a stored profile the incidents its filters select (N-9)."""
    user = session.require_user()
    row = profiles.profile_or_404(pk, user) if pk is not None else None
    linked_filters = filters_of([pk])[pk] if row else []
    linked_destinations = destinations_of([pk])[pk] if row else []
    preview = previewed(filters.profile_rules(row, web.settings().fallback_filter)) if row else None
    return profile_form_page(user, row, forms.profile_values(row, linked_filters, linked_destinations),
                             preview=preview)


def profile_form_page(user, row, values, status=200, errors=None, preview=None):
    return Page("profile.html", status, user=user, profile=row, values=values, errors=errors or {},
                preview=preview, timeslots=list(Timeslot.select().where(Timeslot.user == user.id)
                                                .order_by(Timeslot.name, Timeslot.id)),
                filters=own(Filter, user), destinations=own(Destination, user),
                filter_summary=forms.filter_summary)


def save_profile(pk):
    user = session.require_user()
    fields = form()
    row = profiles.profile_or_404(pk, user) if pk is not None else None
    values, body = forms.profile_form(fields)
    saved, problems = written(lambda: profiles.create_profile(user, body, API_VERSION) if row is None
                              else profiles.change_profile(user, pk, body, API_VERSION, is_partial=False))
    if problems is not None:
        return profile_form_page(user, row, values, 400, forms.messages_of(problems))
    session.current().flash("ok", "Profile saved.")
    return Redirect(f"{HOME}/profiles/{saved.id}")

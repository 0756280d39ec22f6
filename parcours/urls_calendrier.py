from django.urls import path

from . import views_seances

# the iCal feed of a user (no project in the URL: every project's séances the user may see)
urlpatterns = [path("<int:user_id>/<str:jeton>.ics", views_seances.calendrier_ical, name="calendrier_ical")]

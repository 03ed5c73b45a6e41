from django.urls import path

from twincity.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/new/", views.calendar_issue, name="calendar_issue"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:secret>.ics", views.feed, name="feed"),
    path("calendar/<str:secret>/series/<int:pk>.ics", views.series_feed, name="series_feed"),
    path("preferences/", views.preferences, name="preferences"),
    path("office/<int:partnership>/deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/<int:pk>/retry/", views.retry, name="retry"),
    path("office/<int:partnership>/robots/", views.robots, name="robots"),
    path("robots/<int:pk>/", views.robot_edit, name="robot_edit"),
    path("robots/<int:pk>/test/", views.robot_test, name="robot_test"),
]

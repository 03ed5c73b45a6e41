from twincity.visits.register import gaps, lessons, visits

app_name = "visits"
urlpatterns = [*visits.urls(), *lessons.urls("lessons/"), *gaps.urls("gaps/")]

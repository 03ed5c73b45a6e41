from twincity.petitions.register import petitions

app_name = "petitions"
urlpatterns = petitions.urls()

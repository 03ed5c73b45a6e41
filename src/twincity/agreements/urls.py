from twincity.agreements.register import agreements

app_name = "agreements"
urlpatterns = agreements.urls()

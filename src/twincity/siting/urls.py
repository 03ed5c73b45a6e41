from django.urls import path

from twincity.siting import views

app_name = "siting"
urlpatterns = [
    *views.cases.urls(),
    path("<int:pk>/bids/add/", views.BidAddView.as_view(), name="sitingbid_add"),
    path("bids/<int:pk>/edit/", views.BidEditView.as_view(), name="sitingbid_edit"),
]

from django.urls import path

from twincity.siting import views

app_name = "siting"
urlpatterns = [
    *views.views.urls(),
    path("<int:pk>/bids/add/", views.bid_add, name="sitingbid_add"),
    path("bids/<int:pk>/edit/", views.bid_edit, name="sitingbid_edit"),
    path("bids/<int:pk>/withdraw/", views.bid_withdraw, name="sitingbid_withdraw"),
    path("<int:pk>/negotiation/", views.link_negotiation, name="link_negotiation"),
    path("negotiation/<int:pk>/unlink/", views.unlink_negotiation, name="unlink_negotiation"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]

"""The site with the joint requests mounted a second time, in front, as the barest declaration of them:
a register that writes no form, table or filters of its own (``test_declaration``)."""

from django.urls import include, path

from twincity.petitions import services
from twincity.petitions.models import Petition
from twincity.registers.declaration import Declaration
from twincity.urls import urlpatterns as site


class BarePetitions(Declaration):
    model = Petition
    fields = ("year", "target_authority")
    columns = ("year",)

    def create(self, **data):
        return services.create_petition(**data)

    def update(self, obj, **data):
        return services.update_petition(obj, **data)

    def template(self, page: str) -> list[str]:
        return [f"registers/{page}.html"]


bare = BarePetitions()
urlpatterns = [path("bare/", include((bare.urls(), "petitions"))), *site]

from twincity.indicators.views import benchmarking, imports, policies, runs, statistics

app_name = "indicators"

urlpatterns = [*statistics.urls, *imports.urls, *runs.urls, *benchmarking.urls, *policies.urls]

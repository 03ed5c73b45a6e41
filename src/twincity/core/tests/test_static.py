"""Static files collect as production serves them (DEBUG off: `make demo`, the deployment in docs/deploy.md).

The manifest storage rewrites every reference inside CSS and JavaScript to its hashed name and refuses a file that
points at one not collected (a vendored library's source map left behind), which would stop `make demo` and every
deployment at collectstatic. The suite otherwise runs with DEBUG's plain storage and would never see it.
"""

from django.core.management import call_command
from django.test import override_settings


def test_every_static_file_collects_with_the_production_storage(tmp_path, settings):
    storages = {
        **settings.STORAGES,
        # The production storage without its compression step (the same manifest pass, a few seconds less).
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    for name in ("twincity/app.css", "twincity/app.js", "vendor/tom-select/tom-select.complete.min.js"):
        assert f'"{name}"' in manifest

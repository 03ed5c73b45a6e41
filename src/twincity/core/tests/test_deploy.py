"""The production configuration passes Django's deployment checks."""

import os
import secrets
import subprocess
import sys


def run_check(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWINCITY_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="twincity.settings", **env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = run_check(
        {
            "TWINCITY_DEBUG": "0",
            "TWINCITY_SECRET_KEY": secrets.token_urlsafe(50),
            "TWINCITY_ALLOWED_HOSTS": "twincity.example.gov.cn",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check({"TWINCITY_DEBUG": "0"})
    assert result.returncode != 0
    assert "TWINCITY_SECRET_KEY" in result.stderr


def test_development_defaults_are_flagged_by_check_deploy():
    result = run_check({"TWINCITY_DEBUG": "1"})
    assert result.returncode != 0  # DEBUG on and the development key: not fit for production

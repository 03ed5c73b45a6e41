"""``twincity restore``: put a ``twincity backup`` archive back into an empty database (docs/deploy.md)."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from twincity.core.backup import BackupError, describe, restore_backup
from twincity.settings import database_from_url


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an EMPTY database and the media folder. Every checksum is verified before "
        "anything is written; a non-empty database, another database kind or a backup from newer code is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz written by `twincity backup`")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument(
            "--database-url",
            help="restore into this database (sqlite:///path or postgres://…) instead of the configured one",
        )
        parser.add_argument("--media-root", help="restore files into this folder (default: MEDIA_ROOT)")
        parser.add_argument("--pg-bindir", help="folder of the pg_restore to use (default: the one on PATH)")
        parser.add_argument(
            "--no-migrate", action="store_true", help="do not apply this code's newer migrations after restoring"
        )

    def handle(self, *args, **options):
        try:
            target = (
                database_from_url(options["database_url"])
                if options["database_url"]
                else dict(connections["default"].settings_dict)
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        media = options["media_root"] or settings.MEDIA_ROOT
        try:
            where = describe(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError("Not a terminal: pass --yes to restore without confirmation.")
            answer = input(f"Restore {options['archive']} into {where} and {media}? Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            result = restore_backup(
                options["archive"],
                settings_dict=target,
                media_root=media,
                pg_bindir=options["pg_bindir"],
                migrate=not options["no_migrate"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.summary(f"{where} and {media}"))

"""``twincity backup``: the database and every uploaded file in one archive (docs/deploy.md, "Backup")."""

from django.core.management.base import BaseCommand, CommandError

from twincity.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) with the database, every file it names under MEDIA_ROOT and a manifest "
        "(versions, migrations, row counts, checksums). Safe while the server runs; never overwrites a file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="archive file to write, or a folder for twincity-backup-YYYYMMDD-HHMMSS.tar.gz (default: here)",
        )
        parser.add_argument("--database", default="default", help="the Django database alias to back up")
        parser.add_argument("--media-root", help="the uploads folder (default: MEDIA_ROOT)")
        parser.add_argument("--pg-bindir", help="folder of the pg_dump to use (default: the one on PATH)")
        parser.add_argument(
            "--allow-missing-files",
            action="store_true",
            help="back up even if files the database names are missing (they are listed in the manifest)",
        )

    def handle(self, *args, **options):
        try:
            result = create_backup(
                options["output"],
                using=options["database"],
                media_root=options["media_root"],
                pg_bindir=options["pg_bindir"],
                allow_missing_files=options["allow_missing_files"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if result.manifest["missing_files"]:
            self.stderr.write(f"Warning: {len(result.manifest['missing_files'])} files were missing and are not in it.")
        self.stdout.write(result.summary())

"""The database cache's table (the cache every process shares when REDIS_URL is not set), made
by migrating as ``manage.py createcachetable`` would, so no deployment step can forget it."""

from django.conf import settings
from django.db import migrations

TABLE = getattr(settings, "DATABASE_CACHE_TABLE", "syslead_cache")


def create_cache_table(apps, schema_editor):
    from django.core.management.commands.createcachetable import Command

    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("operations", "0001_heartbeat_and_scheduled_runs")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]

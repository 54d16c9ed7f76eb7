"""The charging app, formerly ``finance``: the same tables (``finance_chargingpolicy`` and
``finance_chargingpolicyrevision``) under the new label. A database that had the ``finance`` app
keeps its tables and rows; a new one gets them created here. The content types follow the
label, so the timeline's events about policies still find them."""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


TABLES = {
    'ChargingPolicy': 'finance_chargingpolicy',
    'ChargingPolicyRevision': 'finance_chargingpolicyrevision',
}


def create_tables_if_missing(apps, schema_editor):
    existing = set(schema_editor.connection.introspection.table_names())
    for name in TABLES:  # the policy before its revisions (they refer to it)
        model = apps.get_model('charging', name)
        if model._meta.db_table not in existing:
            schema_editor.create_model(model)


def move_content_types(apps, schema_editor):
    content_type = apps.get_model('contenttypes', 'ContentType')
    for model in ('chargingpolicy', 'chargingpolicyrevision'):
        if not content_type.objects.filter(app_label='charging', model=model).exists():
            content_type.objects.filter(app_label='finance', model=model).update(
                app_label='charging'
            )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('organisations', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ChargingPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('academic_year', models.CharField(max_length=7)),
                        ('full_day_rate', models.DecimalField(decimal_places=2, default=Decimal('350.00'), max_digits=9, validators=[django.core.validators.MinValueValidator(Decimal('0'))])),
                        ('half_day_rate', models.DecimalField(decimal_places=2, default=Decimal('150.00'), max_digits=9, validators=[django.core.validators.MinValueValidator(Decimal('0'))])),
                        ('full_day_broker_fee', models.DecimalField(decimal_places=2, default=Decimal('50.00'), max_digits=9, validators=[django.core.validators.MinValueValidator(Decimal('0'))])),
                        ('half_day_broker_fee', models.DecimalField(decimal_places=2, default=Decimal('25.00'), max_digits=9, validators=[django.core.validators.MinValueValidator(Decimal('0'))])),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='charging_policies', to='organisations.organisation')),
                        ('updated_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'finance_chargingpolicy',
                        'verbose_name_plural': 'charging policies',
                        'ordering': ['-academic_year'],
                    },
                ),
                migrations.CreateModel(
                    name='ChargingPolicyRevision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('full_day_rate', models.DecimalField(decimal_places=2, max_digits=9, validators=[django.core.validators.MinValueValidator(Decimal('0'))])),
                        ('half_day_rate', models.DecimalField(decimal_places=2, max_digits=9, validators=[django.core.validators.MinValueValidator(Decimal('0'))])),
                        ('full_day_broker_fee', models.DecimalField(decimal_places=2, max_digits=9, validators=[django.core.validators.MinValueValidator(Decimal('0'))])),
                        ('half_day_broker_fee', models.DecimalField(decimal_places=2, max_digits=9, validators=[django.core.validators.MinValueValidator(Decimal('0'))])),
                        ('changed_at', models.DateTimeField(auto_now_add=True)),
                        ('changed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('policy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='charging.chargingpolicy')),
                    ],
                    options={
                        'db_table': 'finance_chargingpolicyrevision',
                        'ordering': ['-changed_at'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='chargingpolicy',
                    constraint=models.UniqueConstraint(fields=('organisation', 'academic_year'), name='one_charging_policy_per_year'),
                ),
                migrations.AddConstraint(
                    model_name='chargingpolicy',
                    constraint=models.CheckConstraint(condition=models.Q(('full_day_broker_fee__lte', models.F('full_day_rate')), ('half_day_broker_fee__lte', models.F('half_day_rate'))), name='broker_fee_within_rate'),
                ),
    
            ],
        ),
        migrations.RunPython(create_tables_if_missing, migrations.RunPython.noop),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]

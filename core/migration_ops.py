"""Migration operations that Django's autodetector would write at a cost."""

from django.db import migrations, models


def drop_field_index(app_label: str, model_name: str, field_name: str, *, name: str):
    """The database half of `db_index=False` on a foreign key: drop the
    field's own single-column index, whatever its name (a table renamed since
    it was made keeps the old name), and touch nothing else.

    The `AlterField` that makemigrations writes for it also drops and re-adds
    the foreign key constraint, and PostgreSQL then reads every row to check
    it while the table is locked for reads and writes (0.4 s a million rows
    at load 9). Use this as the `database_operations` of a
    `SeparateDatabaseAndState` whose `state_operations` is that `AlterField`.
    Reversed, it makes the index again as `name`.
    """

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(field_name).column
        declared = {index.name for index in model._meta.indexes}
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(
                cursor, model._meta.db_table
            )
        for index_name, info in found.items():
            if (
                info["index"]
                and info["columns"] == [column]
                and not info["unique"]
                and not info["primary_key"]
                and index_name not in declared
            ):
                schema_editor.remove_index(
                    model, models.Index(fields=[field_name], name=index_name)
                )

    def backwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        schema_editor.add_index(model, models.Index(fields=[field_name], name=name))

    return migrations.RunPython(forwards, backwards)

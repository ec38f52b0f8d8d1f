# Search on SQLite as well as PostgreSQL: the vocabulary (typo correction), the
# FTS5 table of courses (SQLite only), and every course indexed again with the
# analysed terms (jieba for Chinese, stemmed English; courses.services.search).

from django.db import migrations, models

from courses.services.search import fts5_table_operations


def reindex(apps, schema_editor):
    # The current code, on purpose: the index format is the code's. If this
    # module ever stops importing, `manage.py search_reindex` does the same.
    from courses.services.search import search_index_update

    search_index_update(kind="course")


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0004_money_in_minor_units'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=32)),
                ('term', models.CharField(max_length=64)),
                ('word', models.CharField(blank=True, default='', max_length=64)),
            ],
            options={
                'verbose_name': 'search term',
                'verbose_name_plural': 'search terms',
                'constraints': [models.UniqueConstraint(fields=('kind', 'term'), name='courses_searchterm_unique')],
            },
        ),
        *fts5_table_operations('courses_course'),
        migrations.RunPython(reindex, migrations.RunPython.noop, elidable=True),
    ]

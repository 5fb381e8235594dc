from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0003_user_authorities"),
    ]

    operations = [
        migrations.CreateModel(
            name="SignInFailures",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=300, unique=True)),
                ("failures", models.PositiveIntegerField(default=0)),
                ("last", models.DateTimeField()),
            ],
            options={"db_table": "web_sign_in_failures"},
        ),
    ]

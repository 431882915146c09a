"""A profile's language is now one of the languages pages are shown in (`settings.LANGUAGES`),
as a Django language code: Chinese becomes Simplified Chinese, any other is the browser's."""

from django.db import migrations

PAGE_LANGUAGES = {"en", "pt", "es", "fr", "nl", "da", "pl", "el", "hr", "ar", "zh-hans"}


def to_page_languages(apps, schema_editor):
    profiles = apps.get_model("rooms", "Profile").objects.exclude(language="")
    profiles.filter(language="zh").update(language="zh-hans")
    profiles.exclude(language__in=PAGE_LANGUAGES).update(language="")


class Migration(migrations.Migration):
    dependencies = [("rooms", "0008_coworking_people")]

    operations = [migrations.RunPython(to_page_languages, migrations.RunPython.noop)]

"""What the per-file walk records for the entry-point detectors: links (dotted-path strings, star
imports, pkgutil plugin folders), module-level string lists, decorators; and that the cache
gives them back unchanged."""

from __future__ import annotations

from flagkeeper.analysis.cache import decode_facts, encode
from flagkeeper.analysis.facts import PLUGINS_LINK, STAR_LINK, STRING_LINK, Link
from tests.analysis.test_analyse import facts_of

SETTINGS = '''\
"""Settings. Not a dotted path: a sentence."""
import pkgutil
from django.utils.module_loading import import_string
from celery import shared_task
from .defaults import *

INSTALLED_APPS = ["orders", "shop.apps.ShopConfig"]
INSTALLED_APPS += ["extra"]
__all__ = ("INSTALLED_APPS",)
ROOT_URLCONF = "site_cfg.urls"
lowercase_list = ["any.dotted_name"]  # a link; not a string list (lower case)
ASGI = "site_cfg.asgi:application"
SCRIPT = "fk = site_cfg.cli:main"
backend = import_string("shop.auth.Backend")
PLUGINS = [found.name for found in pkgutil.iter_modules(__path__)]
MORE = list(pkgutil.walk_packages(shop.__path__))


@shared_task(bind=True)
def refresh():
    pass


@app.task
def expire():
    pass
'''


def test_links_string_lists_and_decorators() -> None:
    facts = facts_of(SETTINGS, module="site_cfg.settings", is_package=False)
    assert facts.links == (
        Link("site_cfg.defaults", 5, STAR_LINK),
        Link("shop.apps.ShopConfig", 7, STRING_LINK),
        Link("site_cfg.urls", 10, STRING_LINK),
        Link("any.dotted_name", 11, STRING_LINK),
        Link("site_cfg.asgi", 12, STRING_LINK),
        Link("site_cfg.cli", 13, STRING_LINK),
        Link("shop.auth.Backend", 14, STRING_LINK),
        Link("site_cfg", 15, PLUGINS_LINK),
        Link("shop", 16, PLUGINS_LINK),
    )
    assert facts.string_lists == {"INSTALLED_APPS": ("orders", "shop.apps.ShopConfig", "extra"), "__all__": ("INSTALLED_APPS",)}
    assert facts.decorators == ("app.task", "celery.shared_task")
    # import_string with a literal is an import of that name, as import_module is
    assert ("shop.auth.Backend", 14, (), True) in facts.imports


def test_new_facts_round_trip_through_the_cache() -> None:
    facts = facts_of(SETTINGS, module="site_cfg.settings")
    assert decode_facts(encode(facts)) == facts


def test_string_lists_follow_sums_of_earlier_lists() -> None:
    """cookiecutter-django's settings: INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS."""
    source = 'DJANGO_APPS = ["django.contrib.admin"]\nLOCAL_APPS = ("shop", "users")\nINSTALLED_APPS = DJANGO_APPS + ["rest_framework"] + LOCAL_APPS\n'
    lists = facts_of(source, module="config.settings.base").string_lists
    assert lists["INSTALLED_APPS"] == ("django.contrib.admin", "rest_framework", "shop", "users")
    assert "UNKNOWN" not in facts_of("UNKNOWN = OTHER + ['a']\n").string_lists

"""A small Arabic project, written inline: the right-to-left and Arabic-script fixture."""

from __future__ import annotations

from pathlib import Path

import yaml

from conftest import REPO, TEXT, write

# Interface words in Arabic; any string not named here is the Arabic word for "text" with
# the English string's {fields}, which is enough to exercise layout and fonts.
AR_STRINGS = {
    "scan_online": "امسح الرمز لقراءة هذه النشرة على الإنترنت",
    "qr_alt": "رمز QR: يفتح {title} على الإنترنت",
    "checklist": "قائمة الأعراض",
    "tick_any": "ضع علامة على ما ينطبق عليك واعرض القائمة على طبيبك.",
    "get_help": "متى تطلب المساعدة",
    "sources": "المصادر",
    "page_of": "الصفحة {page} من {pages}",
    "disclaimer": "تقدم هذه النشرة معلومات عامة. لا تغني عن نصيحة طبيبك.",
}
AR_PLURALS = {
    "hold_seconds": {"zero": "اثبت {n} ثانية", "one": "اثبت ثانية واحدة", "two": "اثبت ثانيتين",
                     "few": "اثبت {n} ثوان", "many": "اثبت {n} ثانية", "other": "اثبت {n} ثانية"},
    "repeat_times": {"zero": "كرر {n} مرة", "one": "كرر مرة واحدة", "two": "كرر مرتين",
                     "few": "كرر {n} مرات", "many": "كرر {n} مرة", "other": "كرر {n} مرة"},
    "per_day": {"zero": "{n} مرة في اليوم", "one": "مرة واحدة في اليوم", "two": "مرتين في اليوم",
                "few": "{n} مرات في اليوم", "many": "{n} مرة في اليوم", "other": "{n} مرة في اليوم"},
}

AR_TEXT = """\
title: تشنج الساق
summary: نشرة قصيرة للاختبار.
sections:
  what:
    heading: ما هو التشنج
    blocks:
      - p: التشنج عضلة مشدودة. يزول وحده. [^nhs]
diagram:
  title: تمرين إطالة
  description: قم بهذا قبل النوم.
  steps:
    lean: استند إلى الحائط.
red_flags:
  long: استمر التشنج أكثر من ١٠ دقائق
  swollen: ساقك متورمة
checklist:
  long: استمر التشنج أكثر من 10 دقائق
"""


def arabic_locale() -> dict:
    """The English locale with every text in Arabic, for the gb region's services."""
    locale = yaml.safe_load((REPO / "content/_locales/en.yaml").read_text(encoding="utf-8"))
    fields = {key: " ".join("{" + f + "}" for f in ("title", "page", "pages", "size",
                                                       "publisher", "name") if "{" + f + "}" in value)
              for key, value in locale["strings"].items() if isinstance(value, str)}
    strings = {key: AR_STRINGS.get(key, f"نص {fields[key]}".strip())
               for key in locale["strings"] if key in fields}
    return {
        "locale": "ar", "name": "العربية",
        "readability": {"formula": "none", "target": 0},
        "audiences": {"patient": "معلومات للمرضى", "clinician": "مرجع سريع للأطباء"},
        "tiers": {"gp": "راجع {gp} إذا", "today": "اطلب المساعدة اليوم: اتصل بـ {urgent} إذا",
                  "emergency": "اتصل بـ {emergency} إذا"},
        "strings": {**strings, **AR_PLURALS},
    }


def arabic_project(root: Path) -> Path:
    """The tiny project (conftest.py) in Arabic and English, with Arabic as its only build."""
    from leaflets.content.loading import load_text
    from leaflets.content.tree import source_hash
    from leaflets.errors import ErrorList

    record = source_hash(load_text(root / "en.yaml", TEXT, ErrorList()))
    translation = f'translation: {{source_hash: "{record}", reviewed: "2026-01-01"}}\n'
    config = (root / "leaflets.yaml").read_text().replace("languages: [en]", "languages: [en, ar]")
    write(root, {"leaflets.yaml": config, "content/cramp/ar.yaml": AR_TEXT + translation})
    (root / "content/_locales/ar.yaml").write_text(
        yaml.safe_dump(arabic_locale(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root

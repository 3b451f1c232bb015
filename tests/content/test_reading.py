"""The one reading-order walk: every text a leaflet shows, as a reader meets it."""

from __future__ import annotations

from leaflets.content.project import load_project
from leaflets.content.reading import leaflet_texts
from leaflets.content.validation import load_content


def test_reading_order_follows_the_audience_layout(tiny_project):
    module = load_content(load_project(tiny_project)).modules["cramp"]
    texts = list(leaflet_texts(module.topic, module.texts["en"], "patient"))
    assert texts == [
        "A short test leaflet.",
        "A cramp is a tight muscle. It goes away. [^nhs]",
        "Do this before bed.",
        "Lean on a wall.",
        *[module.texts["en"].checklist[item.id] for item in module.topic.checklist],
        "a cramp lasts more than 10 minutes [^nhs]",
        "your leg is swollen [^nhs]",
    ]


def test_a_red_flag_citing_its_own_reference_is_numbered(tiny_project):
    """A reference cited only inside a red flag's words is still listed and numbered."""
    from leaflets.assemble.leaflet import assemble
    from leaflets.outputs import LeafletKey

    topic = tiny_project / "content/cramp/topic.yaml"
    topic.write_text(topic.read_text().replace(
        "references:\n", "references:\n  - {id: cks, title: Leg cramps, publisher: NICE, "
        "year: 2024, url: \"https://cks.nice.org.uk/\"}\n"))
    text = tiny_project / "content/cramp/en.yaml"
    text.write_text(text.read_text().replace("your leg is swollen", "your leg is swollen [^cks]"))
    leaflet = assemble(load_content(load_project(tiny_project)), LeafletKey("cramp", "en", "patient"))
    assert [ref.reference.id for ref in leaflet.references] == ["cks", "nhs"]


def test_a_red_flag_source_cited_nowhere_else_is_numbered(tiny_project):
    """The red flag's `source` is its citation: assembly numbers it (once a KeyError)."""
    from leaflets.assemble.leaflet import assemble
    from leaflets.outputs import LeafletKey

    topic = tiny_project / "content/cramp/topic.yaml"
    topic.write_text(topic.read_text().replace(
        "references:\n", "references:\n  - {id: cks, title: Leg cramps, publisher: NICE, "
        "year: 2024, url: \"https://cks.nice.org.uk/\"}\n").replace(
        "{id: swollen, tier: gp, source: nhs}", "{id: swollen, tier: gp, source: cks}"))
    leaflet = assemble(load_content(load_project(tiny_project)), LeafletKey("cramp", "en", "patient"))
    assert [ref.reference.id for ref in leaflet.references] == ["cks", "nhs"]
    gp = next(tier for tier in leaflet.tiers if tier.tier == "gp")
    assert 'href="#ref-1"' in gp.flags[0]

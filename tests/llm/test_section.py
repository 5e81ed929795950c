"""A note's list as the answer: every item of the list the question names, in the note's order."""

from __future__ import annotations

import re

from tests.llm.test_answers import answered, import_note

SHOPPING = "# shopping list\n\n- oat milk\n- coffee beans\n- bin bags\n- dishwasher tablets\n- birthday card for Mum\n"


def test_what_is_on_a_list_named_by_its_heading_gives_every_item(svc, tmp_path):
    import_note(svc, tmp_path / "2026-11-05-shopping.md", SHOPPING, saved="2026-11-05T20:00")
    import_note(svc, tmp_path / "2026-11-06-run.md", "Went for a run, bought coffee after.\n", saved="2026-11-06T20:00")
    answer = re.sub(r" \[\d+\]$", "", answered(svc, "what's on my shopping list?", "2026-11-10T12:00"))
    # all five, one per line, not the two that best match the question
    assert answer.splitlines() == ["- oat milk", "- coffee beans", "- bin bags", "- dishwasher tablets",
                                   "- birthday card for Mum"]


def test_a_list_whose_heading_names_another_thing_is_not_given_whole(svc, tmp_path):
    import_note(svc, tmp_path / "2026-11-05-shopping.md", SHOPPING, saved="2026-11-05T20:00")
    answer = answered(svc, "what's in the birthday card for Mum?", "2026-11-10T12:00")
    assert "bin bags" not in answer


def test_what_i_need_to_buy_at_the_shop_is_the_whole_shopping_list(svc, tmp_path):
    import_note(svc, tmp_path / "week.md", "# Week\n\n## Shopping list\n\n- oat milk\n- coffee beans\n- bin bags\n"
                "- batteries AA\n- lemons\n\n## Packing for Lisbon\n\n- passport\n- adapter\n",
                saved="2026-11-05T20:00")
    import_note(svc, tmp_path / "kettle.md", "Bought a new kettle at the shop, the old one leaked.\n",
                saved="2026-11-03T20:00")
    for question in ("what do I need to buy at the shop?", "what do I have to get from the shops?"):
        answer = re.sub(r" \[\d+\]$", "", answered(svc, question, "2026-11-10T12:00"))
        # every item, not the kettle bought last week (a "need" asks what is still to get)
        assert answer.splitlines() == ["- oat milk", "- coffee beans", "- bin bags", "- batteries AA", "- lemons"]
    packing = re.sub(r" \[\d+\]$", "", answered(svc, "what do I need to pack for Lisbon?", "2026-11-10T12:00"))
    assert packing.splitlines() == ["- passport", "- adapter"]

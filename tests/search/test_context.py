"""Where an event sits is searched too: a note's heading, a chat's title, a command's folders,
a file's name (at half the weight of its own words)."""

from __future__ import annotations

from recall_cli.models import Event
from tests.importers.helpers import DATA


def keyword_first(svc, query: str) -> str:
    return svc.search(query, dense=False, include_memories=False).hits[0].text


def test_a_note_is_found_by_its_heading(svc, tmp_path):
    notes = tmp_path / "recipes.md"
    notes.write_text("# Recipes\n\n## Grandma's lentil soup\n\nOne onion, two carrots, red lentils, cumin.\n\n"
                     "## Pancakes\n\nFlour, milk, eggs.\n")
    svc.import_file(notes)
    svc.add("Lena is allergic to peanuts")
    assert keyword_first(svc, "grandma's recipe").startswith("One onion")


def test_a_command_is_found_by_the_folder_it_ran_in(svc):
    svc.store_events([Event("terraform apply", 1_790_000_000, source="shell", kind="command",
                            meta={"cwd": "/home/ada/src/infra", "exit_code": 0}),
                      Event("terraform fmt", 1_790_000_060, source="shell", kind="command",
                            meta={"cwd": "/home/ada/src/site", "exit_code": 0})])
    assert keyword_first(svc, "terraform infra") == "terraform apply"


def test_a_chat_message_is_found_by_its_conversations_title(svc):
    report = svc.import_file(DATA / "chatgpt_conversations.json")
    titled = [e for e in svc.store.get_events(report.event_ids).values() if e.meta.get("title")]
    title = titled[0].meta["title"]
    hits = svc.search(title, dense=False, include_memories=False, limit=50).hits
    assert {h.id for h in hits} >= {e.id for e in titled if e.meta["title"] == title}


def test_the_text_outweighs_the_place(svc):
    svc.store_events([Event("notes on the budget", 1_790_000_000, source="file", kind="paragraph",
                            meta={"path": "/home/ada/notes/garden.md"}),
                      Event("the garden needs water", 1_790_000_060, source="note", kind="note")])
    assert keyword_first(svc, "garden") == "the garden needs water"



def test_a_paragraph_found_by_its_notes_title_shows_a_score_that_says_so(svc, tmp_path):
    recipe = tmp_path / "shakshuka.md"
    recipe.write_text("# Shakshuka\n\nSunday brunch favourite, serves 2.\n\n## Method\n\n"
                      "Fry the onion and pepper, add the tomatoes, crack in the eggs.\n")
    svc.import_file(recipe)
    for i in range(20):
        svc.add(f"Filler note {i} about the garden, the bins and the weather")
    hits = svc.search("shakshuka").hits
    # the word is only in the title and file name: the first result is on it all the same
    assert hits[0].meta.get("path", "").endswith("shakshuka.md") and hits[0].score >= 0.1  # (was 0.02)

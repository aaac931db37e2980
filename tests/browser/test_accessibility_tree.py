"""What a screen reader meets on each page: Chromium's own accessibility tree, read in order
(landmarks, headings, controls with their names) and checked against what the page should
announce."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pytest

from tests.browser.navigation import open_page

pytestmark = pytest.mark.browser

LANDMARKS = {"banner", "navigation", "main", "contentinfo", "region", "form", "search"}
CONTROLS = {
    "button", "textbox", "searchbox", "combobox", "listbox", "checkbox", "radio", "switch",
    "slider", "spinbutton",
}  # fmt: skip
# Chromium's own parts of a date field (month, day, year, picker): named by the browser.
NATIVE_WIDGETS = {"Date", "DateTime", "InputTime"}

# The page's first heading, then the controls in reading order (role, name).
PAGES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "/": ("Dataset & architecture", []),
    "/predict": (
        "Predict a category",
        [
            ("searchbox", "Name, brand or part of the id"),
            ("button", "Search"),
            ("button", "Product photo Drag and drop a photo here, or choose a file"),
            ("textbox", "Product name (optional)"),
            ("textbox", "Description (optional)"),
            ("textbox", "Or a catalogue product id (uses its photo and text)"),
            ("button", "Predict"),
        ],
    ),
    "/catalogue": (
        "Catalogue",
        [
            ("combobox", "Category"),
            ("combobox", "Split"),
            ("combobox", "Predicted category"),
            ("combobox", "Answer"),
            ("combobox", "Needs review"),
            ("combobox", "Text"),
            ("button", "Apply filter"),
        ],
    ),
    "/similar": (
        "Similar products",
        [
            ("searchbox", "Name, brand or part of the id"),
            ("button", "Search"),
            ("textbox", "Catalogue product id"),
            ("spinbutton", "How many neighbours"),
            ("button", "Decrease How many neighbours"),
            ("button", "Increase How many neighbours"),
            ("button", "Find similar products"),
        ],
    ),
    "/explain": (
        "Explain a prediction",
        [
            ("spinbutton", "Prediction number"),
            ("button", "Decrease Prediction number"),
            ("button", "Increase Prediction number"),
            ("combobox", "Explain the category"),
            ("button", "Explain"),
        ],
    ),
    "/analysis": (
        "Bivariate analysis",
        [("combobox", "Horizontal axis"), ("combobox", "Vertical axis"), ("button", "Show")],
    ),
    "/batch": (
        "Batch scoring",
        [
            ("button", "Catalogue CSV Drag and drop the CSV here, or choose a file"),
            ("button", "Images (ZIP archive) Drag and drop the ZIP archive here, or choose a file"),
            ("button", "Start scoring"),
        ],
    ),
    "/audit": (
        "Audit trail",
        [
            ("Date", "From (date)"),
            ("Date", "Until (date, included)"),
            ("combobox", "Category"),
            ("combobox", "Model"),
            ("combobox", "Source"),
            ("spinbutton", "Confidence at least (%)"),
            ("button", "Decrease Confidence at least (%)"),
            ("button", "Increase Confidence at least (%)"),
            ("spinbutton", "Confidence at most (%)"),
            ("button", "Decrease Confidence at most (%)"),
            ("button", "Increase Confidence at most (%)"),
            ("combobox", "Image-only fallback"),
            ("combobox", "Needs review"),
            ("button", "Apply filter"),
        ],
    ),
    "/models": ("Model comparison", []),
    "/drift": ("Data drift", []),
    "/accessibility": ("Accessibility statement", []),
}


@dataclass(frozen=True)
class Node:
    role: str
    name: str
    level: int  # headings' level, else 0
    depth: int  # how many landmarks hold it


def read_tree(driver: Any) -> list[Node]:
    """The announced nodes in document order, from Chromium's accessibility tree (CDP)."""
    nodes = driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    by_id = {node["nodeId"]: node for node in nodes}
    found: list[Node] = []

    def walk(node: dict[str, Any], depth: int, in_widget: bool) -> None:
        role = node.get("role", {}).get("value", "")
        name = node.get("name", {}).get("value", "").strip()
        announced = not node.get("ignored")
        if announced and not in_widget:
            if role in LANDMARKS or role in CONTROLS or role in NATIVE_WIDGETS:
                found.append(Node(role, name, 0, depth))
            elif role == "heading":
                level = next(
                    int(p["value"]["value"]) for p in node["properties"] if p["name"] == "level"
                )
                found.append(Node(role, name, level, depth))
        inner = depth + (announced and role in LANDMARKS)
        for child in node.get("childIds", []):
            if child in by_id:
                walk(by_id[child], inner, in_widget or role in NATIVE_WIDGETS)

    walk(nodes[0], 0, False)
    return found


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_announces_its_landmarks_headings_and_named_controls(served, path) -> None:  # type: ignore[no-untyped-def]
    open_page(served, path)
    served.wait_for_element("#main-content h1", timeout=30)
    served.driver.implicitly_wait(0)
    tree = read_tree(served.driver)
    outline = "\n".join(f"{'  ' * n.depth}{n.role}{n.level or ''} {n.name!r}" for n in tree)

    # One banner (holding the main navigation and the access bar), one main, one footer.
    top = [(n.role, n.name) for n in tree if n.depth == 0]
    assert top == [("banner", ""), ("main", ""), ("contentinfo", "")], outline
    assert ("navigation", "Main") in [(n.role, n.name) for n in tree if n.depth == 1], outline
    assert not [n for n in tree if n.depth == 0 and n.role not in LANDMARKS], outline

    headings = [n for n in tree if n.role == "heading"]
    title, controls = PAGES[path]
    assert (headings[0].level, headings[0].name) == (1, title), outline
    assert [n.level for n in headings].count(1) == 1, outline
    for before, after in pairwise(headings):
        assert after.level <= before.level + 1, f"{after.name!r} skips a level\n{outline}"

    named = [(n.role, n.name) for n in tree if n.role in CONTROLS or n.role in NATIVE_WIDGETS]
    assert all(name for _role, name in named), outline
    if controls:
        assert named[: len(controls)] == controls, outline
    # Two controls of one kind with one name cannot be told apart when listed.
    assert len(set(named)) == len(named), outline

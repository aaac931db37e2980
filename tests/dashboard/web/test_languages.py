"""The interface in English and French: the language each request is answered in, the switch,
locale formatting, and the French catalogue's completeness."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import dashboard
from dashboard.services.locales import LANGUAGES, catalogue_path, translations
from dashboard.web import i18n
from ml.categories import CATEGORIES

PACKAGE = Path(dashboard.__file__).parent
ROOT = PACKAGE.parent
FRENCH = "fr"


def _marked_messages() -> set[str]:
    """What `pybabel extract -F babel.cfg -k N_ -k Phrase` finds: every string given to _(),
    N_() or Phrase() (a refusal said again in the reader's language) in the dashboard and ml,
    and every message of the report's and the sign-in page's templates."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(
        ROOT,
        method_map=method_map,
        options_map=options_map,
        keywords={**DEFAULT_KEYWORDS, "N_": None, "Phrase": None},
    )
    return {message for _file, _line, message, _comments, _context in found}


def test_french_catalogue_translates_every_marked_message_and_keeps_placeholders() -> None:
    with catalogue_path(FRENCH).open("rb") as po:
        catalogue = read_po(po, locale=FRENCH)
    marked = _marked_messages()
    entries = {m.id: m for m in catalogue if m.id}
    assert len(marked) > 700  # the whole interface and the report, not a sample
    missing = sorted(marked - entries.keys())
    assert not missing, f"not in the French catalogue (run pybabel update): {missing[:10]}"
    untranslated = sorted(i for i, m in entries.items() if not m.string or m.fuzzy)
    assert not untranslated, f"untranslated or fuzzy: {untranslated[:10]}"
    stale = sorted(entries.keys() - marked)
    assert not stale, f"no longer in the code: {stale[:10]}"
    # A translation must name the same %(placeholders)s as its English message.
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check()]
    assert not problems, problems[:5]
    # And each one formats: a stray "%" in a French sentence would fail only when shown.
    for message in entries.values():
        if "%(" in message.id:
            values = dict.fromkeys(re.findall(r"%\((\w+)\)", message.id), "x")
            assert "x" in message.string % values, message.id


# Literals that look like words but are not shown to people as text.
NOT_TEXT = re.compile(
    r"Vitrine( ·)?|Blues|[a-z]+[A-Z]\w*|.*<extra></extra>.*"  # brand, colour scale, JS names
)
TECHNICAL_KEYWORDS = {
    "id", "className", "href", "type", "src", "style", "method", "action", "target", "rel",
    "role", "key", "name", "mode", "color", "value", "lang", "hrefLang", "htmlFor", "scope",
    "autoComplete", "accept", "pattern", "inputMode", "hovertemplate", "function_name",
    "namespace", "colorscale", "family", "textposition", "orientation", "barmode", "hovermode",
}  # fmt: skip
CALLS_WITHOUT_TEXT = {
    "_", "N_", "Input", "Output", "State", "Code", "Pre", "join", "get", "startswith",
    "endswith", "replace", "split", "strip", "format", "removesuffix", "info", "warning",
    "debug", "error", "exception", "getLogger", "ClientsideFunction", "isinstance",
}  # fmt: skip


def _looks_like_text(value: str) -> bool:
    text = value.strip()
    if not re.search(r"[A-Za-z]{2}", text) or NOT_TEXT.fullmatch(text):
        return False
    if re.fullmatch(r"[a-z0-9_:./#?=&%{}-]+", text) or text.startswith(("/", "#", "%{")):
        return False  # ids, class names, paths, hover templates
    if re.fullmatch(r"([a-z0-9_-]+ )*[a-z0-9_-]+", text) and re.search(r"[-_]", text):
        return False  # several class names
    return bool(re.search(r"[A-Z]|\s", text)) and not re.fullmatch(r"[A-Z0-9_]+", text)


def _unmarked(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    parents = {id(c): n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef)
        and n.body
        and isinstance(n.body[0], ast.Expr)
    }
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in docstrings or not _looks_like_text(node.value):
            continue
        child, parent = node, parents.get(id(node))
        shown = True
        while parent is not None and shown:
            if isinstance(parent, ast.keyword):
                shown = parent.arg not in TECHNICAL_KEYWORDS
            elif isinstance(parent, ast.Dict):
                key = next(
                    (k for k, v in zip(parent.keys, parent.values, strict=True) if v is child), None
                )
                technical = isinstance(key, ast.Constant) and key.value in TECHNICAL_KEYWORDS
                shown = not any(k is child for k in parent.keys) and not technical
            elif isinstance(parent, ast.Compare | ast.Subscript | ast.JoinedStr):
                shown = isinstance(parent, ast.Subscript) and parent.slice is not child
            elif isinstance(parent, ast.Call):
                func = parent.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                shown = name not in CALLS_WITHOUT_TEXT
                break
            elif isinstance(parent, ast.FunctionDef | ast.Return | ast.Assign):
                break
            child, parent = parent, parents.get(id(parent))
        if shown:
            found.append(f"{path.name}:{node.lineno}: {node.value[:60]!r}")
    return found


def test_pages_components_and_figures_mark_every_sentence_for_translation() -> None:
    modules = [p for d in ("pages", "components", "figures") for p in (PACKAGE / d).glob("*.py")]
    unmarked = [line for path in sorted(modules) for line in _unmarked(path)]
    assert not unmarked, "\n".join(unmarked)


def test_the_check_finds_an_unmarked_sentence(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        'from dash import html\n\ndef layout():\n    return html.Div([html.H1("Marked"), '
        'html.P(_("Fine")), html.Span(className="badge badge-ok", children="Left alone")])\n'
    )
    assert [line.split(": ", 1)[1] for line in _unmarked(page)] == ["'Marked'", "'Left alone'"]


def test_accept_language_chooses_french_and_html_lang_follows(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/models", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert b'<html lang="fr">' in page.data
    assert "<title>Comparaison des modèles · Vitrine</title>" in page.text
    shell = client.get("/_dash-layout", headers={"Accept-Language": "fr"}).text
    assert "Aller au contenu principal" in shell and "Skip to main content" not in shell
    english = client.get("/models", headers={"Accept-Language": "de, en;q=0.8"})
    assert b'<html lang="en">' in english.data and "Model comparison · Vitrine" in english.text
    # A language the interface does not speak falls back to English.
    assert b'<html lang="en">' in client.get("/", headers={"Accept-Language": "de"}).data


def test_the_switch_is_a_link_that_is_kept_per_browser_and_comes_back(client) -> None:  # type: ignore[no-untyped-def]
    moved = client.get("/language/fr?next=/audit%3Fpage%3D2")
    assert moved.status_code == 303 and moved.headers["Location"] == "/audit?page=2"
    cookie = moved.headers["Set-Cookie"]
    assert "vitrine_lang=fr" in cookie and "Max-Age=31536000" in cookie and "HttpOnly" in cookie
    # The browser's choice outranks its Accept-Language.
    assert b'<html lang="fr">' in client.get("/", headers={"Accept-Language": "en"}).data
    client.get("/language/en?next=/")
    assert b'<html lang="en">' in client.get("/", headers={"Accept-Language": "fr"}).data
    # It only ever sends the browser back to this site.
    for away in ("https://evil.example/", "//evil.example", "/\\evil.example", "%2F%2Fevil"):
        assert client.get(f"/language/fr?next={away}").headers["Location"] == "/"
    refused = client.get("/language/xx?next=/")
    assert refused.status_code == 404 and refused.json["error"] == "unknown_language"
    assert "vitrine_lang" not in refused.headers.get("Set-Cookie", "")


def test_the_header_names_the_current_language_and_links_the_other(client) -> None:  # type: ignore[no-untyped-def]
    def find(node, wanted):  # type: ignore[no-untyped-def]
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == wanted:
                return node
            return next((f for v in node.values() if (f := find(v, wanted))), None)
        if isinstance(node, list):
            return next((f for v in node if (f := find(v, wanted))), None)
        return None

    switch = find(
        client.get("/_dash-layout", headers={"Accept-Language": "fr"}).json, "site-language"
    )
    assert switch["type"] == "Nav" and switch["props"]["aria-label"] == "Langue"
    items = [li["props"]["children"] for li in switch["props"]["children"][0]["props"]["children"]]
    other, current = items  # in the order of LANGUAGES: English, then Français
    assert current["type"] == "Span" and current["props"]["children"] == "Français"
    assert current["props"]["aria-current"] == "true" and current["props"]["lang"] == "fr"
    assert other["type"] == "A" and other["props"]["children"] == "English"
    assert other["props"]["href"] == "/language/en?next=%2F" and other["props"]["lang"] == "en"


def test_the_sign_in_page_speaks_the_readers_language(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/login?next=/audit", headers={"Accept-Language": "fr"}).text
    assert '<html lang="fr">' in page and "<title>Se connecter · Vitrine</title>" in page
    assert "Nom d'utilisateur" in page and "Mot de passe" in page
    assert 'href="/language/en?next=/login%3Fnext%3D/audit"' in page
    wrong = client.post("/login", data={"username": "x", "password": "y"})
    assert wrong.status_code == 400 and "expired or came from another site" in wrong.text
    english = client.get("/login").text
    assert '<html lang="en">' in english and "Username" in english


def test_api_errors_keep_their_codes_in_french(client) -> None:  # type: ignore[no-untyped-def]
    answers = [
        client.get("/api/predictions/0/explanation", headers={"Accept-Language": lang})
        for lang in ("en", "fr")
    ]
    assert answers[0].status_code == answers[1].status_code
    assert answers[0].json == answers[1].json


def test_numbers_percentages_and_dates_follow_the_locale(app) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    moment = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert i18n.percent(0.8234) == "82.3%" and i18n.number(1234567) == "1,234,567"
        assert i18n.decimal(0.5, 2, signed=True) == "+0.50"
        assert i18n.when(moment) == "01 Dec 2026 09:30 UTC"
        assert i18n.category_label("Watches") == "Watches"
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert i18n.percent(0.8234) == "82,3\xa0%"
        assert i18n.number(1234567) == "1\u202f234\u202f567"
        assert i18n.decimal(-0.1234, 3) == "-0,123"
        assert i18n.when(moment) == "01 déc. 2026 09:30 UTC"
        # Categories are translated for display only; the canonical names stay English.
        assert [i18n.category_label(c) for c in CATEGORIES][-1] == "Montres"
        assert i18n.category_label("Not a category") == "Not a category"
    assert CATEGORIES[-1] == "Watches"


def test_refusals_are_said_in_the_readers_language_and_stay_english_for_machines(app) -> None:  # type: ignore[no-untyped-def]
    from dashboard.services.products import UnknownProduct
    from ml.images import ImageRejected, decode_image

    try:
        decode_image(b"")
    except ImageRejected as exc:
        empty: ImageRejected = exc
    unknown = UnknownProduct("abc123")
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert i18n.why(empty) == "Le fichier est vide."
        assert i18n.why(unknown) == "Aucun produit du catalogue n'a l'identifiant « abc123 »."
        assert i18n.why(ValueError("plain words")) == "plain words"  # not a Phrase: as given
    # What the API and the logs read: the English sentence, whatever the reader's language.
    assert str(empty) == "The file is empty."
    assert str(unknown) == "No catalogue product has the id “abc123”."


def test_every_language_has_a_catalogue_but_english_is_the_source() -> None:
    assert set(LANGUAGES) == {"en", FRENCH}
    assert translations("en").gettext("Products") == "Products"
    assert translations(FRENCH).gettext("Products") == "Produits"
    assert catalogue_path(FRENCH).is_file()

"""Browser tests: headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)
through every page of the web UI on the bundled sample, with screenshots in
``$MARSAD_SCREENSHOTS`` (default: a temporary directory). Skipped when Playwright or
Chromium is missing."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
sync_api = pytest.importorskip("playwright.sync_api")

from conftest import serve_in_thread  # noqa: E402
from marsad import Pipeline, Settings  # noqa: E402
from marsad.store import StoredArticle, pipeline_version  # noqa: E402
from test_store import build_store  # noqa: E402

CHROMIUM = os.environ.get("MARSAD_CHROMIUM") or shutil.which("chromium") or \
    shutil.which("chromium-browser")
if not CHROMIUM:
    pytest.skip("chromium is not installed", allow_module_level=True)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
HOSTILE = ("وقال المتحدث <script>window.__pwned = 1</script> "
           "<img src=x onerror=\"window.__pwned = 2\"> إن الاجتماع انتهى في القاهرة.")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pipe = Pipeline(Settings())
    store = build_store(tmp_path_factory.mktemp("ui") / "ui.db", pipe, n=60)
    hostile = pipe(_raw(HOSTILE)).to_json()
    store.write_batch([StoredArticle(hostile, "hostile", pipeline_version(pipe))])
    db = store.target
    store.close()
    with serve_in_thread(db) as url:
        yield url


def _raw(text: str) -> Any:
    from marsad.recovery import RawArticle

    return RawArticle(body=text, id="hostile-article", site="test")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as err:  # a broken browser install
            pytest.skip(f"cannot start chromium: {err}")
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    pg = browser.new_page(viewport={"width": 1300, "height": 900})
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield pg
    pg.close()
    assert not errors, errors


SHOTS = Path(os.environ.get("MARSAD_SCREENSHOTS", "")) if os.environ.get(
    "MARSAD_SCREENSHOTS") else None


def shot(page: Any, name: str, tmp_path: Path) -> None:
    target = (SHOTS or tmp_path) / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000


def api(server: str, path: str) -> Any:
    import urllib.request

    with urllib.request.urlopen(server + path) as r:
        return json.loads(r.read())


def test_ui_home_lists_articles(page: Any, server: str, tmp_path: Path) -> None:
    page.goto(server + "/#/")
    page.wait_for_selector("#articles tbody tr")
    stats = api(server, "/api/stats")
    assert page.locator("#stats .stat b").first.inner_text() == str(stats["articles"])
    assert page.locator("#articles tbody tr").count() == min(50, stats["articles"])
    assert page.evaluate("document.documentElement.dir") == "rtl"
    shot(page, "home", tmp_path)


def test_ui_article_highlights_entities_quotes_and_events(page: Any, server: str,
                                                          tmp_path: Path) -> None:
    arts = api(server, "/api/articles?limit=200")["items"]
    art = max(arts, key=lambda a: (a["events"] > 0, a["quotes"] > 0, a["entities"]))
    doc = api(server, f"/api/articles/{art['id']}")
    page.goto(server + f"/#/article/{art['id']}")
    page.wait_for_selector("#article-text")
    assert page.locator("#article-text").inner_text() == doc["text"]
    assert page.locator("#article-title").inner_text() == doc["headline"]
    n_ents = page.locator("#entities-panel li").count()
    assert n_ents == len(doc["entities"])
    assert page.locator("#article-text .ent").count() >= len(doc["entities"])
    assert page.locator("#article-text .quote").count() >= (1 if doc["quotes"] else 0)
    assert page.locator("#article-text .trigger").count() >= (
        1 if any(e.get("trigger") for e in doc["events"]) else 0)
    # click a mention: the popup names the entity with a link to its actor page
    ent = doc["entities"][0]
    m = ent["mentions"][0]
    page.locator("#article-text .ent", has_text=m["text"]).first.click()
    popup = page.locator("#popup")
    assert popup.is_visible()
    link = popup.locator("a[href^='#/actor/']").first
    shot(page, "article", tmp_path)
    link.click()
    page.wait_for_selector("#actor-name")


def test_ui_actor_page_shows_events_and_counterparts(page: Any, server: str,
                                                     tmp_path: Path) -> None:
    actors = api(server, "/api/actors?limit=200")["items"]
    a = max(actors, key=lambda x: x["events_as_source"] + x["events_as_target"])
    page.goto(server + f"/#/actor/{a['id']}")
    page.wait_for_selector("#actor-name")
    assert a["name"] in page.locator("#actor-name").inner_text()
    assert page.locator("#as-source tr").count() == min(50, a["events_as_source"])
    assert page.locator("#as-target tr").count() == min(50, a["events_as_target"])
    assert page.locator("#counterparts li").count() >= 1
    shot(page, "actor", tmp_path)


def test_ui_events_explorer_filters_and_draws_a_timeline(page: Any, server: str,
                                                         tmp_path: Path) -> None:
    page.goto(server + "/#/events")
    page.wait_for_selector("#timeline")
    assert page.locator("#timeline rect.bar").count() >= 1
    page.select_option("select[name=quad_class]", "4")
    page.click("#filters button[type=submit]")
    page.wait_for_function("location.hash.includes('quad_class=4')")
    page.wait_for_selector("#events tbody tr")
    expected = api(server, "/api/events?quad_class=4&limit=50")["items"]
    assert page.locator("#events tbody tr").count() == len(expected)
    assert page.locator("#events tbody tr .q3, #events tbody tr .q1").count() == 0
    shot(page, "events", tmp_path)


def test_ui_network_zooms_and_opens_the_events_of_an_edge(page: Any, server: str,
                                                          tmp_path: Path) -> None:
    page.goto(server + "/#/network")
    page.wait_for_selector("#network line.edge")
    net = api(server, "/api/network?limit=200")
    assert page.locator("#network line.edge").count() == len(net["edges"])
    before = page.get_attribute("#network", "viewBox")
    page.click("#zoom-in")
    assert page.get_attribute("#network", "viewBox") != before
    page.click("#zoom-reset")
    edge = page.locator("#network line.edge").first
    weight = next(e["weight"] for e in net["edges"]
                  if e["source"] == edge.get_attribute("data-source")
                  and e["target"] == edge.get_attribute("data-target"))
    edge.dispatch_event("click")
    page.wait_for_selector("#edge-events #events tbody tr")
    assert page.locator("#edge-events #events tbody tr").count() == min(weight, 50)
    shot(page, "network", tmp_path)


def test_ui_map_draws_countries_and_event_places(page: Any, server: str,
                                                 tmp_path: Path) -> None:
    page.goto(server + "/#/map")
    page.wait_for_selector("#map path.country")
    assert page.locator("#map path.country").count() > 150
    places = api(server, "/api/places")["items"]
    assert page.locator("#map circle.place").count() == len(places)
    if places:
        page.locator("#map circle.place").first.dispatch_event("click")
        page.wait_for_selector("#place-events #events tbody tr")
    shot(page, "map", tmp_path)


def test_ui_search_highlights_the_match(page: Any, server: str, tmp_path: Path) -> None:
    page.goto(server + "/#/")
    page.fill("#search-box", "القدس")
    page.press("#search-box", "Enter")
    page.wait_for_selector("#search-results .hit")
    marks = page.locator("#search-results mark").all_inner_texts()
    assert marks and all(m.endswith("القدس") or m.endswith("لقدس") for m in marks)
    shot(page, "search", tmp_path)


def test_ui_script_in_article_text_is_shown_as_text(page: Any, server: str,
                                                    tmp_path: Path) -> None:
    page.goto(server + "/#/article/hostile-article")
    page.wait_for_selector("#article-text")
    text = page.locator("#article-text").inner_text()
    assert "<script>window.__pwned = 1</script>" in text
    assert "<img src=x" in text
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("#article-text script, #article-text img").count() == 0

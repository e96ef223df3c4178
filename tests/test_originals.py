"""Originals behind citations are handed out only by the app, after the same access check as
answers and only while the document is in the library unchanged; never from a folder served to
whoever has the URL. Real store, real app pages, and two real app servers driven by Chromium."""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from streamlit.testing.v1 import AppTest

import ui
from assistant.assistant import Assistant
from assistant.library import Library
from assistant.settings import DEFAULT_EMBEDDING_MODEL, Settings, get_settings
from ingest import ingest
from ingest.maintenance import remove
from samples.generate import render_pdf
from tests.app_server import running_app
from tests.conftest import ROOT, SAMPLES
from tests.helpers import shown

SECRET = "Quillfeather"  # appears in the exempt report only
QUESTION = "How much will the Quillfeather regeneration scheme cost the council?"
EXEMPT_REPORT = {
    "file": "quillfeather-exempt",
    "blocks": [
        ("title", "Quillfeather Regeneration Scheme: Costs"),
        ("meta", [("Council", "Riverton City Council"), ("Committee", "Cabinet"),
                  ("Date of meeting", "4 March 2024"), ("Report number", "CAB/24/099"),
                  ("Classification", "Exempt (paragraph 3 of Schedule 12A)")]),
        ("heading", "1. Costs"),
        ("para", "1.1", f"The {SECRET} regeneration scheme will cost the council £2.4m over "
                        "three years, paid from the capital programme."),
        ("para", "1.2", f"The {SECRET} site will be cleared by the end of 2024."),
    ],
}
READER_REPORT = """# Parks and open spaces update

Classification: Unrestricted

Cabinet, 4 March 2024

## Play areas

1. The council inspected 42 play areas in 2023 and closed two for repairs.

2. The splash pad at Riverside Park will reopen in May 2024 after new pumps are fitted.

3. Volunteers planted 1,200 trees in the north of the borough over the winter.
"""
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
STATIC = Path(ui.__file__).resolve().parent / "static"  # the installed package's folder


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """A folder with one exempt PDF (stating its classification) and the public samples."""
    folder = tmp_path / "reports"
    shutil.copytree(SAMPLES, folder)
    render_pdf(EXEMPT_REPORT, folder / "quillfeather-exempt.pdf")
    return folder


def deployment(level: str = "public") -> Assistant:
    return Assistant(get_settings(access=level))


def doc_id_of(name: str) -> str:
    [found] = [d for d in Library(get_settings()).unrestricted().documents()
               if d.file_name == name]
    return found.doc_id


def test_a_public_original_is_given_with_its_bytes_and_pages(reports: Path) -> None:
    ingest([reports])
    path = reports / "riverton-safer-streets-progress-2023-24.pdf"
    doc_id = doc_id_of(path.name)
    found = deployment().original(doc_id)
    assert found is not None and found.data == path.read_bytes()
    assert (found.file_name, found.mime_type, found.pages) == (path.name, "application/pdf", 2)
    image = deployment().page_image(doc_id, 1)
    assert image is not None and image.startswith(b"\x89PNG\r\n\x1a\n")
    assert deployment().page_image(doc_id, 3) is None  # no such page


def test_an_exempt_original_is_given_only_to_a_deployment_cleared_for_it(reports: Path
                                                                         ) -> None:
    ingest([reports])
    doc_id = doc_id_of("quillfeather-exempt.pdf")
    assert Library(get_settings()).unrestricted().document(doc_id).meta.access == "exempt"
    assert deployment().original(doc_id) is None
    assert deployment().page_image(doc_id, 1) is None
    with pytest.raises(Exception, match="no longer in the library"):  # says nothing more
        deployment().fetch_original(doc_id)
    for level in ("exempt", "confidential"):
        assert deployment(level).original(doc_id).data == \
            (reports / "quillfeather-exempt.pdf").read_bytes()


def test_an_override_to_exempt_hides_the_original_too(reports: Path) -> None:
    path = reports / "eastvale-oscom-minutes-2024-02-05.pdf"
    ingest([path], access="exempt")
    assert deployment().original(doc_id_of(path.name)) is None
    assert deployment("exempt").original(doc_id_of(path.name)) is not None


def test_a_removed_document_has_no_original(reports: Path) -> None:
    ingest([reports])
    path = reports / "northshire-csp-annual-review-2024.pdf"
    doc_id = doc_id_of(path.name)
    assert deployment().original(doc_id) is not None
    remove([path], Library(get_settings()))
    assert path.exists() and deployment().original(doc_id) is None
    assert deployment().page_image(doc_id, 1) is None


def test_a_replaced_file_is_not_given_until_it_is_ingested_again(reports: Path) -> None:
    ingest([reports])
    path = reports / "riverton-safer-streets-progress-2023-24.pdf"
    doc_id = doc_id_of(path.name)
    shutil.copyfile(reports / "quillfeather-exempt.pdf", path)  # other bytes, same place
    assert deployment().original(doc_id) is None
    assert deployment().page_image(doc_id, 1) is None
    with pytest.raises(Exception, match="has changed since it was ingested"):
        deployment().fetch_original(doc_id)
    ingest([path])  # the new bytes state that they are exempt
    assert deployment().original(doc_id) is None
    assert deployment("exempt").original(doc_id).data == path.read_bytes()


def test_a_moved_file_says_so(reports: Path) -> None:
    ingest([reports])
    path = reports / "riverton-safer-streets-progress-2023-24.pdf"
    path.rename(reports / "elsewhere.pdf")
    with pytest.raises(Exception, match="no longer where it was ingested from"):
        deployment().fetch_original(doc_id_of(path.name))


def chat_page() -> AppTest:
    page = AppTest.from_file(str(ROOT / "ui" / "views" / "chat.py"), default_timeout=120)
    page.run()
    assert not page.exception, page.exception
    return page


def test_a_text_source_is_read_in_its_document_from_the_library(tmp_path: Path) -> None:
    path = tmp_path / "parks.md"
    path.write_text(READER_REPORT)
    ingest([path])
    path.unlink()  # the reader view needs the library only; the original is gone
    page = chat_page()
    page.chat_input[0].set_value("When will the splash pad at Riverside Park reopen?").run()
    assert not page.exception, page.exception
    captions = shown("\n".join(c.value for c in page.caption))
    assert "The original (parks.md) is no longer where it was ingested from." in captions
    assert not [b for b in page.get("download_button")
                if b.proto.label.startswith("Download the original")]
    page.toggle(key="read-0-1").set_value(True).run()
    shown_text = shown("\n".join(m.value for m in page.markdown))
    assert "<b>1</b> The council inspected 42 play areas" in shown_text
    assert "<mark>The splash pad at Riverside Park will reopen in May 2024" in shown_text
    assert "<b>3</b> Volunteers planted 1,200 trees" in shown_text


# -- two real deployments on one install and one library --------------------------------------


def get(url: str) -> tuple[int, bytes]:
    """Status and body of a GET on loopback (error statuses included)."""
    assert urlsplit(url).hostname == "127.0.0.1"
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def exempt_session(url: str, title: str) -> tuple[set[str], bytes, set[bytes]]:
    """In the exempt deployment: ask with exempt documents included, open the source card,
    show the page, download the original. Returns every URL requested or referenced, the bytes
    downloaded, and the bodies of the media URLs (fetched while the session lives)."""
    from playwright.sync_api import expect, sync_playwright

    seen: set[str] = set()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda request: seen.add(request.url))
        page.goto(url)
        box = page.get_by_placeholder("Ask about the reports", exact=False)
        box.wait_for(timeout=60_000)
        page.get_by_text("Include exempt documents").click()
        expect(page.get_by_role("checkbox", name="Include exempt documents")).to_be_checked(
            timeout=10_000)
        box.fill(QUESTION)
        box.press("Enter")
        page.get_by_text("£2.4m", exact=False).first.wait_for(timeout=60_000)
        page.locator("details summary", has_text=title).first.click()
        page.get_by_text("Show page 1").first.click()
        page.locator("img[src*='/media/']").first.wait_for(timeout=60_000)  # renders under load
        with page.expect_download(timeout=30_000) as download:
            page.get_by_text("Download the original (quillfeather-exempt.pdf)").first.click()
        data = Path(download.value.path()).read_bytes()
        seen.add(download.value.url)
        seen.update(page.evaluate("Array.from(document.querySelectorAll('[href],[src]'))"
                                  ".map(e => e.href || e.src)"))
        served = {body for u in seen if urlsplit(u).path.startswith("/media/")
                  for status, body in [get(u)] if status == 200 and body}
        browser.close()
    return seen, data, served


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium here (make test installs "
                                                        "Debian's chromium where apt-get can)")
def test_a_public_deployment_cannot_fetch_an_exempt_original_by_any_url(reports: Path,
                                                                        tmp_path: Path
                                                                        ) -> None:
    pytest.importorskip("playwright.sync_api")
    data = tmp_path / "library"
    summary = ingest([reports], Settings(data_dir=data, embedding_model=DEFAULT_EMBEDDING_MODEL))
    assert summary.exit_code == 0, summary.failed
    pdf = (reports / "quillfeather-exempt.pdf").read_bytes()
    everything = Library(Settings(data_dir=data, embedding_model=DEFAULT_EMBEDDING_MODEL),
                         check_model=False).unrestricted()
    [secret] = [d for d in everything.documents() if d.file_name == "quillfeather-exempt.pdf"]
    assert secret.meta.access == "exempt"
    env = {"SCRUTINEER_DATA_DIR": str(data), "SCRUTINEER_EMBEDDING_MODEL":
           DEFAULT_EMBEDDING_MODEL}
    with running_app({**env, "SCRUTINEER_ACCESS": "exempt"}, data / "ui-exempt.log") as exempt, \
            running_app({**env, "SCRUTINEER_ACCESS": "public"}, data / "ui-public.log") as public:
        seen, downloaded, served = exempt_session(exempt, secret.title)
        assert downloaded == pdf  # the exempt deployment did hand the original out
        assert pdf in served and any(b.startswith((b"\x89PNG", b"\xff\xd8")) for b in served)
        paths = {urlsplit(u)._replace(scheme="", netloc="", fragment="").geturl() or "/"
                 for u in seen if u.startswith("http")}
        paths |= {f"/app/static/docs/{secret.doc_id}.pdf", f"/app/static/{secret.file_name}",
                  f"/app/static/docs/{secret.file_name}", "/"}
        assert any(p.startswith("/media/") for p in paths)
        for path in sorted(paths):
            status, body = get(public + path)
            assert body not in served and pdf not in body and SECRET.encode() not in body, \
                (path, status)
            assert status != 200 or not body.startswith(b"%PDF"), path
    assert not STATIC.exists() or not any(STATIC.rglob("*"))  # nothing copied into the package

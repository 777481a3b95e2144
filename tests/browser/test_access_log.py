"""The chief's access-log review in a real browser: the log in words, a refusal flagged, the
sign-off and its printable checkpoint."""

import pytest
from sqlalchemy import select

from admin_app.extensions import db
from models import LogReview, Registrant
from tests.browser.chromium import log_in
from tests.builders.registration import make_registrant
from tests.support import ARTIFACTS

pytestmark = pytest.mark.browser


def test_the_chief_reads_the_log_in_words_and_prints_the_sign_off(app, live_server, page):
    with app.app_context():
        hall = make_registrant("中央公民館")
        sports = make_registrant("スポーツセンター", "individual", birth_date=None)
        hall_number, sports_number = (
            db.session.get(Registrant, i).registration_number for i in (hall, sports)
        )
    log_in(page, live_server, "staff1")
    page.goto(f"{live_server}/admin/registrant/details/?id={hall}")
    assert page.goto(f"{live_server}/admin/registrant/details/?id={sports}").status == 404
    page.goto(f"{live_server}/admin/")
    page.get_by_role("button", name="ログアウト").click()

    log_in(page, live_server, "chief1")
    page.goto(f"{live_server}/admin/access_log/")
    table = page.get_by_test_id("log")
    assert table.get_by_text(hall_number).is_visible()
    refused = table.locator("tr", has_text=sports_number)
    assert refused.get_by_text("利用登録者 詳細").is_visible()
    assert refused.locator('[data-flag="denied"]').is_visible()
    assert page.get_by_test_id("denied").get_by_text("山田 花子 (staff1)").is_visible()
    assert "registrant.details_view" not in page.inner_text("body")
    page.screenshot(path=ARTIFACTS / "40-access-log-in-words.png", full_page=True)

    page.get_by_label("画面").select_option(label="利用登録者 詳細")
    page.get_by_role("button", name="絞り込む").click()
    assert page.get_by_test_id("log").locator("tr[data-row]").count() == 2

    page.goto(f"{live_server}/admin/log_review/")
    page.get_by_label("対象期間（開始）").fill("2026-01-05")
    page.get_by_role("button", name="点検記録を登録する").click()
    assert page.get_by_text("チェックポイントを印刷し").is_visible()
    line = page.get_by_test_id("checkpoint").inner_text()
    with app.app_context():
        assert [line] == db.session.scalars(
            select(LogReview.checkpoint).where(LogReview.checkpoint.is_not(None))
        ).all()
    page.emulate_media(media="print")
    page.screenshot(path=ARTIFACTS / "41-review-checkpoint-print.png", full_page=True)


# The character before each line break of an element's text, as laid out.
LINE_BREAKS = """(el) => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const breaks = [];
  let node, lastTop = null, prev = null;
  while ((node = walker.nextNode())) {
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (rect && rect.width > 0) {
        if (lastTop !== null && rect.top > lastTop + 1) breaks.push(prev);
        lastTop = rect.top;
      }
      prev = node.data[i];
    }
  }
  return breaks;
}"""


def test_the_printed_checkpoint_breaks_lines_only_between_its_fields(app, live_server, page):
    """Typed back from paper, a line break inside a hash and one at a space look alike: the
    printed line may break only where the line has a space."""
    log_in(page, live_server, "chief1")
    page.goto(f"{live_server}/admin/log_review/")
    page.get_by_label("対象期間（開始）").fill("2026-01-05")
    page.get_by_role("button", name="点検記録を登録する").click()
    page.emulate_media(media="print")
    checkpoint = page.get_by_test_id("checkpoint")
    breaks = checkpoint.evaluate(LINE_BREAKS)
    assert breaks, "the line fits on one printed line: nothing was checked"
    assert set(breaks) == {" "}
    with app.app_context():
        line = db.session.scalars(
            select(LogReview.checkpoint).order_by(LogReview.id.desc())
        ).first()
    assert checkpoint.inner_text() == line  # copied from the page, it is the line itself
    page.screenshot(path=ARTIFACTS / "42-review-checkpoint-line-breaks.png", full_page=True)

"""The lottery in a real browser, on the demo data: the chief opens the lottery month whose
applications have closed, draws it, sees the seed and the replay check, and prints the results
to post at the counter — application numbers only, no name; axe-core on the lottery screens."""

import pytest
from sqlalchemy import select

from admin_app.extensions import db
from models.reservation.lottery import Lottery, LotteryApplication
from tests.browser.chromium import log_in, serious
from tests.support import ARTIFACTS

pytestmark = pytest.mark.browser


def test_the_chief_draws_the_demo_lottery_and_prints_the_results(app, full_demo, live_server, page):
    with app.app_context():
        waiting = db.session.scalar(
            select(Lottery).where(Lottery.drawn_at.is_(None)).order_by(Lottery.month)
        )
        names = {
            a.registrant.name
            for a in db.session.scalars(
                select(LotteryApplication).where(LotteryApplication.lottery_id == waiting.id)
            )
        }
        month = f"{waiting.month.year}年{waiting.month.month}月"
    assert names  # the demo has applications to draw

    log_in(page, live_server, "chief1")
    page.get_by_role("link", name="施設予約", exact=True).click()
    page.get_by_role("link", name="抽選", exact=True).click()
    page.wait_for_url(f"{live_server}/admin/lottery/")
    assert serious(page) == []
    row = page.get_by_test_id("lotteries").get_by_role("row").filter(has_text="抽選待ち")
    row.get_by_role("link", name=month).click()
    page.wait_for_url("**/admin/lottery/lottery/**")
    assert serious(page) == []
    page.get_by_test_id("draw").click()
    assert page.get_by_text("抽選を実施しました").is_visible()
    with app.app_context():
        seed = db.session.get(Lottery, waiting.id).seed
    assert page.get_by_test_id("seed").inner_text() == seed
    assert "一致します" in page.get_by_test_id("verify").inner_text()
    outcomes = page.get_by_test_id("outcome").all_inner_texts()
    assert outcomes.count("当選") >= 1 and len(outcomes) == sum(
        1 for o in outcomes if o.startswith(("当選", "落選", "無効"))
    )
    page.screenshot(path=ARTIFACTS / "60-lottery-drawn.png", full_page=True)

    page.get_by_test_id("results").click()
    page.wait_for_url("**/admin/lottery/results/**")
    assert page.get_by_test_id("title").inner_text() == f"{month}分 抽選結果"
    winners = page.get_by_test_id("winner").all_inner_texts()
    assert winners and all(w == "なし" or (len(w) == 4 and w.isdigit()) for w in winners)
    text = page.locator("body").inner_text()
    assert seed in text
    assert not any(name in text for name in names if name)
    assert serious(page) == []
    page.screenshot(path=ARTIFACTS / "61-lottery-results-print.png", full_page=True)

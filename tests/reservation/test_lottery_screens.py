"""The lottery screens over HTTP: the chief sets up a month, counter staff enter applications
(a bad one: the Japanese message and nothing saved), only the chief draws, the seed and the
replay check are shown, the results to post carry application numbers and never a name, and
another facility's staff get 404."""

import re
from datetime import datetime, time, timedelta

import time_machine
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from admin_app.extensions import db
from models.clock import JST, today_local
from models.reservation.lottery import Lottery, LotteryApplication
from tests.builders.reservation import make_booker, registrant, room
from tests.support import csrf_token, login

ROOM = "第1会議室"


def first_of_next_month():
    return today_local().replace(day=1) + relativedelta(months=1)


def moment(day, hour=10):
    return time_machine.travel(datetime.combine(day, time(hour), JST), tick=True)


def ids(app) -> tuple[int, int]:
    """The facility's and the room's ids (requests run outside the app context: an outer
    context would keep g, and with it the CSRF token, from one request to the next)."""
    with app.app_context():
        the_room = room(ROOM)
        return the_room.facility_id, the_room.id


def set_up(client, facility_id: int, room_id: int) -> int:
    page = client.get(f"/admin/lottery/new/?facility_id={facility_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "抽選月を設定" in html
    month = select_value(html)
    response = client.post(
        f"/admin/lottery/new/?facility_id={facility_id}",
        data={
            "csrf_token": csrf_token(html),
            "month": month,
            "rooms": [str(room_id)],
            "max_applications": "5",
            "max_wins": "2",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rsplit("=", 1)[1])


def select_value(html: str) -> str:
    return re.search(r'<option selected value="([0-9-]+)"', html).group(1)


def apply_form(client, lottery_id: int, room_id: int, number: str, day, slot="am", **extra):
    page = client.get(f"/admin/lottery/lottery/?id={lottery_id}")
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "registration_number": number,
        "room": str(room_id),
        "day": day.isoformat(),
        "slot": slot,
        "people": "8",
        "purpose": "合唱の練習",
        **extra,
    }
    return client.post(f"/admin/lottery/lottery/?id={lottery_id}", data=data)


def applications(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LotteryApplication))


def test_a_lottery_month_from_set_up_to_posted_results(app, client, demo):
    opening = first_of_next_month() + timedelta(days=1)
    facility, room_id = ids(app)
    with moment(opening):
        with app.app_context():
            numbers = [
                registrant(make_booker(name="抽選テスト合唱団")).registration_number
                for _ in range(3)
            ]
        login(client, "chief1")
        lottery_id = set_up(client, facility, room_id)
        with app.app_context():
            the_lottery = db.session.get(Lottery, lottery_id)
            assert the_lottery.opens_on.day == 1 and the_lottery.closes_on.day == 10
            day, closes_on = the_lottery.month + timedelta(days=5), the_lottery.closes_on
        client = app.test_client()  # another person at another desk
        login(client, "staff1")
        for number in numbers:
            response = apply_form(client, lottery_id, room_id, number, day)
            assert response.status_code == 302
        assert "受付番号 0003" in client.get(response.location).get_data(as_text=True)
        # A number of no registrant: the Japanese message at its field, nothing saved.
        refused = apply_form(client, lottery_id, room_id, "99999999", day)
        assert refused.status_code == 200
        assert "この登録番号の利用登録者は、この施設にはいません" in refused.get_data(as_text=True)
        assert applications(app) == 3
        # The same registrant twice for one slot: refused, nothing saved.
        twice = apply_form(client, lottery_id, room_id, numbers[0], day)
        assert "すでに申し込んでいます" in twice.get_data(as_text=True)
        assert applications(app) == 3
        # Counter staff cannot draw.
        page = client.get(f"/admin/lottery/lottery/?id={lottery_id}").get_data(as_text=True)
        assert "抽選を実施する" not in page
        draw_url = f"/admin/lottery/draw/?id={lottery_id}"
        assert client.post(draw_url, data={"csrf_token": csrf_token(page)}).status_code == 403
    with moment(closes_on + timedelta(days=1), 9):
        client = app.test_client()
        login(client, "chief1")
        page = client.get(f"/admin/lottery/lottery/?id={lottery_id}").get_data(as_text=True)
        assert "抽選を実施する" in page
        assert client.post(draw_url, data={"csrf_token": csrf_token(page)}).status_code == 302
        page = client.get(f"/admin/lottery/lottery/?id={lottery_id}").get_data(as_text=True)
        with app.app_context():
            seed = db.session.get(Lottery, lottery_id).seed
        assert seed and seed in page
        assert "再計算した結果は、記録された結果と一致します" in page
        assert page.count(">当選<") == 1 and page.count(">落選<") == 2
        assert "抽選テスト合唱団" in page  # staff see who applied
        results = client.get(f"/admin/lottery/results/?id={lottery_id}")
        html = results.get_data(as_text=True)
        assert results.status_code == 200 and seed in html
        assert all(f"{n:04d}" in html for n in (1, 2, 3))
        assert "抽選テスト合唱団" not in html  # numbers only, for posting at the counter
        assert not any(number in html for number in numbers)


def test_another_facilitys_staff_get_404_and_the_public_gets_the_login(app, client, demo):
    opening = first_of_next_month() + timedelta(days=1)
    facility, room_id = ids(app)
    with moment(opening):
        login(client, "chief1")
        lottery_id = set_up(client, facility, room_id)
        client = app.test_client()  # another person at another desk
        login(client, "staff2")
        for path in ("lottery", "results"):
            assert client.get(f"/admin/lottery/{path}/?id={lottery_id}").status_code == 404
        assert "中央公民館" not in client.get("/admin/lottery/").get_data(as_text=True)
        anonymous = app.test_client().get(f"/admin/lottery/lottery/?id={lottery_id}")
        assert anonymous.status_code == 302 and "/login" in anonymous.location


def test_setting_up_with_dates_out_of_order_is_refused_with_nothing_saved(app, client, demo):
    opening = first_of_next_month() + timedelta(days=1)
    facility, room_id = ids(app)
    with moment(opening):
        login(client, "chief1")
        page = client.get(f"/admin/lottery/new/?facility_id={facility}").get_data(as_text=True)
        response = client.post(
            f"/admin/lottery/new/?facility_id={facility}",
            data={
                "csrf_token": csrf_token(page),
                "month": select_value(page),
                "rooms": [str(room_id)],
                "closes_on": (opening + relativedelta(months=3)).isoformat(),
                "max_applications": "5",
                "max_wins": "2",
            },
        )
        assert response.status_code == 200
        assert "日付は、申込開始・申込締切・抽選日・先着受付開始の順で" in response.get_data(
            as_text=True
        )
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Lottery)) == 0


def test_the_counter_grid_shows_lottery_months_and_offers_no_booking_link(app, client, demo):
    opening = first_of_next_month() + timedelta(days=1)
    facility, room_id = ids(app)
    with moment(opening):
        login(client, "chief1")
        lottery_id = set_up(client, facility, room_id)
        with app.app_context():
            month = db.session.get(Lottery, lottery_id).month
        day = month + timedelta(days=7 + (5 - (month + timedelta(days=7)).weekday()) % 7)  # a Sat
        html = client.get(
            f"/admin/reservation/?facility_id={facility}&period=month&start={month.isoformat()}"
        ).get_data(as_text=True)
        cell = re.search(
            rf'<td class="[a-z]+" data-room="{room_id}" data-day="{day.isoformat()}" '
            rf'data-slot="am" data-state="([a-z]+)">(.*?)</td>',
            html,
            re.S,
        )
        assert cell.group(1) == "lottery" and "/book/" not in cell.group(2)
        assert "抽選月（先着順の受付前）" in html

"""Error pages over HTTP: a staff member's 400, 403, 404 and 500 on a staff URL come in the
back office's layout, with its menu and a way back to its home, never the public site's
「トップページへ戻る」; the public site keeps its own page; nobody sees the menu without
logging in."""

import pytest

import views.dashboard
from tests.support import token

NAVBAR = 'id="admin-navbar-collapse"'
PUBLIC_BACK = "トップページへ戻る"
BACK_OFFICE_BACK = "業務システムのホームへ戻る"


def assert_back_office(response, status: int, title: str) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert NAVBAR in body and "登録者" in body  # the menu, with what this person may open
    assert "山田 花子" in body  # who is logged in, and the logout button
    assert title in body and f"エラーコード: {status}" in body
    assert BACK_OFFICE_BACK in body and PUBLIC_BACK not in body
    return body


def test_a_staff_404_is_in_the_back_office_layout(login_as):
    client = login_as("staff1")
    assert_back_office(client.get("/admin/no-such-page"), 404, "ページが見つかりません")
    missing = client.get("/admin/registrant/details/?id=999999999")
    assert_back_office(missing, 404, "ページが見つかりません")


def test_a_staff_403_is_in_the_back_office_layout(login_as):
    client = login_as("staff1")  # counter staff: the IT screens are not theirs
    body = assert_back_office(
        client.get("/admin/staff_user/"), 403, "このページを表示する権限がありません"
    )
    assert 'href="/admin/staff_user/"' not in body  # the menu still holds only their pages


def test_a_staff_400_is_in_the_back_office_layout(login_as):
    client = login_as("staff1")
    # A form sent without its CSRF token (an expired page).
    no_token = client.post("/admin/registrant/delete/", data={"id": "1"})
    assert_back_office(no_token, 400, "要求を処理できませんでした")
    # A NUL character, refused before any view.
    assert_back_office(client.get("/admin/registrant/?search=a%00b"), 400, "要求を処理")


def test_a_staff_500_is_in_the_back_office_layout(app, login_as, monkeypatch):
    client = login_as("staff1")

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.dashboard, "today_local", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    assert_back_office(client.get("/admin/"), 500, "内部エラーが発生しました")


def test_the_public_site_keeps_its_error_page(client, login_as):
    for who in ("anonymous", "staff1"):
        if who == "staff1":
            client = login_as("staff1")
        response = client.get("/no-such-page")
        body = response.get_data(as_text=True)
        assert response.status_code == 404, who
        assert PUBLIC_BACK in body and NAVBAR not in body and BACK_OFFICE_BACK not in body, who


@pytest.mark.parametrize(
    "url", ["/admin/no-such-page", "/admin/registrant/details/?id=999999999", "/admin/staff_user/"]
)
def test_nobody_sees_the_menu_without_logging_in(client, demo, url):
    response = client.get(url)
    body = response.get_data(as_text=True)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == 404 and PUBLIC_BACK in body
    assert NAVBAR not in body and "登録者" not in body and BACK_OFFICE_BACK not in body


def test_a_csrf_400_after_logging_out_is_the_public_page(client, demo, login_as):
    client = login_as("staff1")
    client.post("/logout", data={"csrf_token": token(client, "/admin/")})
    response = client.post("/admin/registrant/delete/", data={"id": "1"})
    body = response.get_data(as_text=True)
    assert response.status_code in (302, 400)
    assert NAVBAR not in body

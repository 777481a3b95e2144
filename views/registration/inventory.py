"""個人情報項目一覧: the field inventory as a back-office page."""

from flask_admin import BaseView, expose

from admin_app.security import allowed
from models.registration.inventory import ITEMS
from views.labels import label


class InventoryView(BaseView):
    menu_last = True  # lists every domain's personal data: closes its menu (views.close_menus)

    def is_accessible(self) -> bool:
        return allowed("inventory.index")

    @expose("/")
    def index(self) -> str:
        return self.render("admin/inventory.html", items=ITEMS, label=label)

"""Display labels of the access log: actions, review findings and statuses."""

from flask_babel import lazy_gettext as _l

from models.access_log.entries import AccessAction
from models.access_log.review import Findings, ReviewStatus

PAIRS = (
    (AccessAction.LIST, _l("List")),
    (AccessAction.VIEW, _l("View")),
    (AccessAction.CREATE, _l("Create")),
    (AccessAction.EDIT, _l("Edit")),
    (AccessAction.DELETE, _l("Delete")),
    (AccessAction.EXPORT, _l("Export")),
    (AccessAction.LOGIN, _l("Log in")),
    (AccessAction.LOGOUT, _l("Log out")),
    (AccessAction.DENIED, _l("Denied")),
    (Findings.NONE, _l("Nothing to note")),
    (Findings.NOTED, _l("Noted")),
    (ReviewStatus.DONE, _l("Reviewed")),
    (ReviewStatus.DUE, _l("Due")),
    (ReviewStatus.OVERDUE, _l("Overdue")),
)

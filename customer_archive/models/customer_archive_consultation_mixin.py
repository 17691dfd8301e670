"""The dossier's consultation log and exports (查阅记录, 严禁复印): which reads of a
dossier are consultations, logged once each, and who may take its data away.

Declared once, for ``customer.archive``: a form opened, an API read or search_read,
an export, a list call that asks for more than the lists show. A list page, a group
or a total of what the lists show is no consultation; grouping by anything else is
refused to readers.
"""

import re

from lxml import etree

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError

from ..tools import customer_archive_list_export as list_export
from ..tools.customer_archive_groups import MANAGER, OFFICER
from .customer_archive_access_log import consultation

# fields whose read is no consultation of the dossier (a name shown in another form)
NOT_CONSULTED = {"id", "display_name"}


class CustomerArchiveConsultationMixin(models.AbstractModel):
    _name = "customer.archive.consultation.mixin"
    _description = "Customer Archive Consultation Logging"

    # Consultation log (查阅记录), for managers
    access_log_count = fields.Integer(
        string="Consultations", compute="_compute_access_log_count", groups=MANAGER
    )

    def _compute_access_log_count(self):
        counts = self._count_by_archive("customer.archive.access.log")
        for archive in self:
            archive.access_log_count = counts.get(archive, 0)

    # A consultation writes its log row: these reads are served on a read/write
    # transaction (``_readonly = False`` stops the web client's call_kw route from
    # looking further up, where ``@api.readonly`` would send them to a read-only one,
    # fail on the insert and run again).
    def web_read(self, specification):
        """A form opened: one consultation of the dossier(s) read."""
        with consultation("form") as outer:
            result = super().web_read(specification)
            if outer and set(specification) - NOT_CONSULTED:
                self.env["customer.archive.access.log"]._log(self, "form")
        return result

    web_read._readonly = False

    @api.model
    def web_search_read(self, domain, specification, **kwargs):
        """A list page is not a consultation of the dossiers it lists; a list call that
        asks for more than the list views show is one of each dossier it returns (served
        read-only, such a call fails on the log's insert and Odoo runs it again on a
        read/write transaction)."""
        with consultation("list") as outer:
            result = super().web_search_read(domain, specification, **kwargs)
            beyond = set(specification) - self._list_field_names()
            if outer and beyond and result["records"]:
                self.env["customer.archive.access.log"]._log(
                    self.browse([row["id"] for row in result["records"]]), "api"
                )
        return result

    @api.model
    def read_group(  # noqa: PLR0917 (Odoo's signature)
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """Groups and totals of what the list views show: grouping by or totalling another
        field of the dossiers would read it without a consultation."""
        # officers and managers read every dossier they may list in full anyway
        if not self.env.su and not self.env.user.has_group(OFFICER):
            groupbys = [groupby] if isinstance(groupby, str) else list(groupby or [])
            names = {spec.split(":")[0].split(".")[0] for spec in [*fields, *groupbys]}
            names = {name.split("(")[-1].strip(") ") for name in names}
            beyond = names - self._list_field_names() - {"__count"}
            if beyond:
                raise AccessError(
                    self.env._(
                        "Customer archives are grouped and totalled by what their lists show, "
                        "not by %(field)s: open the archives to read it.",
                        field=sorted(beyond)[0][:64],
                    )
                )
        return super().read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
        )

    @api.model
    @tools.ormcache(cache="templates")
    def _list_field_names(self):
        """The fields the list, kanban, search, pivot, graph, calendar and activity views
        of dossiers show or group by, and the group-bys their actions open them with: what
        a list page may return without a consultation. Cached with the views (a changed
        view clears it)."""
        kinds = ("list", "kanban", "search", "pivot", "graph", "calendar", "activity")
        # every primary view of these kinds (an action may open its own), with its
        # extensions; their own fields, not get_views' "models", which lists every field
        # for the search view's custom filters
        Model = self.sudo()
        views = (
            self.env["ir.ui.view"]
            .sudo()
            .search([("model", "=", self._name), ("type", "in", kinds), ("mode", "=", "primary")])
        )
        names = set(NOT_CONSULTED) | {"write_date", "active", "company_id", "currency_id"}
        for view in views:
            arch = etree.fromstring(Model.get_view(view.id, view.type)["arch"])
            names.update(node.get("name") for node in arch.iter("field"))
            if view.type == "search":
                names.update(
                    re.findall(
                        r"""['"]group_by['"]\s*:\s*['"](\w+)""",
                        etree.tostring(arch, encoding="unicode"),
                    )
                )
        # the group-bys the actions open the views with (pivot, graph, group_by)
        actions = self.env["ir.actions.act_window"].sudo().search([("res_model", "=", self._name)])
        for context in actions.mapped("context"):
            names.update(re.findall(r"""['"](\w+)(?::\w+)?['"]""", context or ""))
        return frozenset(names)

    def read(self, fields=None, load="_classic_read"):
        """A read over the API: one consultation of each dossier read."""
        with consultation("api") as outer:
            result = super().read(fields, load=load)
            if outer and (fields is None or set(fields) - NOT_CONSULTED):
                self.env["customer.archive.access.log"]._log(self, "api")
        return result

    read._readonly = False

    @api.model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, **kwargs):
        with consultation("api") as outer:
            result = super().search_read(
                domain, fields, offset=offset, limit=limit, order=order, **kwargs
            )
            if outer and result and (fields is None or set(fields) - NOT_CONSULTED):
                self.env["customer.archive.access.log"]._log(
                    self.browse([row["id"] for row in result]), "api"
                )
        return result

    search_read._readonly = False

    def export_data(self, fields_to_export):
        """Exporting dossier data is for officers and managers (严禁复印), and logged."""
        if not (self.env.su or self.env.user.has_group(OFFICER)):
            raise AccessError(
                self.env._("Only archive officers and managers may export archive data.")
            )
        with consultation("export"):
            result = super().export_data(fields_to_export)
        self.env["customer.archive.access.log"]._log(self, "export")
        return result

    # ------------------------------------------------------------- exports
    def action_export_customer_list(self):
        """The customer list (客户一览表) as ``.xlsx``: the selected dossiers, or all the
        user may read, with the fields he may read; an export like any other."""
        archives = self or self.search([])
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._("Customer List %(date)s.xlsx", date=fields.Date.today()),
                "raw": list_export.customer_list_xlsx(archives),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_view_access_log(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_archive.customer_archive_access_log_action"
        )
        action["domain"] = [("archive_id", "=", self.id)]
        return action

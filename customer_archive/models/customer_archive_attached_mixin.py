"""Records attached to a dossier by ``archive_id`` (visits, proposals, consents,
corrections, documents, loans): created, moved or run through ``onchange`` only on a
dossier the user may reach, checked before anything can name the dossier or its
customer (a related field, a constraint's message, Odoo's access error)."""

from odoo import api, models
from odoo.exceptions import AccessError


class CustomerArchiveAttachedMixin(models.AbstractModel):
    _name = "customer.archive.attached.mixin"
    _description = "Record Attached to a Customer Archive"

    def _archive_reachable(self, archive):
        """Whether the user may attach a record of this model to ``archive``: he may read
        it. Loans reach the dossiers that are lent, which their borrowers may not read."""
        return archive.has_access("read")

    @api.model
    def _check_archives_reachable(self, archive_ids):
        """Refuse, naming nothing, when one of ``archive_ids`` does not exist or is out of
        the user's reach."""
        if self.env.su:
            return
        ids = {archive_id for archive_id in archive_ids if archive_id}
        archives = self.env["customer.archive"].browse(ids)
        if len(archives.exists()) != len(ids) or not all(
            self._archive_reachable(archive) for archive in archives
        ):
            raise AccessError(
                self.env._(
                    "You may not refer to this customer archive: it is not open to you. "
                    "Choose an archive you may read, or ask its keeper."
                )
            )

    @staticmethod
    def _archive_id_of(value):
        """The id in a many2one value as create, write and onchange receive it."""
        if isinstance(value, dict):
            value = value.get("id")
        if isinstance(value, (list, tuple)):
            value = value[0] if value else False
        return value if isinstance(value, int) else False

    def onchange(self, values, field_names, fields_spec):
        if "archive_id" in values:
            self._check_archives_reachable([self._archive_id_of(values["archive_id"])])
        return super().onchange(values, field_names, fields_spec)

    @api.model_create_multi
    def create(self, vals_list):
        self._check_archives_reachable(
            [self._archive_id_of(vals.get("archive_id")) for vals in vals_list]
        )
        return super().create(vals_list)

    def write(self, vals):
        if "archive_id" in vals and any(
            record.archive_id.id != vals["archive_id"] for record in self
        ):
            self._check_archives_reachable([self._archive_id_of(vals["archive_id"])])
        return super().write(vals)

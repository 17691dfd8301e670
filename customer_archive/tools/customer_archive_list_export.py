"""The customer list (客户一览表) as an ``.xlsx``: one row per dossier the user may read,
the archive's columns, only the fields the user may read.

A plain helper of ``customer.archive.action_export_customer_list``; the rows go
through the dossier's own ``export_data``, so the export right (officers and managers)
and the consultation log hold as for any export."""

import io

import openpyxl

# (field path on customer.archive) in the order of the printed list
LIST_FIELDS = [
    "name",
    "partner_id/name",
    "credit_code",
    "legal_representative",
    "registered_capital",
    "date_founded",
    "partner_id/state_id",
    "partner_id/city",
    "partner_id/street",
    "partner_id/zip",
    "partner_id/phone",
    "partner_id/mobile",
    "fax",
    "partner_id/email",
    "partner_id/website",
    "business_scope",
    "industry_id",
    "company_type",
    "size",
    "partner_id/user_id",
    "user_id",
    "confidentiality",
    "state",
]


def readable_fields(archives):
    """The paths of ``LIST_FIELDS`` whose every field the current user may read."""
    user = archives.env.user
    paths = []
    for path in LIST_FIELDS:
        model, allowed = archives, True
        for name in path.split("/"):
            field = model._fields[name]
            if field.groups and not user.has_groups(field.groups):
                allowed = False
                break
            model = model.env[field.comodel_name] if field.relational else model
        if allowed:
            paths.append(path)
    return paths


def column_titles(archives, paths):
    titles = []
    for path in paths:
        model, labels = archives, []
        for name in path.split("/"):
            field = model._fields[name]
            labels.append(field.get_description(model.env)["string"])
            model = model.env[field.comodel_name] if field.relational else model
        titles.append(labels[-1] if path != "partner_id/name" else labels[0])
    return titles


def customer_list_xlsx(archives):
    """The ``.xlsx`` bytes of the list of ``archives`` (already searched under the
    user's record rules)."""
    paths = readable_fields(archives)
    rows = archives.export_data(paths)["datas"] if archives else []
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(archives.env._("Customer List"))
    sheet.append(column_titles(archives, paths))
    for row in rows:
        # text that a spreadsheet would take for a formula is written as text
        sheet.append(
            [
                "'" + value if isinstance(value, str) and value[:1] in "=+-@" else value
                for value in row
            ]
        )
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()

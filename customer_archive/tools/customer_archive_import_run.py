"""One pass of an import over its file (``customer.archive.import``): parse, match,
and on import write.

The file is read a row at a time and handled in chunks: each chunk's rows are parsed,
matched against the known customers with one query per key (credit code, VAT,
normalised name), and created through the ORM's batched ``create`` (partners, then
dossiers) or used to fill the empty fields of the customers found."""

import base64
import hashlib
import json
import time

from ..models import customer_archive_import_scratch as scratch
from . import customer_archive_import_match as match
from .customer_archive_groups import MANAGER
from .customer_archive_import_reader import Workbook, stage_rows, staged_rows
from .customer_archive_import_rows import RowReader
from .customer_archive_locks import LOCKED_FIELDS

# rows handled together: one query per key and one batched create per chunk
CHUNK_SIZE = 1000
# the header is looked for in the first rows (a title above it is common)
HEADER_SEARCH_ROWS = 10
# result lines kept on the record, errors and others each; the counts say how many
MAX_LINES = 1000
# what a run carries from one batch of a background import to the next
STATE_KEYS = (
    "file_format",
    "sheet_names",
    "header_key",
    "columns",
    "row_count",
    "create_count",
    "update_count",
    "conflict_count",
    "error_count",
    "kept_errors",
    "kept_others",
)


def form_only_defaults(model):
    """The defaults of ``model``'s form-only fields (neither stored nor computed), looked
    up once for a whole batched ``create``.

    The ORM looks up every missing default for each record it creates, and such a
    default cannot depend on the record (``default_get`` does not see its values). For
    partners one of them, ``account``'s choice of invoice template, is a query: given in
    the values, it is run once per chunk, not once per row. The stored fields keep their
    defaults looked up by the ORM, record by record."""
    names = [
        name
        for name, field in model._fields.items()
        if field.default and not field.store and not field.compute
    ]
    return model.default_get(names) if names else {}


class ImportFailed(Exception):
    """Raised inside the import's savepoint to undo everything written."""


class ImportRun(RowReader):
    """One pass over the file of an import: parse, match, and (on import) write."""

    def __init__(self, record, write):
        self.record = record
        self.env = record.env
        self.write = write
        self.file_format = False
        self.sheet_names = []
        self.header_key = False
        self.columns = None  # [(index, header, key, unit)]
        self.row_count = self.create_count = self.update_count = 0
        self.conflict_count = self.error_count = 0
        self.lines = []
        self.rolled_back = False
        self.kept_errors, self.kept_others = [0], [0]
        # partner id -> first row, for the chunk being handled (the earlier chunks' are in
        # the import's scratch table of keys)
        self.seen_partners = {}
        self.is_manager = self.env.user.has_group(MANAGER)
        self.cache = {
            "user": {},
            "industry": None,
            "state": None,
            "location": None,
            "selection": {},
        }
        Partner, Archive = self.env["res.partner"], self.env["customer.archive"]
        self.targets = {"partner": Partner, "archive": Archive}
        # what the chunk's writes made or replaced: (model, id, old values or None)
        self.undo = []
        # the byte offset in the staged rows after the last row read
        self.position = 0

    # ------------------------------------------------------------ between batches
    def dump_state(self):
        """What the next batch needs, as JSON: counters and columns (the keys seen and
        the writes to take back are in the import's scratch tables)."""
        return {key: getattr(self, key) for key in STATE_KEYS}

    def load_state(self, state):
        for key in STATE_KEYS:
            if key in state:
                setattr(self, key, state[key])
        if self.columns is not None:
            self.columns = [tuple(column) for column in self.columns]

    # ------------------------------------------------------------ results
    def error(self, row, message, column=None, value=None):
        self.error_count += 1
        self._line("error", row, message, column, value)

    def _line(self, kind, row, message, column=None, value=None, *, partner=None):
        # errors and the other lines each have their own share of the kept lines
        kept = self.kept_errors if kind == "error" else self.kept_others
        if kept[0] >= MAX_LINES:
            return
        kept[0] += 1
        self.lines.append(
            {
                "kind": kind,
                "row": row or 0,
                "column": (column or "")[:64],
                "value": match.as_text(value)[:200] if value is not None else False,
                "message": str(message)[:1000],
                "partner_id": partner or False,
            }
        )

    def fail(self, error):
        message = error.args[0] if error.args else str(error)
        self.error(0, message)

    # ------------------------------------------------------------ the pass
    def may_import(self):
        if self.env["res.partner"].has_access("create"):
            return True
        self.error(
            0,
            self.env._(
                "Importing customers creates contacts: you need the right Contact "
                "Creation. Ask your administrator."
            ),
        )
        return False

    def stage(self):
        """Read the file once into staged rows (see ``stage_rows``); return them."""
        data = base64.b64decode(self.record.with_context(bin_size=False).file or b"")
        book = Workbook(self.env, data)
        try:
            self.file_format = book.format
            self.sheet_names = book.sheet_names()
            return stage_rows(book.iter_rows(self.record.sheet_name or None))
        finally:
            book.close()

    def execute(self):
        """The whole pass at once (a small file, in the request)."""
        if not self.may_import():
            return
        self.execute_staged(self.stage(), 0)

    def execute_staged(self, staged, offset, deadline=None, chunk_size=CHUNK_SIZE):
        """Handle the staged rows from byte ``offset``, a chunk at a time, until the end
        or the first chunk after ``deadline`` (``time.monotonic()``); return the offset
        to go on from, ``None`` at the end."""
        rows = self._positioned(staged_rows(staged, offset))
        if offset == 0:
            rows = self._read_header(rows)
            if self.error_count:
                return None
        chunk = []
        max_rows = self.record._max_rows()
        for number, values in rows:
            if not any(match.as_text(value) for value in values):
                continue
            self.row_count += 1
            if self.row_count > max_rows:
                self.error(
                    number,
                    self.env._(
                        "The file has more than %(limit)s customer rows; split it into "
                        "several files.",
                        limit=max_rows,
                    ),
                )
                return None
            chunk.append((number, values))
            if len(chunk) >= chunk_size:
                self._handle_chunk(chunk)
                chunk = []
                if deadline is not None and time.monotonic() > deadline:
                    return self.position
        if chunk:
            self._handle_chunk(chunk)
        if not self.row_count:
            self.error(0, self.env._("The file has a header but no customer rows."))
        return None

    def _positioned(self, rows):
        """The rows, keeping ``position`` just after the row last given."""
        for number, values, end in rows:
            self.position = end
            yield number, values

    def _read_header(self, rows):
        """Find the header among the first rows; the rows after it are returned."""
        _ = self.env._
        seen = []
        for number, values in rows:
            if not any(match.as_text(value) for value in values):
                continue  # blank rows above the header
            seen.append((number, values))
            keys = [match.guess_column(value) for value in values]
            if "name" in keys or sum(1 for key in keys if key) >= 3:
                self._set_columns(number, values)
                return rows
            if len(seen) >= HEADER_SEARCH_ROWS:
                break
        if not seen:
            self.error(0, _("The file is empty."))
        else:
            self.error(
                0,
                _(
                    "No header row found in the first %(count)s rows: one column must be "
                    "headed 客户名称 (or 单位名称, 公司名称, Name).",
                    count=HEADER_SEARCH_ROWS,
                ),
            )
        return iter(())

    def _set_columns(self, number, values):
        _ = self.env._
        headers = [match.as_text(value) for value in values]
        self.header_key = hashlib.sha1(
            json.dumps([match.normalize_header(h)[0] for h in headers]).encode()
        ).hexdigest()
        saved = self._saved_mapping(headers)
        columns = []
        for index, header in enumerate(headers):
            if not header:
                continue  # a merged or empty header cell
            key = saved[index] if saved is not None else match.guess_column(header)
            columns.append((index, header, key or False, match.normalize_header(header)[1]))
        self.columns = columns
        keys = [key for _i, _h, key, _u in columns if key]
        for key in {key for key in keys if keys.count(key) > 1}:
            self.error(
                number,
                _(
                    "Two columns are mapped to %(field)s: map one of them only.",
                    field=self._key_label(key),
                ),
            )
        if "name" not in keys:
            self.error(number, _("No column is mapped to the customer name (客户名称)."))
        for _index, header, key, _unit in columns:
            if not key:
                self._line("unknown", number, _("Column not imported."), header)

    def _saved_mapping(self, headers):
        """The mapping of this import, edited by the user, or the one of the last import
        of a file with the same headers; ``None`` when there is none."""
        record = self.record
        if record.column_ids and record.header_key == self.header_key:
            by_index = {column.index: column.key for column in record.column_ids}
            return [by_index.get(index) for index in range(len(headers))]
        previous = record.search(
            [
                ("header_key", "=", self.header_key),
                ("id", "!=", record.id),
                ("state", "in", ("checked", "done")),
            ],
            limit=1,
            order="id desc",
        )
        if previous.column_ids:
            by_index = {column.index: column.key for column in previous.column_ids}
            return [by_index.get(index) for index in range(len(headers))]
        return None

    def _key_label(self, key):
        Column = self.env["customer.archive.import.column"]
        return dict(Column._fields["key"]._description_selection(self.env)).get(key, key)

    # ------------------------------------------------------------ one chunk
    def _handle_chunk(self, chunk):
        parsed = [
            row for row in (self._parse_row(number, values) for number, values in chunk) if row
        ]
        parsed = self._check_seen(parsed)
        self._resolve(parsed)
        parsed = [row for row in parsed if not row.get("failed")]
        self._match(parsed)
        creates, updates = [], []
        for row in parsed:
            if row.get("failed"):
                continue
            if row.get("partner") is not None:
                updates.append(row)
            else:
                creates.append(row)
        self.create_count += len(creates)
        self._prefetch(updates)
        for row in updates:
            self._plan_update(row)
        if self.write and not self.error_count:
            self._write(creates, updates)
            scratch.add_undo(self.env, self.record.id, self.undo)
            self.undo = []
        # the chunk's records written and let go: the cache does not grow with the file
        self.env.flush_all()
        self.env.invalidate_all()

    def _prefetch(self, rows):
        """The fields compared on the customers found, one read per model and chunk."""
        if not rows:
            return
        fnames = {
            where: {fname for row in rows for fname in row["vals"][where]}
            for where in ("partner", "archive")
        }
        # sudo: compared only, for customers the user may read (checked in _match)
        self.env["res.partner"].sudo().browse(row["partner"] for row in rows).fetch(
            list(fnames["partner"] | {"name"})
        )
        archives = self.env["customer.archive"].union(
            *(row["archive"] for row in rows if row.get("archive"))
        )
        archives.sudo().fetch(list(fnames["archive"] | {"state"}))

    # ------------------------------------------------------------ matching
    def _match(self, rows):
        """Find each row's customer: by credit code, then VAT, then normalised name and
        phone. The search crosses the record rules on purpose (a customer the user may
        not read is still the same customer); what the user may not read is refused
        with its keeper's name only."""
        by_code, by_vat, by_name = self._known_customers(rows)
        for row in rows:
            partner_id = by_code.get(row["code"]) or by_vat.get(row["vat"])
            for partner in by_name.get(row["name_key"], ()) if not partner_id else ():
                phones = {match.phone_key(partner.phone), match.phone_key(partner.mobile)}
                phones.discard(False)
                if not row["phone_key"] or not phones or row["phone_key"] in phones:
                    partner_id = partner.id
                    break
            row["partner"] = partner_id or None
        matched = [row["partner"] for row in rows if row["partner"]]
        if matched:
            self._check_matches([row for row in rows if row["partner"]], matched)

    def _known_customers(self, rows):
        """The customers with the rows' credit codes, VATs and name keys: one query
        each."""
        company = self.record.company_id
        # sudo: duplicates are found among every customer, readable or not
        Archive = self.env["customer.archive"].sudo().with_context(active_test=False)
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        partner_domain = [("parent_id", "=", False), ("company_id", "in", [False, company.id])]
        codes = [row["code"] for row in rows if row["code"]]
        by_code = (
            {
                archive.credit_code: archive.partner_id.id
                for archive in Archive.search_fetch(
                    [("company_id", "=", company.id), ("credit_code", "in", codes)],
                    ["credit_code", "partner_id"],
                )
            }
            if codes
            else {}
        )
        vats = [row["vat"] for row in rows if row["vat"] and row["code"] not in by_code]
        by_vat = {}
        for partner in (
            Partner.search_fetch([("vat", "in", vats), *partner_domain], ["vat"]) if vats else ()
        ):
            by_vat.setdefault(partner.vat, partner.id)
        by_name = {}
        for partner in Partner.search_fetch(
            [
                ("customer_archive_name_key", "in", [row["name_key"] for row in rows]),
                *partner_domain,
            ],
            ["customer_archive_name_key", "phone", "mobile"],
        ):
            by_name.setdefault(partner.customer_archive_name_key, []).append(partner)
        return by_code, by_vat, by_name

    def _check_matches(self, rows, partner_ids):
        """A customer found once per file, in a dossier the user may read, not
        destroyed, with the same credit code."""
        # sudo: the dossiers of the customers found, readable or not (checked below)
        archives = (
            self.env["customer.archive"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch(
                [("partner_id", "in", partner_ids)],
                ["partner_id", "state", "user_id", "company_id", "credit_code"],
            )
        )
        archive_of = {archive.partner_id.id: archive for archive in archives}
        readable = set(
            self.env["customer.archive"]
            .with_context(active_test=False)
            ._search([("id", "in", archives.ids)])
        )
        earlier = scratch.first_rows(
            self.env, self.record.id, "partner", {row["partner"] for row in rows}
        )
        self.seen_partners = {int(partner): first for partner, first in earlier.items()}
        for row in rows:
            archive = row["archive"] = archive_of.get(row["partner"])
            refusal = self._match_refusal(row, archive, readable)
            self.seen_partners.setdefault(row["partner"], row["row"])
            if refusal:
                message, key, value = refusal
                self.error(row["row"], message, self._header_of(key), value)
                row["failed"] = True
        scratch.add_keys(
            self.env,
            self.record.id,
            "partner",
            {
                partner: first
                for partner, first in self.seen_partners.items()
                if str(partner) not in earlier
            },
        )

    def _match_refusal(self, row, archive, readable):
        """Why the customer found for ``row`` cannot take it: ``(message, column key,
        value)``, or ``None``."""
        _ = self.env._
        name = row["vals"]["partner"]["name"]
        first = self.seen_partners.get(row["partner"])
        if first:
            return (
                _("This row is the same customer as row %(row)s of this file.", row=first),
                ("name"),
                name,
            )
        if archive and archive.id not in readable:
            message = _(
                "This customer is already in the archive, in a dossier you may not "
                "read (keeper: %(keeper)s). Ask the keeper.",
                keeper=archive.user_id.name or "-",
            )
            return message, "name", name
        if archive and archive.state == "destroyed":
            return (
                _("This customer's archive was destroyed: it is not filled again."),
                ("name"),
                name,
            )
        if archive and row["code"] and archive.credit_code not in (False, row["code"]):
            message = _(
                "The customer found has another credit code (%(code)s).",
                code=archive.credit_code,
            )
            return message, "credit_code", row["code"]
        return None

    # ------------------------------------------------------------ updates
    def _plan_update(self, row):
        """The empty fields of the customer found are filled; filled fields that
        differ are listed, and replaced only with "overwrite" (registration data of an
        opened dossier never: it changes by correction request)."""
        partner = self.env["res.partner"].browse(row["partner"])
        archive = row.get("archive") or self.env["customer.archive"]
        changes = {"partner": {}, "archive": {}}
        for where, record in (("partner", partner), ("archive", archive)):
            if where == "archive" and not archive:
                changes["archive"] = dict(row["vals"]["archive"])
                continue
            for fname, value in row["vals"][where].items():
                if where == "partner" and fname == "name":
                    continue  # the name the customer was found by stays
                if self._takes(row, where, record, fname, value):
                    changes[where][fname] = value
        row["changes"] = changes
        if changes["partner"] or changes["archive"]:
            self.update_count += 1
            filled = ", ".join(
                self._header_of_field(where, fname) or fname
                for where in ("partner", "archive")
                for fname in changes[where]
            )
            self._line(
                "update",
                row["row"],
                self.env._("Fills: %(fields)s", fields=filled),
                partner=partner.id,
            )

    def _takes(self, row, where, record, fname, value):
        """Whether ``value`` goes into field ``fname`` of the customer's ``record``;
        a difference that is kept is listed."""
        _ = self.env._
        # sudo: the values of a customer the user may read (checked in _match),
        # compared without logging a consultation per field; prefetched by chunk
        field = record._fields[fname]
        current = record.sudo()[fname]
        current_value = current.id if field.type == "many2one" else current
        if not current_value:
            return True
        if current_value == value:
            return False
        locked = where == "archive" and fname in LOCKED_FIELDS and record.state != "draft"
        if self.record.overwrite and not locked:
            return True
        self.conflict_count += 1
        shown = current.display_name if field.type == "many2one" else current
        message = (
            _("Registration data: changed by a correction request only.")
            if locked
            else _("Kept %(current)s; the file says otherwise.", current=match.as_text(shown)[:100])
        )
        self._line(
            "conflict",
            row["row"],
            message,
            self._header_of_field(where, fname),
            None if field.type == "many2one" else value,
            partner=row["partner"],
        )
        return False

    def _header_of_field(self, where, fname):
        for key, spec in match.COLUMNS.items():
            if spec[0] == where and spec[1] == fname:
                return self._header_of(key)
        return None

    # ------------------------------------------------------------ writing
    def _write(self, creates, updates):
        """Partners then dossiers through the ORM's batched ``create``; updates record by
        record (each fills other fields)."""
        company = self.record.company_id
        context = {"mail_create_nolog": True, "mail_create_nosubscribe": True}
        Partner = self.env["res.partner"].with_context(**context)
        Archive = self.env["customer.archive"].with_company(company).with_context(**context)
        if creates:
            partner_defaults = form_only_defaults(Partner)
            archive_defaults = form_only_defaults(Archive)
            partners = Partner.create(
                [
                    dict(partner_defaults, **row["vals"]["partner"], is_company=True)
                    for row in creates
                ]
            )
            self.undo += [("res.partner", partner_id, None) for partner_id in partners.ids]
            archives = Archive.create(
                [
                    dict(
                        archive_defaults,
                        **row["vals"]["archive"],
                        partner_id=partner.id,
                        company_id=company.id,
                    )
                    for row, partner in zip(creates, partners, strict=True)
                ]
            )
            self.undo += [("customer.archive", archive_id, None) for archive_id in archives.ids]
            for row, partner in zip(creates, partners, strict=True):
                self._line("create", row["row"], self.env._("Created."), partner=partner.id)
        for row in updates:
            changes = row.get("changes") or {}
            partner = Partner.browse(row["partner"])
            if changes.get("partner"):
                self._keep_old(partner, changes["partner"])
                partner.write(changes["partner"])
            if changes.get("archive"):
                archive = row.get("archive")
                if archive:
                    archive = archive.with_env(Archive.env)
                    self._keep_old(archive, changes["archive"])
                    archive.write(changes["archive"])
                else:
                    created = Archive.create(
                        [dict(changes["archive"], partner_id=partner.id, company_id=company.id)]
                    )
                    self.undo += [("customer.archive", created.id, None)]

    def _keep_old(self, record, vals):
        """The values ``vals`` replace on ``record``, as ``write`` takes them back."""
        old = {
            fname: record._fields[fname].convert_to_write(record[fname], record) for fname in vals
        }
        self.undo.append((record._name, record.id, old))

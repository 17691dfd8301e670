"""The rows of an import's file read into values (``ImportRun``'s first half): each
cell parsed by its column's key — amounts, dates, selections, texts within their
limits, the credit code — and the references it names (salesperson, keeper, storage
place, province, industry) looked up once per chunk."""

from odoo.exceptions import ValidationError

from ..models import customer_archive_import_scratch as scratch
from . import customer_archive_credit_code as credit_code
from . import customer_archive_import_match as match
from .customer_archive_input import DEFAULT_LIMITS, MAX_AMOUNT, MAX_EMPLOYEES


class RowReader:
    """Parsing and look-ups of ``ImportRun``: needs its ``env``, ``columns``,
    ``cache`` and result methods."""

    def _parse_row(self, number, values):
        """The row's values by target, or ``None`` when a cell is in error."""
        _ = self.env._
        row = {"row": number, "partner": None, "vals": {"partner": {}, "archive": {}}, "raw": {}}
        failed = False
        for index, header, key, unit in self.columns:
            if not key:
                continue
            value = values[index] if index < len(values) else None
            if value is None or match.as_text(value) == "":
                continue
            where, fname, kind, _synonyms = match.COLUMNS[key]
            try:
                parsed = self._parse_cell(key, value, unit)
            except match.CellError as error:
                self.error(number, str(error), header, value)
                failed = True
                continue
            if kind in ("user", "industry", "state", "location"):
                row["raw"][key] = (header, value, parsed)
            else:
                row["vals"][where][fname] = parsed
        name = row["vals"]["partner"].get("name")
        if not name and not failed:
            self.error(number, _("The customer name is missing."), self._header_of("name"))
            failed = True
        if failed:
            return None
        code = row["vals"]["archive"].get("credit_code")
        row["code"] = code
        row["vat"] = row["vals"]["partner"].get("vat")
        row["name_key"] = match.name_key(name)
        row["phone_key"] = match.phone_key(
            row["vals"]["partner"].get("phone") or row["vals"]["partner"].get("mobile")
        )
        return row

    def _check_seen(self, rows):
        """The rows whose customer is not in an earlier row of the file (same credit
        code, or same name and phone); the others fail. One query per key for the chunk;
        its keys are kept for the next chunks."""
        _ = self.env._
        import_id = self.record.id
        codes = {row["code"] for row in rows if row["code"]}
        names = {self._name_phone(row) for row in rows}
        seen_codes = scratch.first_rows(self.env, import_id, "code", codes)
        seen_names = scratch.first_rows(self.env, import_id, "name", names)
        new_codes, new_names, kept = {}, {}, []
        for row in rows:
            number, code, name_phone = row["row"], row["code"], self._name_phone(row)
            first = code and (seen_codes.get(code) or new_codes.get(code))
            if first:
                self.error(
                    number,
                    _(
                        "The credit code %(code)s is already in row %(row)s of this file.",
                        code=code,
                        row=first,
                    ),
                    self._header_of("credit_code"),
                    code,
                )
                continue
            first = seen_names.get(name_phone) or new_names.get(name_phone)
            if first:
                self.error(
                    number,
                    _(
                        "The same customer (name and phone) is already in row %(row)s of "
                        "this file.",
                        row=first,
                    ),
                    self._header_of("name"),
                    row["vals"]["partner"]["name"],
                )
                continue
            if code:
                new_codes[code] = number
            new_names[name_phone] = number
            kept.append(row)
        scratch.add_keys(self.env, import_id, "code", new_codes)
        scratch.add_keys(self.env, import_id, "name", new_names)
        return kept

    @staticmethod
    def _name_phone(row):
        return f"{row['name_key']}\x1f{row['phone_key'] or ''}"

    def _header_of(self, key):
        for _index, header, column_key, _unit in self.columns or ():
            if column_key == key:
                return header
        return None

    def _parse_cell(self, key, value, unit):
        """The value of one cell for column ``key``; ``CellError`` when it has none."""
        env = self.env
        where, fname, kind, _synonyms = match.COLUMNS[key]
        parsers = {
            "credit_code": lambda: self._parse_credit_code(value),
            "date": lambda: match.as_date(env, value),
            "amount": lambda: match.as_amount(env, value, unit, MAX_AMOUNT),
            "integer": lambda: match.as_integer(env, value, MAX_EMPLOYEES),
            "email": lambda: match.as_email(env, value),
            "selection": lambda: self._parse_selection(key, value),
            # looked up by name, a chunk at a time (_resolve)
            "user": lambda: match.as_text(value),
            "industry": lambda: match.as_text(value),
            "state": lambda: match.as_text(value),
            "location": lambda: match.as_text(value),
            "code": lambda: self._parse_text(where, fname, match.as_code(value)),
        }
        parser = parsers.get(kind) or (lambda: self._parse_text(where, fname, match.as_text(value)))
        return parser()

    def _parse_credit_code(self, value):
        code = match.as_credit_code(value)
        try:
            credit_code.validate(self.env, code)
        except ValidationError as error:
            raise match.CellError(error.args[0]) from error
        return code

    def _parse_selection(self, key, value):
        _ = self.env._
        where, fname, _kind, _synonyms = match.COLUMNS[key]
        field = self.targets[where]._fields[fname]
        keys = self.cache["selection"].get(key)
        if keys is None:
            keys = self.cache["selection"][key] = match.selection_keys(self.env, key, field)
        selected = keys.get(match.fold(match.as_text(value)))
        if not selected:
            raise match.CellError(
                _(
                    "%(value)s is not one of: %(values)s.",
                    value=match.as_text(value)[:50],
                    values=", ".join(label for _v, label in field._description_selection(self.env)),
                )
            )
        if key == "confidentiality" and selected == "secret" and not self.is_manager:
            raise match.CellError(_("Only an archive manager may import secret archives."))
        return selected

    def _parse_text(self, where, fname, text):
        """Text no longer than the field takes (the limits of the forms)."""
        field = self.targets[where]._fields[fname]
        limit = getattr(self.targets[where], "_text_limits", {}).get(fname)
        limit = limit or DEFAULT_LIMITS.get(field.type, DEFAULT_LIMITS["text"])
        if len(text) > limit:
            raise match.CellError(
                self.env._(
                    "The text is too long: at most %(limit)s characters, not %(length)s.",
                    limit=limit,
                    length=len(text),
                )
            )
        return text

    # ------------------------------------------------------------ look-ups
    def _resolve(self, rows):
        """Users, industries, provinces and storage places by name, one query per kind
        and chunk (once per import for all but the users)."""
        self._load_users(self._wanted_users(rows))
        self._load_references()
        for row in rows:
            for key, (header, value, text) in row["raw"].items():
                where, fname, _kind, _synonyms = match.COLUMNS[key]
                found, message = self._look_up(key, text)
                if found:
                    row["vals"][where][fname] = found
                    if key == "location":
                        # a dossier with a storage place has its paper file there
                        row["vals"]["archive"]["has_paper_original"] = True
                else:
                    self.error(row["row"], message, header, value)
                    row["failed"] = True

    def _wanted_users(self, rows):
        return {
            row["raw"][key][2]
            for row in rows
            for key in ("salesperson", "keeper")
            if key in row["raw"]
        }

    def _load_users(self, names):
        """Internal users by login, else by name: an id, ``"many"`` or ``False``."""
        names = names - self.cache["user"].keys()
        if not names:
            return
        users = self.env["res.users"].search_fetch(
            [
                "&",
                ("share", "=", False),
                "|",
                ("login", "in", list(names)),
                ("name", "in", list(names)),
            ],
            ["login", "name"],
        )
        for name in names:
            found = users.filtered(lambda u, n=name: u.login == n) or users.filtered(
                lambda u, n=name: u.name == n
            )
            self.cache["user"][name] = found.id if len(found) == 1 else ("many" if found else False)

    def _load_references(self):
        """The industries and the provinces of China, once per import."""
        if self.cache["industry"] is not None:
            return
        self.cache["industry"], self.cache["state"] = {}, {}
        for industry in self.env["res.partner.industry"].search_fetch([], ["name", "full_name"]):
            for label in filter(None, (industry.name, industry.full_name)):
                self.cache["industry"].setdefault(match.fold(label), industry.id)
        states = self.env["res.country.state"].search_fetch(
            [("country_id.code", "=", "CN")], ["name", "code"]
        )
        for state in states:
            self.cache["state"][match.state_key(state.name)] = state.id
            self.cache["state"][match.fold(state.code)] = state.id
        self.cache["location"] = self._location_keys()

    def _location_keys(self):
        """The storage places of the import's company by full location, and by name
        where only one place has it (``"many"`` where several have)."""
        locations = self.env["customer.archive.location"].search_fetch(
            [("company_id", "in", [False, self.record.company_id.id])],
            ["name", "complete_name"],
        )
        keys, by_name = {}, {}
        for location in locations:
            by_name.setdefault(match.location_key(location.name), []).append(location.id)
        for name, ids in by_name.items():
            keys[name] = ids[0] if len(ids) == 1 else "many"
        for location in locations:
            keys[match.location_key(location.complete_name)] = location.id
        return keys

    def _look_up(self, key, text):
        """``(id, None)`` or ``(False, why)`` for the name ``text`` in column ``key``."""
        _ = self.env._
        kind = match.COLUMNS[key][2]
        if kind == "user":
            found = self.cache["user"].get(text)
            if found == "many":
                return False, _("Several users are called %(name)s: give the login.", name=text)
            return found, _("No user has the name or login %(name)s.", name=text)
        if kind == "industry":
            found = self.cache["industry"].get(match.fold(text))
            return found, _("No industry is called %(name)s.", name=text)
        if kind == "location":
            found = self.cache["location"].get(match.location_key(text))
            if found == "many":
                return False, _(
                    "Several storage places are called %(name)s: give the full location "
                    "(archive room / cabinet / shelf).",
                    name=text,
                )
            return found, _("No storage place is called %(name)s.", name=text)
        found = self.cache["state"].get(match.state_key(text))
        return found, _("%(name)s is not a province of China.", name=text)

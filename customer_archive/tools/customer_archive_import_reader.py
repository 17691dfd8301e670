"""Reading customer lists: ``.xls`` (xlrd), ``.xlsx`` (python-calamine) and ``.csv`` (UTF-8
with or without BOM, else GB18030).

The format is told by the content, never by the file name: a ``.xlsx`` renamed ``.xls``
reads as what it is. Rows come one at a time (``iter_rows``) as lists of plain Python
values (text, numbers, dates, ``None``), numbered as the spreadsheet numbers them, so that
a file of 20 000 rows is never held as Python rows in memory. A ``.xlsx`` is read by
calamine (Rust), which holds the sheet's cells in its own compact form and reads a
workbook fifteen times faster than openpyxl (200 000 rows: 4.3 s against 62 s of CPU on
the machine of bench/README.md): a background import reads its file whole in one batch,
which must stay far inside the cron worker's 60 s of CPU. Formulas give the value the
spreadsheet saved with them; nothing here evaluates them.

Plain functions; errors are ``UserError`` in the user's language."""

import codecs
import csv
import datetime
import io
import json
import zipfile

import xlrd
from python_calamine import CalamineWorkbook

from odoo.exceptions import UserError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# an Office file encrypted with a password is an OLE2 container with this stream
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
# enough of a text file to decide its encoding and delimiter
SNIFF_BYTES = 64 * 1024
# a CSV cell may be this long before the csv module refuses it; longer cells are
# reported by the length checks of the import, with their row and column
csv.field_size_limit(16 * 1024 * 1024)


def detect_format(env, data):
    """``"xlsx"``, ``"xls"`` or ``"csv"`` from the first bytes of ``data``."""
    if not data:
        raise UserError(env._("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE2_MAGIC):
        if ENCRYPTION_STREAM in data[: SNIFF_BYTES * 8]:
            raise _protected(env)
        return "xls"
    if b"\x00" in data[:SNIFF_BYTES]:
        raise UserError(
            env._(
                "This file is neither an Excel workbook (.xls, .xlsx) nor a CSV text file. "
                "Save it from Excel as .xlsx and import it again."
            )
        )
    return "csv"


def _protected(env):
    return UserError(
        env._(
            "The workbook is protected by a password. Remove the password in Excel "
            "(File › Info › Protect Workbook), save, and import it again."
        )
    )


def _damaged(env, error):
    return UserError(
        env._(
            "The file cannot be read: it is damaged or not a spreadsheet (%(reason)s).",
            reason=str(error)[:200],
        )
    )


class Workbook:
    """An open file: its sheets, and the rows of one of them."""

    def __init__(self, env, data):
        self.env = env
        self.data = data
        self.format = detect_format(env, data)
        self._book = None
        self._encoding = None
        try:
            getattr(self, f"_open_{self.format}")()
        except UserError:
            raise
        except Exception as error:
            raise _damaged(env, error) from error

    # ------------------------------------------------------------ opening
    def _open_xlsx(self):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(self.data)).namelist())
        except zipfile.BadZipFile as error:
            raise _damaged(self.env, error) from error
        if "xl/workbook.xml" not in names:
            raise UserError(
                self.env._(
                    "This file is a ZIP archive but not an Excel workbook (.xlsx). "
                    "Save it from Excel as .xlsx and import it again."
                )
            )
        # calamine reads the value Excel saved with a formula, never the formula
        self._book = CalamineWorkbook.from_filelike(io.BytesIO(self.data))

    def _open_xls(self):
        try:
            self._book = xlrd.open_workbook(
                file_contents=self.data, on_demand=True, logfile=io.StringIO()
            )
        except xlrd.XLRDError as error:
            if "encrypt" in str(error).lower():
                raise _protected(self.env) from error
            raise _damaged(self.env, error) from error

    def _open_csv(self):
        head = self.data[:SNIFF_BYTES]
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            except UnicodeDecodeError:
                continue
            self._encoding = encoding
            break
        else:
            raise UserError(
                self.env._("The CSV file is neither UTF-8 nor GB18030 text: save it as UTF-8.")
            )
        sample = codecs.getincrementaldecoder(self._encoding)(errors="replace").decode(
            head, final=False
        )
        try:
            self._dialect = csv.Sniffer().sniff(sample[:8192], delimiters=",;\t|")
        except csv.Error:
            self._dialect = csv.excel

    # ------------------------------------------------------------ reading
    def sheet_names(self):
        if self.format == "xlsx":
            return list(self._book.sheet_names)
        if self.format == "xls":
            return list(self._book.sheet_names())
        return []

    def _sheet_index(self, sheet):
        names = self.sheet_names()
        if not sheet:
            return 0
        if sheet in names:
            return names.index(sheet)
        raise UserError(
            self.env._(
                "The workbook has no sheet %(sheet)s; its sheets are: %(sheets)s.",
                sheet=sheet,
                sheets=", ".join(names),
            )
        )

    def iter_rows(self, sheet=None):
        """``(row number, [values])`` of one sheet (the first by default), in order."""
        try:
            yield from getattr(self, f"_rows_{self.format}")(sheet)
        except UserError:
            raise
        except Exception as error:
            raise _damaged(self.env, error) from error

    def _rows_xlsx(self, sheet):
        worksheet = self._book.get_sheet_by_index(self._sheet_index(sheet))
        # calamine gives the rows from the first one, but the columns from the first
        # column that holds a value: the empty ones before it are put back
        before = [None] * (worksheet.start or (0, 0))[1]
        for number, values in enumerate(worksheet.iter_rows(), start=1):
            yield number, before + [_xlsx_value(value) for value in values]

    def _rows_xls(self, sheet):
        book = self._book
        worksheet = book.sheet_by_index(self._sheet_index(sheet))
        for index in range(worksheet.nrows):
            values = []
            for cell in worksheet.row(index):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        values.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        values.append(cell.value)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    values.append(None)
                else:
                    values.append(cell.value)
            yield index + 1, values

    def _rows_csv(self, sheet):
        if sheet:
            raise UserError(self.env._("A CSV file has one sheet only: leave the sheet empty."))
        stream = io.TextIOWrapper(io.BytesIO(self.data), encoding=self._encoding, newline="")
        try:
            for number, values in enumerate(csv.reader(stream, self._dialect), start=1):
                yield number, [value if value != "" else None for value in values]
        except UnicodeDecodeError as error:
            raise UserError(
                self.env._(
                    "The CSV file mixes encodings: it is not all %(encoding)s. Save it as UTF-8.",
                    encoding=self._encoding.upper().replace("-SIG", ""),
                )
            ) from error

    def close(self):
        if self.format == "xlsx" and self._book is not None:
            self._book.close()
        elif self.format == "xls" and self._book is not None:
            self._book.release_resources()


def _xlsx_value(value):
    """A calamine cell as the other formats give it: an empty cell is ``None``, a
    duration (a time cell above 24 hours) its text."""
    if value == "":
        return None
    if isinstance(value, datetime.timedelta):
        return str(value)
    return value


# ------------------------------------------------------------ staged rows
# A background import reads the file once into staged rows, one JSON line per row, so
# that each of its batches takes up where the last stopped without reading the file
# again from its start (a workbook cannot be read from its middle).
_TEMPORAL = (
    (datetime.datetime, "dt", datetime.datetime.fromisoformat),
    (datetime.date, "d", datetime.date.fromisoformat),
    (datetime.time, "t", datetime.time.fromisoformat),
)


def _encode(value):
    for kind, tag, _decode in _TEMPORAL:  # datetime first: it is a date too
        if isinstance(value, kind):
            return {tag: value.isoformat()}
    return value


def _decode(value):
    if isinstance(value, dict):
        for _kind, tag, decode in _TEMPORAL:
            if tag in value:
                return decode(value[tag])
    return value


def stage_rows(rows):
    """``rows`` (``(number, [values])``) as staged rows: bytes, a JSON line per row."""
    return b"".join(
        json.dumps([number, [_encode(value) for value in values]], ensure_ascii=False).encode()
        + b"\n"
        for number, values in rows
    )


def staged_rows(staged, offset=0):
    """``(number, [values], end)`` of the staged rows from byte ``offset``; ``end`` is the
    offset just after the row."""
    size = len(staged)
    position = offset
    while position < size:
        end = staged.find(b"\n", position)
        if end < 0:
            end = size
        number, values = json.loads(staged[position:end])
        position = end + 1
        yield number, [_decode(value) for value in values], position

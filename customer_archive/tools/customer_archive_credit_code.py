"""The unified social credit code (统一社会信用代码): normalising and validating it.

Plain functions, shared by the dossier and the correction request."""

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumValidationError

from odoo.exceptions import ValidationError

# A code has 18 characters; anything much longer is not a code but a mistake.
MAX_INPUT_LENGTH = 64


def normalize(code):
    """Upper case, without spaces or separators; falsy stays falsy."""
    if not code:
        return code
    if len(code) > MAX_INPUT_LENGTH:
        return code.strip()
    return uscc.compact(code)


def validate(env, code):
    """Raise a translated ``ValidationError`` when ``code`` is not a valid code."""
    if not code:
        return
    try:
        if len(code) > MAX_INPUT_LENGTH:
            raise InvalidLength()
        uscc.validate(code)
    except StdnumValidationError as error:
        raise ValidationError(
            env._(
                "%(code)s is not a valid unified social credit code: %(reason)s",
                code=code[:MAX_INPUT_LENGTH],
                reason=_reason(env, error),
            )
        ) from error


def _reason(env, error):
    if isinstance(error, InvalidLength):
        return env._("it must have 18 characters.")
    if isinstance(error, InvalidChecksum):
        return env._("the check digit does not match.")
    if isinstance(error, InvalidFormat):
        return env._("it contains characters that are not allowed.")
    return env._("it is not in the expected format.")

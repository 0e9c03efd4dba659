"""Log formatting that masks ID numbers and phones in everything written.

The whole formatted record is masked — message, arguments, tracebacks and
request lines alike — so no handler that uses these formatters can write
personal data. ``settings.LOGGING`` routes every logger, Django's included,
through them.
"""

import logging

from django.utils.log import ServerFormatter

from jingsai.common.masking import mask_personal_data_in_text


class MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_personal_data_in_text(super().format(record))


class MaskingServerFormatter(ServerFormatter):
    """Django's development-server request log, masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_personal_data_in_text(super().format(record))

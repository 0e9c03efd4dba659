"""A logging filter that masks ID numbers and phones in every log record."""

import logging

from jingsai.common.masking import mask_personal_data_in_text


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data_in_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True

import logging
import sys

import pytest

from jingsai.common.masking import mask_id_number, mask_name, mask_personal_data_in_text, mask_phone


def test_mask_id_number_keeps_region_and_last_four():
    assert mask_id_number("310115198001011238") == "310115********1238"


def test_mask_phone_keeps_prefix_and_last_four():
    assert mask_phone("13912345678") == "139****5678"


def test_mask_name_keeps_surname():
    assert mask_name("张三丰") == "张**"


def test_masks_empty_values_as_empty():
    assert mask_id_number("") == "" and mask_phone(None) == ""


def test_text_masking_finds_ids_and_phones():
    text = "worker 11010519491231002X phone 13912345678 id 7"
    assert mask_personal_data_in_text(text) == "worker 110105********002X phone 139****5678 id 7"


def _record(name, message, *args, exc_info=None):
    return logging.LogRecord(name, logging.INFO, __file__, 1, message, args, exc_info)


@pytest.mark.parametrize(
    "logger_name", ["", "django", "django.server", "django.request", "jingsai"]
)
def test_every_logger_masks_personal_data(logger_name):
    """Each configured handler masks the whole formatted record, tracebacks included."""
    logger = logging.getLogger(logger_name)
    ours = [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
    while not ours and logger.parent is not None:
        logger = logger.parent
        ours = [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
    assert ours
    try:
        raise ValueError("duplicate key (id_number)=(310115198001011238)")
    except ValueError:
        exc_info = sys.exc_info()
    record = _record(
        logger_name or "root", '"GET /x/?q=%s HTTP/1.1" 302 0', "13912345678", exc_info=exc_info
    )
    record.status_code, record.request = 302, None
    for handler in ours:
        text = handler.formatter.format(record)
        assert "13912345678" not in text
        assert "310115198001011238" not in text
        assert "139****5678" in text


def test_partial_id_numbers_are_masked_in_logs():
    text = mask_personal_data_in_text("GET /office/workers/?q=31011519800205036 HTTP/1.1")
    assert "31011519800205036" not in text

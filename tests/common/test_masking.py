import logging

from jingsai.common.logging import MaskPersonalDataFilter
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


def test_log_filter_masks_personal_data():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "looked up %s", ("310115198001011238",), None
    )
    MaskPersonalDataFilter().filter(record)
    assert record.getMessage() == "looked up 310115********1238"

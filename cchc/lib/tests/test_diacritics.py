"""The diacritics restorer: plain and OCR-garbled Vietnamese back to its marks, accented text untouched."""

import pytest

from cchc.lib.diacritics import lacks_diacritics, restore


@pytest.mark.parametrize(("plain", "accented"), [
    ("ke hoach tuyen truyen cai cach hanh chinh nam 2025", "kế hoạch tuyên truyền cải cách hành chính năm 2025"),
    ("UY BAN NHAN DAN TINH NINH BINH", "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"),
    ("So Noi vu chu tri, phoi hop voi cac so, ban, nganh", "Sở Nội vụ chủ trì, phối hợp với các sở, ban, ngành"),
    # Seed 002's OCR title: marks misread ("Théng", "cudi nim"), not only missing.
    ("Théng tin, tuyén truyén cai cach hanh chinh 6 thang cudi nim 2025",
     "Thông tin, tuyên truyền cải cách hành chính 6 tháng cuối năm 2025"),
])
def test_marks_come_back_with_case_digits_and_punctuation_kept(plain, accented):
    assert restore(plain) == accented


@pytest.mark.parametrize("text", [
    "Kế hoạch cải cách hành chính năm 2025 của Ủy ban nhân dân tỉnh",
    "Số: 123/KH-UBND ngày 05/3/2025",
    "",
])
def test_accented_text_and_references_are_left_as_they_are(text):
    assert restore(text) == text
    assert lacks_diacritics(text) is False


def test_lacks_diacritics_tells_an_unmarked_text_from_a_marked_one():
    plain = "Ke hoach thong tin, tuyen truyen cai cach hanh chinh 6 thang cuoi nam 2025 cua UBND tinh"
    assert lacks_diacritics(plain) is True
    assert lacks_diacritics(restore(plain)) is False


def test_a_word_that_is_not_vietnamese_survives():
    assert restore("Cong thong tin dien tu iGate va Zalo") == "Cổng thông tin điện tử iGate và Zalo"

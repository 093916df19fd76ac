"""Helpers shared by the feedback tests."""


def values(**over):
    base = {
        "category": "thu-tuc-hanh-chinh-cap-xa", "place": "13531",
        "title": "Hồ sơ chứng thực chậm trả kết quả",
        "text": "Tôi nộp hồ sơ chứng thực tại Bộ phận Một cửa xã ngày 02/12, hẹn trả 04/12 nhưng chưa có kết quả.",
        "name": "", "phone": "", "email": "", "website": "",
    }
    return {**base, **over}

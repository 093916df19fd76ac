"""End to end in Chromium: a collaborator writes with an image, an editor publishes, a reader finds it."""

import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from cchc.test import build_world, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast(live_server, settings):
    settings.PORTAL_VIEWS_ROLLUP_SECONDS = 0
    build_world("ctv.bao", "bientap", communes=())
    return live_server.url


def test_collaborator_writes_editor_publishes_reader_finds_it_without_diacritics(page: Page, cast, tmp_path):
    photo = tmp_path / "mot-cua.jpg"
    Image.new("RGB", (1200, 675), (11, 79, 138)).save(photo, "JPEG")

    # The collaborator writes a draft with an image and sends it for review.
    sign_in(page, cast, "ctv.bao")
    page.goto(f"{cast}/cai-cach-hanh-chinh/bien-tap/")
    page.get_by_role("link", name="+ Viết bài mới").click()
    page.get_by_label("Tiêu đề").fill("Xã Bình Giang rút ngắn thời gian giải quyết hồ sơ một cửa")
    page.get_by_label("Nội dung").fill("Trung tâm Phục vụ hành chính công xã tiếp nhận hồ sơ nhanh hơn.\n\n"
                                       "Người dân hài lòng với cải cách hành chính.")
    page.get_by_label("Ảnh minh họa").set_input_files(str(photo))
    page.get_by_label("Mô tả ảnh").fill("Quầy tiếp nhận hồ sơ")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu bản nháp")).to_be_visible()
    page.get_by_role("button", name="Gửi duyệt").click()
    expect(page.get_by_text("Đã gửi bài viết cho biên tập viên.")).to_be_visible()
    expect(page.locator(".ws-status")).to_have_text("Chờ biên tập")
    page.get_by_role("button", name="Đăng xuất").click()

    # The editor finds it in the queue and publishes it.
    sign_in(page, cast, "bientap")
    page.goto(f"{cast}/cai-cach-hanh-chinh/bien-tap/")
    page.get_by_role("link", name="Xã Bình Giang rút ngắn thời gian giải quyết hồ sơ một cửa").click()
    expect(page.get_by_label("Ghi nhận là hoạt động tuyên truyền của đơn vị tác giả")).to_be_checked()
    page.get_by_role("button", name="Xuất bản").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xã Bình Giang rút ngắn thời gian giải quyết hồ sơ một cửa")
    expect(page.get_by_text("Đã xuất bản bài viết.")).to_be_visible()
    page.locator(".pt-staff").get_by_role("link", name="Khu vực biên tập").click()
    page.get_by_role("button", name="Đăng xuất").click()

    # A visitor, not signed in, searches without diacritics and reads it.
    page.goto(f"{cast}/cai-cach-hanh-chinh/")
    page.get_by_label("Tìm kiếm trong chuyên mục").fill("rut ngan thoi gian mot cua")
    page.get_by_role("button", name="Tìm").click()
    expect(page).to_have_url(re.compile(r"tim-kiem/\?q=rut"))
    page.locator("#ket-qua").get_by_role("link", name="Xã Bình Giang rút ngắn thời gian giải quyết hồ sơ một cửa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xã Bình Giang rút ngắn thời gian giải quyết hồ sơ một cửa")
    expect(page.get_by_text("Người dân hài lòng với cải cách hành chính.")).to_be_visible()
    cover = page.get_by_role("img", name="Quầy tiếp nhận hồ sơ")
    expect(cover).to_be_visible()
    assert cover.evaluate("img => img.naturalWidth") == 1200


def test_the_home_page_fits_a_phone_screen(page: Page, cast):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{cast}/cai-cach-hanh-chinh/")
    expect(page.get_by_role("link", name="Cải cách hành chính", exact=False).first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name="Văn bản", exact=True).click()
    expect(page.get_by_role("heading", name="Văn bản về cải cách hành chính")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_editor_keeps_documents_procedures_and_contacts_and_reads_the_figures(page: Page, cast):
    sign_in(page, cast, "bientap")
    page.goto(f"{cast}/cai-cach-hanh-chinh/bien-tap/")
    page.locator(".ws-nav").get_by_role("link", name="Văn bản").click()
    page.get_by_role("link", name="+ Thêm").click()
    page.get_by_label("Loại văn bản").select_option("Nghị định")
    page.get_by_label("Số, ký hiệu").fill("118/2025/NĐ-CP")
    page.get_by_label("Trích yếu").fill("Về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông")
    page.get_by_label("Cơ quan ban hành").fill("Chính phủ")
    page.get_by_label("Ngày ban hành").fill("31/02/2025")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Nhập một ngày hợp lệ.")).to_be_visible()
    page.get_by_label("Ngày ban hành").fill("09/06/2025")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu.")).to_be_visible()

    page.locator(".ws-nav").get_by_role("link", name="Thủ tục hành chính").click()
    page.get_by_role("link", name="+ Thêm").click()
    page.get_by_label("Tên thủ tục hành chính").fill("Đăng ký kết hôn")
    page.get_by_label("Lĩnh vực").fill("Hộ tịch")
    page.get_by_label("Loại thay đổi").select_option("abolished")
    page.get_by_label("Văn bản công bố").fill("Quyết định số 1811/QĐ-UBND ngày 08/10/2025")
    page.get_by_label("Ngày quyết định").fill("08/10/2025")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu.")).to_be_visible()

    page.locator(".ws-nav").get_by_role("link", name="Liên hệ").click()
    page.get_by_role("link", name="+ Thêm").click()
    page.get_by_label("Cơ quan, bộ phận").fill("Đường dây nóng của tỉnh")
    page.get_by_label("Điện thoại").fill("0229 3 888 999")
    page.get_by_label("Đường dây nóng").check()
    page.get_by_role("button", name="Lưu", exact=True).click()

    page.locator(".ws-nav").get_by_role("link", name="Thống kê lượt xem").click()
    expect(page.get_by_role("heading", name="Mức độ quan tâm: lượt xem chuyên mục")).to_be_visible()
    page.get_by_label("Khoảng thời gian").select_option("7")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("img", name=re.compile("Biểu đồ lượt xem theo ngày"))).to_be_visible()
    page.get_by_role("button", name="Đăng xuất").click()

    # A visitor finds them in the public section.
    page.goto(f"{cast}/cai-cach-hanh-chinh/")
    expect(page.locator(".pt-hotline")).to_contain_text("0229 3 888 999")
    page.get_by_role("link", name="Thủ tục hành chính", exact=True).click()
    page.get_by_label("Bãi bỏ").check()
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator(".pt-card")).to_contain_text("Đăng ký kết hôn")
    page.get_by_role("link", name="Văn bản", exact=True).click()
    page.get_by_label("Số, ký hiệu hoặc trích yếu").fill("mot cua lien thong")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator(".pt-table")).to_contain_text("118/2025/NĐ-CP")
    page.get_by_role("link", name="Phản ánh, kiến nghị", exact=True).click()
    expect(page).to_have_url(re.compile(r"/phan-anh/$"))
    page.get_by_role("link", name="Địa chỉ và đường dây nóng tiếp nhận").click()
    expect(page.get_by_role("heading", name="Đường dây nóng của tỉnh")).to_be_visible()
    page.get_by_role("link", name="Dịch vụ công", exact=True).click()
    expect(page.get_by_role("heading", name="Hướng dẫn sử dụng dịch vụ công trực tuyến")).to_be_visible()

"""Build the diacritics model shipped with the product: `cchc/lib/data/vi_diacritics.json.gz`.

    .venv/bin/python -m cchc.lib.build_diacritics_model

Trained only on text that is ours to ship:
- the seed plans that carry diacritics (`cchc/plans/demo/000`, `001`, `003`, `004`; not the OCR
  seed 002);
- the product's own Vietnamese text: templates, report-form and scoring definitions, demo data,
  labels and messages in the code (tests and migrations left out; from code and CSV only the
  segments that read as accented Vietnamese are kept);
- the hand-written administrative vocabulary below.
The documents of shared/realdocs are not ours to redistribute: they are only used to measure
(benchmarks/diacritics.py), never counted here.
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from pathlib import Path

from cchc.lib.diacritics import MODEL_PATH, Model, segments, vietnamese_segments

ROOT = Path(__file__).resolve().parent.parent  # cchc/
SEEDS = ROOT / "plans" / "demo"
SEED_CODES = ("000", "001", "003", "004")  # 002 is an OCR without reliable marks
SUFFIXES = {".py", ".html", ".json", ".txt", ".csv"}
SKIP_PARTS = {"tests", "migrations", "__pycache__", "static", "node_modules"}
SKIP_FILES = {"diacritics.py", "build_diacritics_model.py"}

# Common words and names of Vietnamese administration, written by hand (one phrase a line).
LEXICON = """
Ủy ban nhân dân tỉnh; Ủy ban nhân dân các xã, phường; Ủy ban nhân dân xã; Ủy ban nhân dân phường
Hội đồng nhân dân tỉnh; Hội đồng nhân dân xã; Thường trực Hội đồng nhân dân; Chủ tịch Ủy ban nhân dân
Phó Chủ tịch Ủy ban nhân dân tỉnh; Phó Chủ tịch Thường trực; Tỉnh ủy; Ban Thường vụ Tỉnh ủy; Đảng ủy xã
Văn phòng Ủy ban nhân dân tỉnh; Văn phòng Hội đồng nhân dân và Ủy ban nhân dân; Văn phòng Tỉnh ủy
Sở Nội vụ; Sở Tư pháp; Sở Tài chính; Sở Xây dựng; Sở Y tế; Sở Giáo dục và Đào tạo; Sở Công Thương
Sở Nông nghiệp và Môi trường; Sở Khoa học và Công nghệ; Sở Văn hóa, Thể thao và Du lịch
Sở Dân tộc và Tôn giáo; Sở Ngoại vụ; Thanh tra tỉnh; Công an tỉnh; Bộ Chỉ huy Quân sự tỉnh
Ban Quản lý các khu công nghiệp; Đài Phát thanh và Truyền hình; Báo và Phát thanh, Truyền hình
Trung tâm Phục vụ hành chính công; Bộ phận Một cửa; bộ phận tiếp nhận và trả kết quả
Ủy ban Mặt trận Tổ quốc Việt Nam; Hội Liên hiệp Phụ nữ; Đoàn Thanh niên Cộng sản Hồ Chí Minh
Hội Nông dân; Hội Cựu chiến binh; Liên đoàn Lao động tỉnh; Bảo hiểm xã hội tỉnh; Kho bạc Nhà nước
Chính phủ; Thủ tướng Chính phủ; Bộ Nội vụ; Bộ Tư pháp; Bộ Tài chính; Bộ Công an; Văn phòng Chính phủ
các sở, ban, ngành; các cơ quan, đơn vị; các phòng chuyên môn; phòng Văn hóa - Xã hội; phòng Kinh tế
cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh; đơn vị sự nghiệp công lập; cơ quan, tổ chức, cá nhân
cán bộ, công chức, viên chức; người lao động; người dân và doanh nghiệp; người đứng đầu
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM; Độc lập - Tự do - Hạnh phúc; Nơi nhận; Như trên; Lưu: VT
KẾ HOẠCH; QUYẾT ĐỊNH; BÁO CÁO; CÔNG VĂN; THÔNG BÁO; TỜ TRÌNH; CHỈ THỊ; NGHỊ QUYẾT; PHỤ LỤC
kế hoạch; quyết định; báo cáo; công văn; thông báo; tờ trình; chỉ thị; nghị quyết; nghị định; thông tư
luật; văn bản quy phạm pháp luật; văn bản chỉ đạo, điều hành; ban hành; phê duyệt; hướng dẫn
căn cứ; thực hiện; triển khai; tổ chức thực hiện; chủ trì; phối hợp; theo dõi; đôn đốc; kiểm tra
giám sát; đánh giá; tổng hợp; báo cáo kết quả; định kỳ; hằng năm; hằng quý; hằng tháng; đột xuất
cải cách hành chính; cải cách hành chính nhà nước; cải cách thể chế; cải cách thủ tục hành chính
cải cách tổ chức bộ máy hành chính nhà nước; cải cách chế độ công vụ; cải cách tài chính công
xây dựng và phát triển Chính phủ điện tử, Chính phủ số; chuyển đổi số; chính quyền số; dịch vụ công trực tuyến
thủ tục hành chính; giải quyết thủ tục hành chính; cơ chế một cửa, một cửa liên thông
thông tin, tuyên truyền; tuyên truyền cải cách hành chính; công tác thông tin, tuyên truyền
nội dung tuyên truyền; hình thức tuyên truyền; đối tượng tuyên truyền; phương tiện thông tin đại chúng
trên Cổng thông tin điện tử; trang thông tin điện tử; mạng xã hội; hệ thống truyền thanh cơ sở; loa truyền thanh
hội nghị; hội thảo; tọa đàm; tập huấn; bồi dưỡng; cuộc thi tìm hiểu; pa nô, áp phích, khẩu hiệu; tờ rơi
mục tiêu; mục đích; yêu cầu; nhiệm vụ; giải pháp; nhiệm vụ và giải pháp; chỉ tiêu; kết quả; sản phẩm
nhiệm vụ trọng tâm; nhiệm vụ chủ yếu; thời gian thực hiện; thời gian hoàn thành; đơn vị chủ trì; đơn vị phối hợp
kinh phí thực hiện; kinh phí; ngân sách nhà nước; dự toán; nguồn kinh phí; tổ chức thực hiện; trách nhiệm
chỉ số cải cách hành chính; Chỉ số hài lòng của người dân, tổ chức; chỉ số năng lực cạnh tranh cấp tỉnh
nâng cao nhận thức; nâng cao chất lượng; nâng cao hiệu quả; nâng cao trách nhiệm; tăng cường
kỷ luật, kỷ cương hành chính; đạo đức công vụ; văn hóa công vụ; tinh thần, thái độ phục vụ
đúng quy định; kịp thời; hiệu quả; thiết thực; công khai, minh bạch; đồng bộ; thống nhất
trên địa bàn tỉnh; trên địa bàn xã; địa phương; cơ sở; tỉnh; huyện; xã; phường; thị trấn; thôn; tổ dân phố
ngày; tháng; năm; quý; giai đoạn; năm 2025; năm 2026; 6 tháng đầu năm; 6 tháng cuối năm; giai đoạn 2021 - 2030
tháng một; tháng hai; tháng ba; tháng tư; tháng năm; tháng sáu; tháng bảy; tháng tám; tháng chín; tháng mười
một; hai; ba; bốn; năm; sáu; bảy; tám; chín; mười; mười một; mười hai; trăm; nghìn; triệu; tỷ; đồng
số; ký hiệu; trích yếu; nơi ban hành; người ký; chức vụ; họ và tên; địa chỉ; điện thoại; thư điện tử
và; của; các; những; được; cho; với; trong; theo; về; tại; từ; đến; trên; dưới; sau; trước; khi; nếu
là; có; không; đã; đang; sẽ; cần; phải; nên; để; vì; do; bởi; như; cùng; đều; cũng; hoặc; nhưng
này; đó; đây; kia; mỗi; từng; toàn bộ; tất cả; một số; nhiều; ít; cao; thấp; mới; cũ; lớn; nhỏ
tỉnh Ninh Bình; thành phố Hải Phòng; Hà Nội; Nam Định; Hà Nam; Lâm Đồng; Quảng Ninh; Việt Nam
chủ tịch; phó chủ tịch; giám đốc; phó giám đốc; trưởng phòng; phó trưởng phòng; chánh văn phòng; chuyên viên
lãnh đạo; chỉ đạo; điều hành; quản lý; phụ trách; tham mưu; đề xuất; kiến nghị; giải trình; tiếp thu
""".strip()


def lexicon_text() -> str:
    return LEXICON.replace(";", "\n")


def _py_text(source: str) -> str:
    """String literals and comments of a Python file, less the regular expressions."""
    parts = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                parts.append(tok.string.lstrip("#"))
            elif tok.type == tokenize.STRING or getattr(tokenize, "FSTRING_MIDDLE", -1) == tok.type:
                text = tok.string
                if re.search(r"\\[sdwbSDWB]|\(\?|\[[^\]]*\]|\|", text):
                    continue  # a pattern, not prose
                parts.append(text)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return ""
    return "\n".join(parts)


def _html_text(source: str) -> str:
    source = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", " . ", source, flags=re.S)
    return re.sub(r"<[^>]+>", " . ", source)


def product_files() -> list[Path]:
    files = []
    for path in sorted(ROOT.rglob("*")):
        if path.suffix not in SUFFIXES or not path.is_file():
            continue
        rel = path.relative_to(ROOT)
        if SKIP_PARTS & set(rel.parts) or path.name in SKIP_FILES:
            continue
        if rel.parts[:2] == ("plans", "demo") or rel.parts[:2] == ("lib", "data"):
            continue
        files.append(path)
    return files


def sources(exclude: set[str] = frozenset()) -> dict[str, list[list[str]]]:
    """Training segments by source name: "seed:000" … "seed:004", "product", "lexicon"."""
    result: dict[str, list[list[str]]] = {}
    for code in SEED_CODES:
        name = f"seed:{code}"
        if name in exclude:
            continue
        (path,) = SEEDS.glob(f"{code}_*.txt")
        result[name] = segments(path.read_text(encoding="utf-8"))
    if "product" not in exclude:
        segs: list[list[str]] = []
        for path in product_files():
            raw = path.read_text(encoding="utf-8", errors="ignore")
            if path.suffix == ".py":
                raw = _py_text(raw)
            elif path.suffix == ".html":
                raw = _html_text(raw)
            segs.extend(vietnamese_segments(raw))
        result["product"] = segs
    if "lexicon" not in exclude:
        result["lexicon"] = segments(lexicon_text())
    return result


def build(exclude: set[str] = frozenset()) -> Model:
    segs = [seg for group in sources(exclude).values() for seg in group]
    return Model.train(segs)


def main() -> None:
    groups = sources()
    for name, segs in groups.items():
        print(f"{name:<10}{sum(len(s) for s in segs):>9} words")
    model = Model.train([seg for group in groups.values() for seg in group])
    model.save(MODEL_PATH)
    print(f"{len(model.known)} forms, {len(model.forms)} bases, {len(model.bi)} bigrams, "
          f"{len(model.tri)} trigrams → {MODEL_PATH.relative_to(ROOT.parent)} "
          f"({MODEL_PATH.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    sys.exit(main())

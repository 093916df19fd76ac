"""Article HTML is cleaned with nh3: what collaborators type can never run in a reader's browser."""

from cchc.portal.sanitize import clean_html, html_to_text


def test_it_removes_scripts_with_their_content():
    cleaned = clean_html("<p>Tin</p><script>alert('x')</script>")
    assert "<script" not in cleaned and "alert" not in cleaned
    assert "<p>Tin</p>" in cleaned


def test_it_removes_event_handlers():
    cleaned = clean_html('<img src="/a.png" onerror="alert(1)" alt="Ảnh"><p onclick="x()">Chữ</p>')
    assert "onerror" not in cleaned and "onclick" not in cleaned and "alert" not in cleaned
    assert 'alt="Ảnh"' in cleaned


def test_it_removes_javascript_urls():
    cleaned = clean_html('<a href="javascript:alert(1)">bấm</a><a href="JaVaScRiPt:alert(2)">hai</a>'
                         '<img src="javascript:alert(3)">')
    assert "javascript" not in cleaned.lower()
    assert "bấm" in cleaned


def test_it_keeps_the_allowed_structure():
    source = ('<h2>Tiêu đề</h2><p><strong>Đậm</strong> <em>nghiêng</em></p><ul><li>một</li></ul><ol><li>hai</li></ol>'
              '<blockquote>Trích</blockquote><table><thead><tr><th>Cột</th></tr></thead><tbody><tr><td>Ô</td></tr>'
              '</tbody></table><a href="https://dichvucong.gov.vn">DVC</a>')
    cleaned = clean_html(source)
    for tag in ("<h2>", "<strong>", "<em>", "<ul>", "<ol>", "<blockquote>", "<table>", "<th>", "<td>"):
        assert tag in cleaned
    assert 'href="https://dichvucong.gov.vn"' in cleaned
    assert 'rel="noopener noreferrer"' in cleaned


def test_it_drops_styles_iframes_and_unknown_attributes():
    cleaned = clean_html('<p style="color:red" class="x">a</p><iframe src="https://evil"></iframe><style>p{}</style>')
    assert "style" not in cleaned and "iframe" not in cleaned and "class" not in cleaned


def test_images_are_lazy_and_our_images_get_their_size():
    cleaned = clean_html('<img src="/cai-cach-hanh-chinh/anh/7/" alt="a">', image_sizes={7: (800, 450)})
    assert 'loading="lazy"' in cleaned
    assert 'width="800"' in cleaned and 'height="450"' in cleaned


def test_plain_text_becomes_paragraphs_and_is_escaped():
    cleaned = clean_html("Đoạn một\ndòng hai\n\nĐoạn <strong>hai</strong>: 3 < 5")
    assert cleaned == "<p>Đoạn một<br>dòng hai</p><p>Đoạn <strong>hai</strong>: 3 &lt; 5</p>"


def test_text_of_html_for_search():
    assert html_to_text("<p>Cải&nbsp;cách</p><script>x</script>") == "Cải\xa0cách"

from courses.markdown import render_markdown


def test_renders_fenced_code_and_tables():
    html = render_markdown(
        "# 标题\n\n```python\nprint('hi')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert "<h1>标题</h1>" in html
    assert "<pre><code" in html and "print('hi')" in html
    assert 'class="language-python"' in html
    assert "<table>" in html and "<td>1</td>" in html


def test_links_get_nofollow_noopener():
    html = render_markdown("[site](https://example.com)")
    assert 'href="https://example.com"' in html
    assert 'rel="nofollow noopener"' in html


def test_strips_scripts_event_handlers_and_javascript_urls():
    html = render_markdown(
        "<script>alert(1)</script>\n\n"
        '<img src="x.png" onerror="alert(2)">\n\n'
        "[click](javascript:alert(3))\n\n"
        '<a href="javascript:alert(4)">x</a> <iframe src="https://evil"></iframe>'
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html


def test_empty_text_gives_empty_html():
    assert render_markdown("") == ""


def test_arbitrary_classes_are_dropped():
    html = render_markdown('<span class="btn evil">x</span>')
    assert "evil" not in html and "btn" not in html

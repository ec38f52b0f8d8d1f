import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_in_chinese_with_working_navbar_links(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", name="向真正懂行的人学习").is_visible()
    page.get_by_role("link", name="注册").first.click()
    page.wait_for_url(re.compile(r"/accounts/signup/$"))
    assert page.locator("input[name=email]").is_visible()
    # Styled by Bootstrap: the form control class is there and the CSS loaded.
    assert "form-control" in page.locator("input[name=email]").get_attribute("class")
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('.btn-primary')).backgroundColor"
        )
        != "rgba(0, 0, 0, 0)"
    )


def test_home_page_in_english_for_an_english_browser(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    try:
        page.goto("/")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role(
            "heading", name="Learn from people who know"
        ).is_visible()
    finally:
        context.close()

def test_home_page_shows_the_navbar_in_chinese(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert (
        page.get_by_role("link", name="注册").count()
        + page.get_by_role("link", name="Sign up").count()
        >= 1
    )

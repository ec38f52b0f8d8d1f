"""A newcomer's journey in a real browser: sign up, verify, onboard, log out and
in, edit the profile with an avatar, switch language."""

import io
import re

import pytest
from django.core import mail
from PIL import Image

from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-and-unusual-passphrase-42"


def _confirmation_path() -> str:
    assert mail.outbox, "no verification email was sent"
    link = re.search(
        r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body
    )
    assert link, mail.outbox[-1].body
    return link.group(1)


def test_sign_up_verify_onboard_log_out_and_in(page):
    CategoryFactory(slug="programming", name_zh="编程开发", name_en="Programming")
    CategoryFactory(slug="design", name_zh="设计创意", name_en="Design")

    page.goto("/accounts/signup/")
    page.fill("input[name=email]", "Reader@Example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    assert "reader@example.com" in page.content()

    page.goto(_confirmation_path())
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/me/onboarding/"))
    assert page.get_by_text("欢迎！你想学习什么？").is_visible()
    page.get_by_text("编程开发").click()
    page.get_by_role("button", name="继续").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_text("谢谢！我们会推荐这些主题的课程。").is_visible()

    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("link", name="登录").is_visible()

    page.get_by_role("link", name="登录").click()
    page.fill("input[name=login]", "reader@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_test_id("account-menu").is_visible()


def test_edit_profile_with_avatar_and_switch_language(page, live_server, tmp_path):
    from tests.factories import UserFactory

    user = UserFactory(email="painter@example.com")
    user.profile.onboarded_at = user.date_joined
    user.profile.save()
    avatar = tmp_path / "portrait.png"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(buffer, format="PNG")
    avatar.write_bytes(buffer.getvalue())

    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", "correct-horse-battery-staple")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto("/me/profile/")
    page.fill("input[name=display_name]", "水彩画家")
    page.fill("textarea[name=bio]", "我教水彩画。")
    page.set_input_files("input[name=avatar]", str(avatar))
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/me/profile/$"))
    assert page.get_by_text("个人资料已保存。").is_visible()
    img = page.locator("img.rounded-circle").first
    assert img.is_visible()
    assert page.evaluate("(el) => el.naturalWidth", img.element_handle()) == 256

    page.goto(f"/me/u/{user.pk}/")
    assert page.get_by_test_id("profile-name").inner_text() == "水彩画家"
    assert page.get_by_text("我教水彩画。").is_visible()

    page.select_option("[data-testid=language-switcher] select", "en")
    page.wait_for_load_state()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.get_by_text("Edit profile").is_visible()
    assert page.get_by_text("Member since").is_visible()

    page.select_option("[data-testid=language-switcher] select", "zh-hans")
    page.wait_for_function("document.documentElement.lang === 'zh-hans'")
    assert page.get_by_text("编辑个人资料").is_visible()


def test_wrong_avatar_type_shows_a_message(page, tmp_path):
    from tests.factories import UserFactory

    user = UserFactory(email="typo@example.com")
    fake = tmp_path / "notes.png"
    fake.write_text("not an image at all")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", "correct-horse-battery-staple")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    page.goto("/me/profile/")
    page.set_input_files("input[name=avatar]", str(fake))
    page.get_by_role("button", name="保存").click()
    assert page.get_by_text("该文件不是图片").is_visible()

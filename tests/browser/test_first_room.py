from playwright.sync_api import Page, expect

from rooms.models import Room
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD


def test_a_new_user_signs_up_creates_a_room_and_sees_its_tile(page: Page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill("dora@example.com")
    page.get_by_label("Display name").fill("Dora")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    screenshot(page, "signup")
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_role("heading", name="Create your first room")).to_be_visible()
    screenshot(page, "dashboard-empty")
    page.get_by_label("Room name").fill("Weekly standup")
    page.get_by_label("Theme").select_option("Forest")
    page.get_by_role("button", name="Create room").click()

    tile = page.get_by_role("article", name="Weekly standup")
    expect(tile).to_be_visible()
    expect(tile).to_be_focused()  # Issue 12, bug 9: focus went to <body>, nothing was said.
    expect(page.get_by_role("status").filter(has_text="Created “Weekly standup”.")).to_be_visible()
    expect(tile.get_by_role("link", name="Join")).to_be_visible()
    expect(page.get_by_role("heading", name="Create your first room")).to_have_count(0)
    expect(page.get_by_label("Room name")).to_have_value("")
    screenshot(page, "dashboard-one-room")
    room = Room.objects.get()
    assert (room.name, room.theme, room.locked) == ("Weekly standup", "forest", True)


def test_a_bad_name_shows_its_error_in_place(page: Page):
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("erin@example.com")
    page.get_by_label("Display name").fill("Erin")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_label("Room name").fill("   ")
    page.get_by_role("button", name="Create room").click()
    expect(page.get_by_text("Give the room a name.")).to_be_visible()
    assert not Room.objects.exists()

"""Open streams are checked again when an account's sessions may have ended (issue 11, item 8):
logging out, and a new password (which ends the account's other sessions). A stream opened as
the account closes with RECHECK, so its page reconnects: the session still signed in carries
on, the ended one is refused. The meeting socket checks in place and ends only when its session
ended. A former host loses the Host tag in "Who is here now" with new links."""

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from accounts.models import User
from rooms.consumers import ENDED, RECHECK, REFUSED
from rooms.models import Presence, Room
from tests.conftest import PASSWORD
from tests.helpers import browser, close_code, listen, open_stream, until
from tests.rooms.test_meeting_consumer import meeting_path, receive, roster_of

pytestmark = pytest.mark.django_db(transaction=True)

OWNER = "/ws/owner/"


def signed_in(user: User) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    return client


async def refused(path: str, client: Client) -> bool:
    communicator, _ = await open_stream(path, client)
    code = await close_code(communicator)
    await communicator.disconnect()
    return code == REFUSED


async def test_logging_out_closes_the_owners_stream_for_good(alice):
    laptop = await database_sync_to_async(signed_in)(alice)
    stream = await listen(OWNER, laptop)
    await until(stream, "owner-requests")

    await database_sync_to_async(laptop.post)("/accounts/logout/")

    assert await close_code(stream) == RECHECK
    assert await refused(OWNER, laptop)  # The page's reconnect.


async def test_a_new_password_ends_the_streams_of_the_accounts_other_sessions(alice):
    laptop = await database_sync_to_async(signed_in)(alice)
    phone = await database_sync_to_async(signed_in)(alice)
    on_phone = await listen(OWNER, phone)
    await until(on_phone, "owner-requests")

    def change_password() -> int:
        new = {"old_password": PASSWORD, "new_password1": "a new 1ong one!", "new_password2": ""}
        new["new_password2"] = new["new_password1"]
        return laptop.post("/accounts/password/change/", new).status_code

    assert await database_sync_to_async(change_password)() == 302

    assert await close_code(on_phone) == RECHECK
    assert await refused(OWNER, phone)
    again = await listen(OWNER, laptop)  # Where it was changed, the page carries on.
    await until(again, "owner-requests")
    await again.disconnect()


async def test_a_new_password_ends_the_meeting_of_another_session_only(alice, alices_room):
    laptop = await database_sync_to_async(signed_in)(alice)
    phone = await database_sync_to_async(signed_in)(alice)
    for client in (laptop, phone):
        await database_sync_to_async(client.get)(f"/rooms/{alices_room.code}/join/")
    host_secret = alices_room.host_secret
    in_laptop = await listen(meeting_path(alices_room, host_secret), laptop)
    in_phone = await listen(meeting_path(alices_room, host_secret), phone)
    laptops_id = (await receive(in_laptop, "welcome"))["id"]
    await receive(in_phone, "welcome")
    await roster_of(in_laptop, ["Alice", "Alice"])

    def change_password() -> int:
        new = {"old_password": PASSWORD, "new_password1": "a new 1ong one!"}
        return laptop.post(
            "/accounts/password/change/", {**new, "new_password2": new["new_password1"]}
        ).status_code

    assert await database_sync_to_async(change_password)() == 302

    assert (await receive(in_phone, "closed"))["reason"] == "logout"
    assert await close_code(in_phone) == ENDED
    await in_phone.disconnect()  # As the phone's browser does on the close.
    # The laptop's meeting goes on, its key rotated: it sees the phone go, and still talks.
    [peer] = await roster_of(in_laptop, ["Alice"])
    assert peer["id"] == laptops_id
    await in_laptop.send_json_to({"type": "state", "audio": True, "video": False, "screen": None})
    while not (await roster_of(in_laptop, ["Alice"]))[0]["audio"]:
        pass
    await in_laptop.disconnect()


async def test_a_former_host_loses_the_host_tag_with_new_links(alice, alices_room):
    hana = await browser(alices_room, host=True, name="Hana")
    owner = await browser(alices_room, login=alice, host=True, name="Alice")
    hanas = await listen(meeting_path(alices_room, alices_room.host_secret), hana)
    alices = await listen(meeting_path(alices_room, alices_room.host_secret), owner)
    peers = await roster_of(alices, ["Hana", "Alice"])
    assert [peer["is_host"] for peer in peers] == [True, True]

    def regenerate() -> None:
        room = Room.objects.get(pk=alices_room.pk)
        room.regenerate_links(by=alice)

    await database_sync_to_async(regenerate)()

    assert (await receive(hanas, "closed"))["reason"] == "links"
    await hanas.disconnect()
    rows = await database_sync_to_async(lambda: list(Presence.objects.values_list("is_host")))()
    assert rows == [(True,)]  # Alice's: Hana is no longer here, host or not.
    await alices.disconnect()

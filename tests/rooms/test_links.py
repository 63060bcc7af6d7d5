import math
import re

from rooms.models import Room


def test_each_link_has_a_secret_of_at_least_128_bits(alices_room):
    for secret in (alices_room.participant_secret, alices_room.host_secret):
        # token_urlsafe: 6 bits per character.
        assert len(secret) * 6 >= 128
        assert math.log2(64) * len(secret) >= 128
    assert alices_room.participant_secret != alices_room.host_secret


def test_links_read_slug_then_secret(alices_room, settings):
    assert alices_room.participant_url == (
        f"{settings.SITE_URL}/r/standup/{alices_room.participant_secret}/"
    )
    assert alices_room.host_url.endswith(f"/r/standup/{alices_room.host_secret}/")


def test_two_rooms_never_share_a_secret(alice):
    rooms = [Room.create(alice, name="Same name") for _ in range(20)]
    secrets = {room.participant_secret for room in rooms} | {room.host_secret for room in rooms}
    assert len(secrets) == 40


def test_the_participant_link_opens_the_lobby(client, alices_room):
    response = client.get(alices_room.participant_path)
    assert response.status_code == 200
    assert response.context["is_host"] is False


def test_the_host_link_opens_the_lobby_as_host(client, alices_room):
    response = client.get(alices_room.host_path)
    assert response.status_code == 200
    assert response.context["is_host"] is True


def test_a_wrong_secret_a_wrong_slug_and_a_deleted_room_answer_the_same_404(client, alices_room):
    wrong_secret = client.get(f"/r/standup/{'A' * 43}/")
    wrong_slug = client.get(f"/r/other/{alices_room.participant_secret}/")
    path = alices_room.participant_path
    alices_room.delete()
    deleted = client.get(path)
    assert wrong_secret.status_code == wrong_slug.status_code == deleted.status_code == 404
    # Equal but for the per-request CSP nonce and masked CSRF token.
    per_request = re.compile(rb'(nonce="|"X-CSRFToken": ")[^"]*"')
    pages = {per_request.sub(b"", r.content) for r in (wrong_secret, wrong_slug, deleted)}
    assert len(pages) == 1

def test_guessing_link_secrets_meets_a_429(client, alices_room, settings):
    settings.LINK_LIMIT = (5, 300)
    codes = [client.get(f"/r/standup/guess{n}/").status_code for n in range(5)]
    assert codes == [404] * 5
    response = client.get(alices_room.participant_path)
    assert response.status_code == 429
    assert "Too many wrong room links" in response.content.decode()


def test_the_right_link_does_not_count(client, alices_room, settings):
    settings.LINK_LIMIT = (2, 300)
    for _ in range(5):
        assert client.get(alices_room.participant_path).status_code == 200


def test_a_non_ascii_secret_is_a_plain_404(client, alices_room):
    assert client.get("/r/standup/%C3%A9t%C3%A9/").status_code == 404


def test_with_the_shared_store_down_rooms_stay_open(client, alices_room, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    assert client.get(alices_room.participant_path).status_code == 200
    assert client.get("/r/standup/wrong/").status_code == 404
    assert "Abuse limits unavailable" in caplog.text

"""What the test modules share that is not a fixture (fixtures live in conftest.py): the htmx
header, HTML compared as HTML, uploads and stored files, asking to join, and WebSocket streams
through the project's real ASGI application."""

import asyncio
from pathlib import Path

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, SimpleTestCase
from django.test.html import Element, normalize_attributes, parse_html

from session_rooms.asgi import application
from tests.conftest import PATIENCE

# The header htmx sends with each of its requests, as the test client's keyword arguments.
HTMX = {"HTTP_HX_REQUEST": "true"}
# The site's own origin, as a browser on the default SITE_URL sends it with a socket.
ORIGIN = "http://127.0.0.1:8000"

_html = SimpleTestCase()


# Forms


def link_rows(*links: tuple[str, str], total: int = 5) -> dict[str, str]:
    """The Customize page's lobby links as its formset posts them: the management form (five
    rows, as the page shows), then each (label, address) row from the first."""
    data = {"links-TOTAL_FORMS": str(total), "links-INITIAL_FORMS": "0"}
    for row, (label, url) in enumerate(links):
        data |= {f"links-{row}-label": label, f"links-{row}-url": url}
    return data


# HTML


def assert_in_html(needle: str, haystack: str, count: int | None = None) -> None:
    """`needle` is an element of `haystack`, compared as HTML (attribute order, class order and
    white space do not matter); with `count`, exactly that many times."""
    _html.assertInHTML(needle, haystack, count=count)


def elements(html: str | Element, tag: str, **attributes: str | None) -> list[Element]:
    """Every `tag` element in `html` that carries all `attributes`, in any order, whatever else
    it holds. `aria_label="Rooms"` means aria-label and `class_` class; a value of None is a
    bare attribute (`hidden=None`, `autofocus=None`)."""
    wanted = normalize_attributes(
        (name.rstrip("_").replace("_", "-"), value) for name, value in attributes.items()
    )
    found = []

    def walk(node: Element) -> None:
        if node.name == tag and set(wanted) <= set(node.attributes):
            found.append(node)
        for child in node.children:
            if isinstance(child, Element):
                walk(child)

    walk(parse_html(html) if isinstance(html, str) else html)
    return found


def element(html: str | Element, tag: str, **attributes: str | None) -> Element:
    """The one element `elements` finds; it fails on none or several."""
    found = elements(html, tag, **attributes)
    assert len(found) == 1, f"{len(found)} <{tag}> with {attributes}"
    return found[0]


def only_element(html: str) -> Element:
    """The one element an htmx partial consists of; it fails on anything beside it."""
    root = parse_html(html)
    children = root.children if root.name is None else [root]
    assert len(children) == 1 and isinstance(children[0], Element), html[:300]
    return children[0]


def text(node: Element) -> str:
    """What an element shows as text, its pieces joined by single spaces (Django's parser trims
    the text beside each tag, so "<b>Re</b>tro" reads "Re tro")."""

    def words(node: Element | str) -> list[str]:
        return (
            node.split() if isinstance(node, str) else [w for c in node.children for w in words(c)]
        )

    return " ".join(words(node))


# Uploads and the files they leave


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(media: Path) -> set[str]:
    """Every file under MEDIA_ROOT, by its path inside it."""
    return {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}


# Joining


def ask(room, name: str = "Dana", client: Client | None = None, **headers):
    """Ask to join (or join, if unlocked) through the participant link; by default as a fresh
    browser each time: a new guest, from the same address as the others."""
    client = client or Client()
    return client.post(f"{room.participant_path}join/", {"display_name": name}, **headers)


# WebSocket streams, through the project's real ASGI application (Origin check and session)


def stream_headers(client: Client | None, origin: str = ORIGIN) -> list[tuple[bytes, bytes]]:
    """What a browser sends to open a socket: its origin, and its session cookie if it has one."""
    headers = [(b"origin", origin.encode()), (b"host", b"127.0.0.1:8000")]
    if client is not None and client.cookies:
        cookies = "; ".join(f"{name}={c.value}" for name, c in client.cookies.items())
        headers.append((b"cookie", cookies.encode()))
    return headers


async def open_stream(
    path: str, client: Client | None = None, origin: str = ORIGIN
) -> tuple[WebsocketCommunicator, bool]:
    """A socket opened as `client`'s browser would; always disconnect() it."""
    communicator = WebsocketCommunicator(application, path, headers=stream_headers(client, origin))
    connected, _ = await communicator.connect(timeout=PATIENCE)
    return communicator, connected


async def listen(path: str, client: Client | None = None) -> WebsocketCommunicator:
    """A socket `client` may open: it fails unless the server accepts it."""
    communicator, connected = await open_stream(path, client)
    assert connected, path
    return communicator


async def until(communicator: WebsocketCommunicator, text: str, timeout: float = PATIENCE) -> str:
    """The first pushed message containing text (pushes may repeat a snapshot first)."""
    async with asyncio.timeout(timeout):
        while True:
            message = await communicator.receive_from(timeout=timeout)
            if text in message:
                return message


async def close_code(communicator: WebsocketCommunicator, timeout: float = PATIENCE) -> int:
    """The code the server closed the socket with, past any messages before it."""
    async with asyncio.timeout(timeout):
        while (message := await communicator.receive_output(timeout=timeout))["type"] != (
            "websocket.close"
        ):
            pass
    return message["code"]


@database_sync_to_async
def browser(room=None, *, login=None, host=False, name="Dana") -> Client:
    """A person's browser: signed in, and through a link joined (or asking, if locked)."""
    client = Client()
    if login is not None:
        client.force_login(login)
    if room is not None:
        secret = room.host_secret if host else room.participant_secret
        client.get(f"/r/{room.slug}/{secret}/")
        client.post(f"/r/{room.slug}/{secret}/join/", {"display_name": name})
    return client

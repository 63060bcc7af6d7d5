"""The baseline of the WebSocket figures: a socket's message goes out through the channel layer's
group_send and back, with no database and no template (served only by bench/asgi.py)."""

from channels.generic.websocket import AsyncWebsocketConsumer


class EchoConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.group = f"bench-echo-{self.channel_name.rsplit('!', 1)[-1]}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.channel_layer.group_send(self.group, {"type": "echo", "text": text_data})

    async def echo(self, event: dict) -> None:
        await self.send(text_data=event["text"])

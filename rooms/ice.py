"""ICE servers for a person's peer connections: STUN, and TURN with short-lived credentials.

TURN credentials follow the TURN REST API scheme that coturn's `use-auth-secret` checks: the
username is "<expiry unix time>:<identity>" and the credential is base64(HMAC-SHA1(TURN_SECRET,
username)). coturn recomputes it from its `static-auth-secret`, so the app stores nothing and
the secret never reaches a browser; a credential dies at its expiry, and a relayed call with
it ends then unless the page fetches fresh ones (an ICE restart).
"""

import base64
import hashlib
import hmac
import time

from django.conf import settings


def ice_servers(identity: str) -> list[dict]:
    """The RTCPeerConnection `iceServers` for one person; [] when none are configured.

    `identity` names the person in the TURN server's logs and quotas: pass an opaque id (a
    member or session id), not an email address."""
    if not identity:
        raise ValueError("a TURN identity is needed, an opaque id of the person")
    servers: list[dict] = []
    if settings.STUN_URLS:
        servers.append({"urls": list(settings.STUN_URLS)})
    if settings.TURN_URLS:
        expiry = int(time.time()) + settings.TURN_CREDENTIAL_TTL
        username = f"{expiry}:{identity}"
        digest = hmac.new(settings.TURN_SECRET.encode(), username.encode(), hashlib.sha1)
        credential = base64.b64encode(digest.digest()).decode()
        servers.append(
            {"urls": list(settings.TURN_URLS), "username": username, "credential": credential}
        )
    return servers

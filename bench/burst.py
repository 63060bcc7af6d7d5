"""stub"""


async def run(server):
    return []

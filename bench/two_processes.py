"""stub"""


async def run(samples):
    return []

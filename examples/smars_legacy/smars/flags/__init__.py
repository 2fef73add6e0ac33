"""Flags: switches that turn router behaviour on and off per server.

Read them only through the client:

    from smars.flags import client as flags
    from smars.flags import names

    if flags.enabled(names.INET_ROUTING):
        ...

Flag states come from the server's deploy manifest (deploy/servers/<server>.toml), so a
flag can differ between servers. The registry of what each key means, and who owns it, is
flags.toml at the top of the repository.
"""

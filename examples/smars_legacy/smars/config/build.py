"""Builds and the components they carry.

The release script stamps each server's manifest with the build it copied. A build is a
set of components; code that only exists from some build on asks here before it runs
(`has_component(RLP)`), because the servers of the fleet do not always run the same build.

This example keeps one source tree for every build; the table below is what stands in for
"the code the server actually has".
"""

from smars.flags import client as flags

CORE = "core"
SLICER = "slicer"           # SMR-2291 (2005): the slicing router
ODD_LOTS = "odd-lots"
DARK_IOC = "dark-ioc"       # Knight Match IOC ping (2010)
RLP = "rlp"                 # NYSE Retail Liquidity Program (SMR-8127, 2012)

BUILDS = {
    # the last build before RLP; what smars-08 still runs
    "2012.06.29-r4411": frozenset({CORE, SLICER, ODD_LOTS, DARK_IOC}),
    # the RLP release, copied to the servers by hand from 27 July 2012
    "2012.07.27-rlp": frozenset({CORE, SLICER, ODD_LOTS, DARK_IOC, RLP}),
}


class UnknownBuild(Exception):
    pass


def current_build() -> str:
    return flags.manifest().build


def components(build_id: str | None = None) -> frozenset:
    build_id = build_id or current_build()
    try:
        return BUILDS[build_id]
    except KeyError:
        raise UnknownBuild(f"build {build_id!r} is not in smars.config.build.BUILDS") from None


def has_component(name: str, build_id: str | None = None) -> bool:
    return name in components(build_id)

"""Every named URL of the site and the API, read from the URL resolver."""

from __future__ import annotations

import dataclasses

from django.urls import URLPattern, URLResolver, get_resolver


@dataclasses.dataclass(frozen=True)
class Route:
    name: str
    route: str


def site_routes() -> dict[str, Route]:
    """Named URL patterns by their full name (namespace:name), admin included."""
    found: dict[str, Route] = {}

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = (
                        f"{namespace}:{pattern.namespace}"
                        if namespace
                        else pattern.namespace
                    )
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if not pattern.name and namespace == "admin":
                    continue  # the admin's old-style object URL: a redirect
                if not pattern.name:
                    if "<" in route or "(" in route:
                        raise AssertionError(
                            f"URL {route!r} has arguments and no name: name it "
                            "so that the access matrix can list it."
                        )
                    # An unnamed fixed URL (an old address redirecting): its path.
                    found.setdefault("/" + route, Route(name="/" + route, route=route))
                    continue
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                # Format-suffix variants (`.json`) share the name: keep the first.
                found.setdefault(name, Route(name=name, route=route))

    walk(get_resolver().url_patterns, "", None)
    return found

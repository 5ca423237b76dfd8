"""Built-in provider presets, looked up by name: ``oauth.register("github")``.

One module per preset, named as users type the preset (``providers/discord.py``
holds ``PRESET`` for ``"discord"``).  Presets are imported when first asked for,
so importing the package reads a directory listing, not 45 modules.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import threading
from collections.abc import Iterator, Mapping
from functools import cache

from ..registry.errors import ConfigurationError
from .base import PresetOption, ProviderPreset, Quirk
from .profile import Profile

#: Modules of this package that hold the mechanism, not a preset.
_MECHANISM = frozenset({"base", "profile", "quirks", "issuers"})


@cache
def preset_names() -> tuple[str, ...]:
    """Every built-in preset's name, sorted; read from the package's modules without importing them."""
    found = (info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
    return tuple(sorted(name for name in found if name not in _MECHANISM))


_import_lock = threading.Lock()


def get_preset(name: str) -> ProviderPreset:
    """The preset called ``name``; a :class:`ConfigurationError` naming the close ones if none."""
    if name not in preset_names():
        close = difflib.get_close_matches(name.lower(), preset_names(), n=3, cutoff=0.6)
        hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
        raise ConfigurationError(
            description=f"no provider preset named {name!r}{hint}; known presets: {', '.join(preset_names())}"
        )
    with _import_lock:
        module = importlib.import_module(f"{__name__}.{name}")
    preset: ProviderPreset = module.PRESET
    return preset


class _Presets(Mapping[str, ProviderPreset]):
    """``PRESETS[name]``: a read-only mapping over the presets that imports each one when read."""

    def __getitem__(self, name: str) -> ProviderPreset:
        if name not in preset_names():
            raise KeyError(name)
        return get_preset(name)

    def __contains__(self, name: object) -> bool:
        return name in preset_names()

    def __iter__(self) -> Iterator[str]:
        return iter(preset_names())

    def __len__(self) -> int:
        return len(preset_names())


PRESETS: Mapping[str, ProviderPreset] = _Presets()

__all__ = ["PRESETS", "PresetOption", "Profile", "ProviderPreset", "Quirk", "get_preset", "preset_names"]

"""Built-in provider presets, looked up by name: ``oauth.register("github")``."""

from __future__ import annotations

from ..registry.errors import ConfigurationError
from . import github, google, google_service_account, twitter
from .base import ProviderPreset

PRESETS: dict[str, ProviderPreset] = {
    preset.name: preset
    for preset in (google.PRESET, google_service_account.PRESET, github.PRESET, twitter.PRESET)
}


def get_preset(name: str) -> ProviderPreset:
    """The preset called ``name``; a :class:`ConfigurationError` listing the known ones if none."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ConfigurationError(
            description=f"no provider preset named {name!r}; known presets: {', '.join(sorted(PRESETS))}"
        ) from None


__all__ = ["PRESETS", "ProviderPreset", "get_preset"]

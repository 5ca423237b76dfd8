"""How a registration's provider preset becomes settings: its options resolved, its templates filled.

``register("work", provider="github", host="github.example.com")`` names the
preset (``provider=`` or the app's own name) and gives the preset's options among
the other keywords; options may also come from the Flask config
(``WORK_HOST``).  The result is the preset's settings, lowest of the three
sources that :func:`.settings.merge_settings` merges.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..providers import PRESETS, get_preset
from ..providers.base import ProviderPreset, chain_fixes, preset_settings, split_options
from .errors import ConfigurationError


@dataclass(frozen=True)
class PresetSettings:
    """A registration's preset (if any), its rendered settings, and the keywords left for the other settings."""

    preset: ProviderPreset | None
    settings: dict[str, Any] = field(default_factory=dict)
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def provider_name(self) -> str | None:
        return self.preset.name if self.preset is not None else None


def preset_for(
    name: str, kwargs: Mapping[str, Any], app_config: Mapping[str, Any] | None = None
) -> PresetSettings:
    """The preset settings of the registration ``name`` with ``kwargs``.

    Without ``app_config`` (register() before any Flask app), a required option
    the config may still supply is not an error yet: the preset's settings are
    then left out of this early check, and the build with the app reports it.
    """
    rest = {key: value for key, value in kwargs.items() if key != "provider"}
    provider = kwargs.get("provider") or (name if name in PRESETS else None)
    if provider is None:
        return PresetSettings(None, {}, rest)
    preset = get_preset(provider)
    options, rest = split_options(preset, rest)
    if app_config is not None:
        for option in preset.options:
            configured = app_config.get(f"{name}_{option.name}".upper())
            if options.get(option.name) is None and configured is not None:
                options[option.name] = configured
    try:
        settings = preset_settings(preset, name, options)
    except ConfigurationError:
        if app_config is not None:
            raise
        return PresetSettings(preset, {}, rest)
    return PresetSettings(preset, settings, rest)


def with_preset_fix(merged: dict[str, Any], preset_settings: Mapping[str, Any]) -> dict[str, Any]:
    """``merged`` whose ``compliance_fix`` runs the preset's quirks before the user's own fix."""
    preset_fix = preset_settings.get("compliance_fix")
    if preset_fix is not None:
        merged["compliance_fix"] = chain_fixes(preset_fix, merged.get("compliance_fix"))
    return merged

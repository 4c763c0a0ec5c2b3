"""Deterministic sample deliveries for development and tests (see ``generate_sample``)."""

from .generate import generate_sample
from .manifest import Defect, FileInfo, Missing, SampleManifest

__all__ = ["Defect", "FileInfo", "Missing", "SampleManifest", "generate_sample"]

"""Warnings attributed to the user's line, not to a frame inside rumelhart."""

import os
import sys
import warnings
from types import FrameType

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn(message: str | Warning, category: type[Warning] | None) -> None:
    """``warnings.warn`` with the stack level of the first caller outside
    the package, however deep inside it the warning arises."""
    level = 2  # warnings.warn(stacklevel=2) names the caller of warn()
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)

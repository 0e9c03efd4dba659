"""The ``jingsai`` console script: Django's management commands under one name.

``jingsai migrate``, ``jingsai preset pudong``, ``jingsai demo-data`` … Commands
whose Django name has underscores may also be typed with hyphens.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingsai.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "jingsai"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

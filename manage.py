#!/usr/bin/env python
"""Django's command-line utility for ShadowVault (`python manage.py help`)."""

import sys

from shadowvault import config


def main() -> None:
    config.prepare_environment()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

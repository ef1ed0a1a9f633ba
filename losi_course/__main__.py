"""``python -m losi_course`` runs the command line."""

from .cli import main

raise SystemExit(main())

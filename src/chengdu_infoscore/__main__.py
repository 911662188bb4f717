"""``python -m chengdu_infoscore`` runs the command line."""

from .cli import main

raise SystemExit(main())

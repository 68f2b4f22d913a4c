from dida_view.cli import main

raise SystemExit(main())

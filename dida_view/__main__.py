import multiprocessing

from dida_view.cli import main

multiprocessing.freeze_support()  # the packaged app's audit workers start through here
raise SystemExit(main())

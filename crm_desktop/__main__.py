from crm_desktop.cli import main

raise SystemExit(main())

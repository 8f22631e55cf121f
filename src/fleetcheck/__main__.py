from fleetcheck.cli.main import main

raise SystemExit(main())

"""``python -m dlbook.data``: provision every dataset (see ``dlbook.data.provision``)."""

from dlbook.data.provision import main

raise SystemExit(main())

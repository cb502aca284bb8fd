"""``python -m dlbook.data``: provision every dataset (see ``dlbook.data.provision``).
"""

from dlbook.interrupts import exit_quietly_on_interrupt

exit_quietly_on_interrupt()  # Ctrl-C while PyTorch loads: one line, not a traceback

from dlbook.data.provision import main  # noqa: E402

raise SystemExit(main())

"""Tests for dlbook.interrupts: Ctrl-C while a command starts is one line and exit 130."""

import signal
import subprocess
import sys


def test_ctrl_c_during_start_up_is_one_line_and_exit_130():
    script = (
        "import sys, time\n"
        "from dlbook.interrupts import exit_quietly_on_interrupt\n"
        "exit_quietly_on_interrupt()\n"
        "print('loading', flush=True)\n"
        "time.sleep(60)  # a slow import\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline() == "loading\n"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err == "error: interrupted while starting; nothing was changed\n"


def test_restore_makes_ctrl_c_and_sigterm_raise_keyboard_interrupt():
    from dlbook.interrupts import restore_interrupts

    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        restore_interrupts()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        assert signal.getsignal(signal.SIGTERM) is signal.default_int_handler
    finally:
        for sig, handler in kept.items():
            signal.signal(sig, handler)

"""The live loop (DESIGN.md "Threads"): capture thread -> one-slot mailbox -> pose, kernels
and cues -> screen on the main thread; the buzzer hears cues without waiting for the screen."""

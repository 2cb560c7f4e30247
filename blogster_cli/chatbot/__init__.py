"""The chatbot's pure parts: intent files, the intent classifier, evaluation, replies (no I/O)."""

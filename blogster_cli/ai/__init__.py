"""Pure helpers for AI generation: provider settings, prompts, output shapes. No I/O, no database."""

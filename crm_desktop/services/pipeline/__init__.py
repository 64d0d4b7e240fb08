"""Sales pipelines: the board, moving deals between stages, the stage editor, stage history.

Submodules are imported directly (`from crm_desktop.services.pipeline.history import …`):
records.py and conversion.py need `history` alone, and the board needs them not.
"""

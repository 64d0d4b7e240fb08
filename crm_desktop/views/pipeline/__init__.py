"""The pipeline board: columns of deal cards per stage, drag and drop, the stage editor."""

from crm_desktop.views.pipeline.board_page import PipelineBoardPage
from crm_desktop.views.pipeline.prompts import BoardPrompts, QtBoardPrompts

__all__ = ["BoardPrompts", "PipelineBoardPage", "QtBoardPrompts"]

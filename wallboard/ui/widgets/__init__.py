"""The board's widgets: thin views that draw what `wallboard.core.board.Board` knows."""

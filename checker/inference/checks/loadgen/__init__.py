"""The checks of a LoadGen detail log, by topic; `performance` composes them."""

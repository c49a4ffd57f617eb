"""The projection core: pure functions from words, spans and links to projected spans and scores."""

"""Time phrases: one grammar for questions, captured text and answers (phrase.py reads them
into ranges and annotations, answer.py renders the dates an answer gives)."""

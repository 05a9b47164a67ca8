"""Reading and writing games: Gambit's formats and converters to peer libraries."""

"""Wide-area cooperation frameworks: a dated register of who cooperates with whom, under which agreement."""

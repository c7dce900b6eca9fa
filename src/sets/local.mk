# src/sets: (module added by its owner)

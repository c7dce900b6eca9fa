# src/local: (module added by its owner)

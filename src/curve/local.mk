# src/curve: (module added by its owner)

# src/ad: (module added by its owner)

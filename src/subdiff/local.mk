# src/subdiff: (module added by its owner)

# src/lang: (module added by its owner)

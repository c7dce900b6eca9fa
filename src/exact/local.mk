# src/exact: (module added by its owner)

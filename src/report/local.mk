# src/report: (module added by its owner)

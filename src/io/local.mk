# src/io: reading AD data files (CSV, JSON lines)

-- The columns of a table with their DuckDB types, one row per column: the schema toets compares
-- them with the contract's columns (staged) or the output contract's (published).
SELECT column_name AS kolom, column_type AS type, column_name AS __index
FROM (DESCRIBE {{ tabel }})

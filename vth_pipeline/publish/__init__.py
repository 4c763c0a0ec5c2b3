"""The writers of the publication: tables, charts, the report; they read staat tables only."""

-- Value set `bevoegd_gezag_jaar`: the same codes as `bevoegd_gezag`.
{% include "toetsen/waarden/bevoegd_gezag.sql" %}

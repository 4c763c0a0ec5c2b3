-- Value set `bevoegd_gezag`: a gemeente of the year or a provincie.
{% include "toetsen/waarden/gemeente.sql" %} UNION {% include "toetsen/waarden/provincies.sql" %}

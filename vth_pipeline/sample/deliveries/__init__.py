"""One module per kind of delivery: it builds the year's files of that kind for every partner
that delivers it, with the scenarios (bad rows, bad files, supersession) planned for them."""

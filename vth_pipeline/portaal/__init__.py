"""The partners' delivery portal (`vth portaal`): upload, the verdict of `vth check`, landing.

One module per concern: `settings` (the environment, declared once), `db` (tables, engine,
migrations), `auth` (tokens, sessions, CSRF, rate limit), `journal` (the append-only log),
`checker` (the pipeline's own check in a child process with a time limit), `storage` (landing
an accepted file in the raw folder), `uploads` (one upload from request to record), `state`
(deliveries in effect and still required per year), `api` and `pages` (the routes), `web`
(headers and body limits), `app` (the factory) and `cli` (`vth portaal`).
"""

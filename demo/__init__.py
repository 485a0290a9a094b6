"""`router demo`: the README's main job, a simulated day on the real stack.

A fresh topic prefix and Postgres database per run, a real router worker, the seeded
sample network, a day of requests compressed into a minute or two of wall time with
simulated offices and agencies answering, then a summary from Postgres and an HTML
report. `demo.run.run_demo` is the entry point; `cli.demo` is its command line.
"""

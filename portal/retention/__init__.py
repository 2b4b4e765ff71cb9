"""The retention schedule (rules.py), the job that applies it (job.py) and its command."""

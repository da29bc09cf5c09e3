"""gunicorn's limits for `make serve` and bench/load.py; the command line adds the address, workers and logs."""

# The longest request line gunicorn takes: its maximum, 8190 bytes, instead of its default 4094, from which a
# search of about 450 Chinese characters (9 bytes each in a URL) got gunicorn's English "414 URI Too Long".
# Up to this limit every query reaches the site, which reads its first 100 characters (the search boxes'
# maxlength) and says so in Chinese; nginx in front refuses request lines over 8 KB itself (414).
limit_request_line = 8190

timeout = 60
graceful_timeout = 20

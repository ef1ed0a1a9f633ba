"""Root pytest configuration: what doctest collection must skip."""

collect_ignore = ["losi_course/__main__.py", "source", "release", "workspace", "benchmarks"]
collect_ignore_glob = ["losi_course/portal/site/*"]

"""Tests of the project as other projects and QA use it: plugin, CLI, reports, workflows."""

SUBPROCESS_TIMEOUT = 120  # seconds: a hung downstream pytest run fails its test, not the CI job

"""The ``microinterp`` command line: ``main.py`` dispatches, one module per subcommand."""

"""The command line, one module per group of commands; ``tracker.cli`` assembles them."""

"""One module per screen. Views call the library and render; they hold no domain logic."""

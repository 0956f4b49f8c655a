"""intake's HTTP endpoints: the JSON webhook (a bare ASGI endpoint) and HTML forms."""

"""The Django project: settings, URLs and websocket routing that wire rooms and boards together."""

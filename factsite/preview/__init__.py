"""The live preview: rebuilds on every save, served on loopback, reloading the browser."""

"""The speed machinery: forked worker processes, the build's helper, the streamed page loop."""

"""Writing and publishing: the site written into a staging folder and swapped in atomically."""

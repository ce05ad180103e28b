"""Planning: the model joined into views, and every page and file a build writes decided."""

"""The routing policy: the ordered rule list and the segments, from the configuration
file's ``routing`` section."""

"""The monitor: crawls news sites, finds investment announcements, alerts subscribers."""

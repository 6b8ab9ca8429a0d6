"""The in-browser reader (`/read/<chapter>/`): its page, what it loads, and the progress
and settings it saves."""
